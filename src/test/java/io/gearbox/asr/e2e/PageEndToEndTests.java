package io.gearbox.asr.e2e;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.gearbox.asr.support.HeadlessChromium;
import io.gearbox.asr.support.TestAudio;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The page at {@code /} in Debian's headless Chromium against the service on a random port with the shipped model:
 * it loads with no console errors and nothing fetched from elsewhere; a clip uploaded through its form shows its
 * transcript with word and segment times, and an undecodable one the problem's detail; its microphone (a committed
 * clip as the fake capture device) streams to {@code /v1/stream} and shows partial, then final text; and the
 * microphone's resampler keeps the speech band and removes what would fold into it. Screenshots go to
 * {@code target/page-screenshots/}. Skipped when Chromium or ChromeDriver is not installed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "asr.model.path=" + ShippedModelEndToEndTests.MODEL)
@AutoConfigureWebTestClient
@ActiveProfiles("e2e")
class PageEndToEndTests {

    /** A committed clip ("i know who he was", 1.6 s at 16 kHz) that the shipped model transcribes right. */
    private static final Path CLIP = ShippedModelEndToEndTests.CLIPS.resolve("synth-synth0090.wav");

    private static final String CLIP_WORDS = "i know who he was";

    private static final Path SCREENSHOTS = Path.of("target/page-screenshots");

    /** Generous: a transcription can take seconds on a busy 2-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static HeadlessChromium browser;

    @LocalServerPort
    private int port;

    @Autowired
    private WebTestClient client;

    private ChromeDriver driver;

    private WebDriverWait wait;

    @BeforeAll
    static void startBrowser() {
        HeadlessChromium.assumeInstalled();
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(ShippedModelEndToEndTests.MODEL, "manifest.json")),
                "no shipped model yet");
        browser = HeadlessChromium.start(CLIP);
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void openThePage() {
        this.driver = browser.driver();
        this.wait = new WebDriverWait(this.driver, WAIT);
        // What the browser did before (its own new-tab page, the last test's page) is no concern of this test's.
        this.driver.get("about:blank");
        browser.consoleErrors();
        browser.requestedUrls();
        this.driver.get(base() + "/");
        this.wait.until((d) -> "ready".equals(d.findElement(By.tagName("body")).getDomAttribute("data-model")));
    }

    @Test
    void theWelcomePageLoadsWithoutConsoleErrorsOrRequestsElsewhere(TestInfo test) {
        assertThat(this.driver.getTitle()).isEqualTo("Gearbox ASR");
        List<String> depths = this.driver.findElements(By.cssSelector("#depth option"))
            .stream()
            .map((option) -> option.getDomAttribute("value"))
            .toList();
        List<Integer> exits = this.client.get().uri("/v1/models").exchange()
            .expectStatus().isOk()
            .expectBody(Map.class).returnResult().getResponseBody()
            .get("exits") instanceof List<?> list
                ? list.stream().map((exit) -> (Integer) ((Map<?, ?>) exit).get("depth")).toList() : List.of();
        assertThat(exits).isNotEmpty();
        assertThat(depths).first().isEqualTo("auto");
        assertThat(depths.subList(1, depths.size())).containsExactlyElementsOf(
                exits.stream().map(String::valueOf).toList());
        assertThat(this.driver.findElement(By.id("model")).getText()).contains("gearbox-en");
        screenshot(test);
        // On a phone's width, one column and nothing wider than the screen.
        Dimension wide = this.driver.manage().window().getSize();
        try {
            this.driver.manage().window().setSize(new Dimension(390, 844));
            this.wait.until((d) -> ((Number) this.driver.executeScript("return window.innerWidth")).intValue() < 500);
            screenshot(test, "narrow");
            assertThat(this.driver.executeScript("""
                    return [...document.querySelectorAll('body *')]
                      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                      .map((e) => e.tagName + '#' + e.id);
                    """)).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
        }
        finally {
            this.driver.manage().window().setSize(wide);
        }

        assertThat(browser.consoleErrors()).isEmpty();
        List<String> requests = browser.requestedUrls();
        assertThat(requests).contains(base() + "/", base() + "/app.js", base() + "/style.css", base() + "/v1/models");
        assertThat(requests).allSatisfy((url) -> assertThat(url).startsWith(base() + "/"));
    }

    @Test
    void uploadingAClipShowsItsTranscriptAndTimestamps(TestInfo test) {
        this.driver.findElement(By.id("file")).sendKeys(CLIP.toAbsolutePath().toString());
        this.driver.findElement(By.id("transcribe")).click();
        this.wait.until((d) -> d.findElement(By.id("upload-result")).isDisplayed());
        screenshot(test);

        assertThat(this.driver.findElement(By.id("upload-text")).getText()).isEqualTo(CLIP_WORDS);
        List<WebElement> words = this.driver.findElements(By.cssSelector("#upload-words tbody tr"));
        assertThat(words).extracting((row) -> row.findElements(By.tagName("td")).get(0).getText())
            .containsExactly(CLIP_WORDS.split(" "));
        double previousEnd = 0;
        for (WebElement word : words) {
            List<WebElement> cells = word.findElements(By.tagName("td"));
            double start = Double.parseDouble(cells.get(1).getText());
            double end = Double.parseDouble(cells.get(2).getText());
            assertThat(start).isGreaterThanOrEqualTo(previousEnd - 0.011).isLessThan(end);
            assertThat(end).isLessThanOrEqualTo(1.6);
            previousEnd = end;
        }
        List<WebElement> segments = this.driver.findElements(By.cssSelector("#upload-segments tbody tr"));
        assertThat(segments).hasSize(1);
        List<WebElement> cells = segments.get(0).findElements(By.tagName("td"));
        assertThat(cells.get(4).getText()).isEqualTo(CLIP_WORDS);
        assertThat(Double.parseDouble(cells.get(2).getText())).isGreaterThan(Double.parseDouble(cells.get(1).getText()));
        assertThat(this.driver.findElement(By.id("upload-meta")).getText()).contains("depth", "gearbox-en");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void anUndecodableUploadShowsTheProblemsDetail(@TempDir Path folder, TestInfo test) throws IOException {
        Path junk = Files.write(folder.resolve("junk.wav"), TestAudio.junk());
        String detail = (String) this.client.post().uri("/v1/audio/transcriptions")
            .body(BodyInserters.fromMultipartData(junkForm(junk)))
            .exchange()
            .expectStatus().isBadRequest()
            .expectBody(Map.class).returnResult().getResponseBody()
            .get("detail");

        this.driver.findElement(By.id("file")).sendKeys(junk.toAbsolutePath().toString());
        this.driver.findElement(By.id("transcribe")).click();
        this.wait.until((d) -> d.findElement(By.id("upload-error")).isDisplayed());
        screenshot(test);

        assertThat(this.driver.findElement(By.id("upload-error")).getText()).isEqualTo(detail);
        assertThat(this.driver.findElement(By.id("upload-result")).isDisplayed()).isFalse();
        // The browser reports the 400 itself; nothing else may go wrong.
        assertThat(browser.consoleErrors()).singleElement().asString().contains("400");
    }

    @Test
    void theMicrophoneStreamsAndShowsPartialThenFinalText(TestInfo test) {
        WebElement segments = this.driver.findElement(By.id("segments"));
        this.wait.withMessage(this::liveState);
        this.driver.findElement(By.id("start")).click();
        this.wait.until((d) -> "streaming".equals(segments.getDomAttribute("data-state"))
                || "failed".equals(segments.getDomAttribute("data-state")));
        assertThat(this.driver.findElement(By.id("live-error")).getText()).isEmpty();
        // The first result on screen: a partial, caught while the clip still plays unless the service's final
        // (1.2 s of silence after the speech) came first; the partials counter says either way.
        new WebDriverWait(this.driver, WAIT, Duration.ofMillis(50)).withMessage(this::liveState)
            .until((d) -> !d.findElements(By.cssSelector("#segments .segment")).isEmpty());
        screenshot(test, "first-result");
        // The whole clip sent, and the service has answered it in part.
        this.wait.until((d) -> number(segments, "data-sent-seconds") >= 1.6 && number(segments, "data-partials") >= 1);

        this.driver.findElement(By.id("stop")).click();
        this.wait.until((d) -> !"stopping".equals(segments.getDomAttribute("data-state")));
        screenshot(test, "final");

        assertThat(segments.getDomAttribute("data-state")).as(this.driver.findElement(By.id("live-error")).getText())
            .isEqualTo("closed");
        assertThat(number(segments, "data-finals")).isGreaterThanOrEqualTo(1);
        assertThat(this.driver.findElements(By.cssSelector("#segments .segment.partial"))).isEmpty();
        String heard = String.join(" ", this.driver.findElements(By.cssSelector("#segments .segment.final .text"))
            .stream().map(WebElement::getText).filter((text) -> !text.equals("…")).toList());
        assertThat(heard).isEqualTo(CLIP_WORDS);
        assertThat(this.driver.findElement(By.id("gear")).getText()).matches("depth \\d+");
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theMicrophonesChunksAre100MillisecondsOf16KilohertzPcmThatTranscribeIntoTheClipsWords() throws IOException {
        // A click first: the browser starts audio only for a page the user has interacted with.
        this.driver.findElement(By.id("model")).click();
        this.driver.manage().timeouts().scriptTimeout(WAIT);
        Map<String, Object> captured = browser.runAsync("""
                const done = arguments[arguments.length - 1];
                const wanted = arguments[0];
                import('/microphone.js').then(async ({ Microphone }) => {
                  const chunks = [];
                  let samples = 0;
                  let peak = 0;
                  let enough;
                  const full = new Promise((resolve) => { enough = resolve; });
                  const microphone = new Microphone((chunk) => {
                    chunks.push(new Uint8Array(chunk.pcm));
                    samples += chunk.samples;
                    peak = Math.max(peak, chunk.peak);
                    if (samples >= wanted) enough();
                  });
                  await microphone.open();
                  const deviceRate = microphone.deviceRate;
                  await full;
                  await microphone.stop();
                  let binary = '';
                  for (const chunk of chunks) for (const byte of chunk) binary += String.fromCharCode(byte);
                  done({ deviceRate, sizes: chunks.map((c) => c.length), peak, pcm: btoa(binary) });
                }).catch((error) => done({ error: String(error) }));
                """, 16000 * 2.4);
        assertThat(captured).doesNotContainKey("error");
        List<?> sizes = (List<?>) captured.get("sizes");
        // 100 ms of 16-bit samples at 16 kHz each, but the last, which stop() posts as it is.
        assertThat(sizes.subList(0, sizes.size() - 1)).allSatisfy((size) -> assertThat(size).isEqualTo(3200L));
        assertThat(((Number) captured.get("peak")).doubleValue()).isGreaterThan(0.05);
        byte[] pcm = Base64.getDecoder().decode((String) captured.get("pcm"));
        short[] samples = new short[pcm.length / 2];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        byte[] wav = TestAudio.wav(samples, 16000);
        // What the microphone heard, beside the screenshots, for when the words are not the clip's.
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve("microphone-capture.wav"), wav);

        this.client.post().uri("/v1/recognize").contentType(MediaType.parseMediaType("audio/wav"))
            .bodyValue(wav)
            .exchange()
            .expectStatus().isOk()
            .expectBody()
            .jsonPath("$.text").isEqualTo(CLIP_WORDS);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void theMicrophonesResamplerKeepsTheSpeechBandAndRemovesWhatWouldFoldIntoIt() {
        Map<String, Object> result = browser.runAsync("""
                const done = arguments[arguments.length - 1];
                import('/resampler.js').then(({ Resampler }) => {
                  const gain = (inputRate, hz) => {
                    const resampler = new Resampler(inputRate, 16000);
                    const input = new Float32Array(inputRate);
                    for (let i = 0; i < input.length; i++) input[i] = Math.sin(2 * Math.PI * hz * i / inputRate);
                    const output = [];
                    for (let i = 0; i < input.length; i += 128) output.push(...resampler.process(input.subarray(i, i + 128)));
                    // The middle, away from the silence before the stream and the filter's tail.
                    let error = 0, power = 0;
                    for (let n = 2000; n < output.length - 2000; n++) {
                      power += output[n] * output[n];
                      error = Math.max(error, Math.abs(output[n] - Math.sin(2 * Math.PI * hz * n / 16000)));
                    }
                    return { count: output.length, rms: Math.sqrt(power / (output.length - 4000)), error };
                  };
                  done({ speech48: gain(48000, 1000), alias48: gain(48000, 12000),
                         speech44: gain(44100, 2500), alias44: gain(44100, 10000), same16: gain(16000, 440) });
                }, (error) => done({ error: String(error) }));
                """);
        assertThat(result).doesNotContainKey("error");
        for (String speech : List.of("speech48", "speech44", "same16")) {
            Map<?, ?> tone = (Map<?, ?>) result.get(speech);
            // One second in, one second (less the filter's latency) out, each sample where the tone is.
            assertThat(((Number) tone.get("count")).intValue()).as(speech).isBetween(15900, 16000);
            assertThat(((Number) tone.get("rms")).doubleValue()).as(speech).isCloseTo(Math.sqrt(0.5), offset(0.01));
            assertThat(((Number) tone.get("error")).doubleValue()).as(speech).isLessThan(0.01);
        }
        for (String alias : List.of("alias48", "alias44")) {
            // Above 8 kHz: at least 40 dB down rather than folded into the speech band.
            assertThat(((Number) ((Map<?, ?>) result.get(alias)).get("rms")).doubleValue()).as(alias)
                .isLessThan(0.01 * Math.sqrt(0.5));
        }
    }

    private static MultiValueMap<String, HttpEntity<?>> junkForm(Path junk) throws IOException {
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        byte[] bytes = Files.readAllBytes(junk);
        form.part("file", new ByteArrayResource(bytes) {

            @Override
            public String getFilename() {
                return "junk.wav";
            }

        });
        form.part("response_format", "verbose_json");
        return form.build();
    }

    /** @return what the live panel shows, for a failed wait's message */
    private String liveState() {
        WebElement segments = this.driver.findElement(By.id("segments"));
        return "state " + segments.getDomAttribute("data-state") + ", " + segments.getDomAttribute("data-sent-seconds")
                + " s sent, " + segments.getDomAttribute("data-partials") + " partials, "
                + segments.getDomAttribute("data-finals") + " finals; status '"
                + this.driver.findElement(By.id("live-status")).getText() + "', error '"
                + this.driver.findElement(By.id("live-error")).getText() + "', segments '" + segments.getText() + "'";
    }

    private static double number(WebElement element, String attribute) {
        String value = element.getDomAttribute(attribute);
        return (value == null || value.isEmpty()) ? 0 : Double.parseDouble(value);
    }

    private String base() {
        return "http://localhost:" + this.port;
    }

    private void screenshot(TestInfo test, String... suffix) {
        String name = test.getTestMethod().orElseThrow().getName() + (suffix.length > 0 ? "-" + suffix[0] : "");
        browser.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }

}
