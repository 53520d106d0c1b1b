package io.gearbox.asr.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's Chromium ({@code /usr/bin/chromium}) driven headless through Debian's ChromeDriver
 * ({@code /usr/bin/chromedriver}), with a fresh profile in a temporary folder, no background traffic of its own,
 * microphone permission granted and a WAV file as the microphone. Both paths are given to Selenium, so it never
 * looks for (or downloads) a browser or a driver. Closing quits the browser and deletes the profile.
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Selenium's DevTools bindings lag Debian's Chromium, and it warns at every start that it has none for this
     * version; nothing here uses them (the logs come through ChromeDriver), so the warning is held back. Kept in a
     * field: java.util.logging holds its loggers weakly, and a collected logger forgets its level.
     */
    private static final List<Logger> CDP_LOGGERS = List.of(
            Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"),
            Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"));

    static {
        CDP_LOGGERS.forEach((logger) -> logger.setLevel(Level.SEVERE));
    }

    private final Path profile;

    private final ChromeDriver driver;

    private HeadlessChromium(Path profile, ChromeDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    /** Skips the calling tests, with one message, when Debian's chromium or chromium-driver is not installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "No headless Chromium: these tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", "
                        + CHROMEDRIVER + ")");
    }

    /**
     * @param microphone a WAV file the fake microphone plays once, then silence
     * @return a started browser
     */
    public static HeadlessChromium start(Path microphone) {
        Path profile;
        try {
            profile = Files.createTempDirectory("gearbox-chromium-");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + microphone.toAbsolutePath() + "%noloop",
                "--window-size=1200,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        try {
            return new HeadlessChromium(profile, new ChromeDriver(service, options));
        }
        catch (RuntimeException ex) {
            deleteQuietly(profile);
            throw ex;
        }
    }

    /** @return the driver, for navigation, elements and waits */
    public ChromeDriver driver() {
        return this.driver;
    }

    /** @return the console's errors (level SEVERE) since the last call: a page's scripts, CSP and network errors */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry entry : this.driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(entry.getMessage());
            }
        }
        return errors;
    }

    /** @return the URL of every request and WebSocket the pages made since the last call */
    public List<String> requestedUrls() {
        List<String> urls = new ArrayList<>();
        for (LogEntry entry : this.driver.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = JSON.readTree(entry.getMessage()).path("message");
            String method = message.path("method").asString("");
            JsonNode params = message.path("params");
            if (method.equals("Network.requestWillBeSent")) {
                urls.add(params.path("request").path("url").asString(""));
            }
            else if (method.equals("Network.webSocketCreated")) {
                urls.add(params.path("url").asString(""));
            }
        }
        return urls;
    }

    /**
     * @param file where to write the window's screenshot as PNG (folders made as needed)
     */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, this.driver.getScreenshotAs(OutputType.BYTES));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Runs an asynchronous script: its last argument is the callback that ends it.
     * @param script the script
     * @param args its arguments
     * @return what it passed to the callback, as Selenium maps it (maps, lists, numbers, strings)
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> runAsync(String script, Object... args) {
        return (Map<String, Object>) this.driver.executeAsyncScript(script, args);
    }

    @Override
    public void close() {
        try {
            this.driver.quit();
        }
        finally {
            deleteQuietly(this.profile);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        catch (IOException ex) {
            // A profile left in the temporary folder is harmless; failing the tests over it is not.
        }
    }

}
