package io.gearbox.asr.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.gearbox.asr.support.WordErrors;

/**
 * Offers open-loop Poisson arrivals of a development set's clips to a running service at multiples of its
 * full-depth capacity, for each governor mode, and prints one Markdown row per level and mode.
 *
 * <p>Steps: read the exits and the latency objective from {@code GET /v1/governor}; measure the full-depth
 * capacity (requests per second) at the deepest exit, pinned: the larger of what a closed loop of
 * {@code 4 x workers} clients completes and {@code arrivals / offered load} at the deepest exit as the governor
 * measured them meanwhile, the rate that would keep the workers exactly busy (a closed loop on the same machine is
 * often limited by its own round trips); warm up with unreported open-loop runs at half of it, at full depth and
 * at the lowest gear;
 * then for every load multiple, in each mode (the order rotated from level to level; {@code auto}: the governor
 * chooses, starting from full depth; {@code full}: pinned at the deepest exit; {@code shallowest}: pinned at the
 * governor's lowest gear, the shallowest exit decoded greedily with the default ladder), let the service drain and
 * idle for one governor window (so that no run inherits the last one's arrivals), set the mode and wait out the
 * cooldown that a change of gear starts (so that the governor's first move is not held back by it), then send
 * requests at exponentially distributed intervals for the run's length and wait for the last answers.
 *
 * <p>Figures, per level and mode, over every request sent:
 * <ul>
 * <li>latency: from the moment the request was <em>due</em> (its Poisson arrival time, so a slow client cannot hide
 * queueing) to the full answer; p50/p95/p99 over answered requests;</li>
 * <li>within SLO: answered with 200 within the objective, as a share of all requests sent (503s and failures count
 * as late);</li>
 * <li>answers on time: the share of the 200s that came within the objective (a 503 with {@code Retry-After} is the
 * service declining work it cannot do in time; this is how many of the answers it gave kept the promise);</li>
 * <li>WER: word error rate of the answers (200s) against the transcripts: total word edits over total reference
 * words, both lower-cased with whitespace normalised;</li>
 * <li>effective accuracy (after Model-Switching, HotCloud 2020): the mean over all requests sent of
 * {@code (1 - min(1, utterance WER))} when answered within the objective and {@code 0} otherwise, i.e. the on-time
 * share weighted by each answer's word accuracy;</li>
 * <li>mean depth of the answers, the share of them decoded greedily (the governor's greedy gears), and the number
 * of 503s.</li>
 * </ul>
 * Each run also logs a second-by-second timeline (share on time, the gear that answered most) of the requests due in
 * each second.
 *
 * <p>Options ({@code --name value}): {@code --url} (default {@code http://localhost:8080}), {@code --token} (the
 * operators' bearer token, required), {@code --devset} (a folder of WAV files and {@code transcripts.tsv} with lines
 * {@code <file>\t<text>}), {@code --minutes} (total run time, default 10), {@code --levels} (default
 * {@code 0.5,1,2,3,4}), {@code --modes} (default {@code auto,full,shallowest}; also {@code correct-answers}, the
 * governor maximising correct answers on time, where {@code auto} maximises answers), {@code --slo} (sets the
 * objective, e.g. {@code 800ms}; default: the service's), {@code --clips} (most clips loaded, default 300), {@code --seed},
 * {@code --capacity} (requests per second to take as the full-depth capacity instead of the measured one, so that
 * runs against differently configured services offer the same rates).
 */
public final class LoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;

    private final URI base;

    private final String token;

    private final List<Clip> clips;

    private final PrintStream log = System.err;

    private LoadBenchmark(URI base, String token, List<Clip> clips) {
        this.base = base;
        this.token = token;
        this.clips = clips;
        ExecutorService executor = Executors.newFixedThreadPool(4, (task) -> {
            Thread thread = new Thread(task, "bench-http");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        URI base = URI.create(options.getOrDefault("url", "http://localhost:8080"));
        String token = require(options, "token");
        Path devset = Path.of(require(options, "devset"));
        double minutes = Double.parseDouble(options.getOrDefault("minutes", "10"));
        double[] levels = Arrays.stream(options.getOrDefault("levels", "0.5,1,2,3,4").split(","))
            .mapToDouble(Double::parseDouble).toArray();
        List<String> modes = List.of(options.getOrDefault("modes", "auto,full,shallowest").split(","));
        int maxClips = Integer.parseInt(options.getOrDefault("clips", "300"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        LoadBenchmark bench = new LoadBenchmark(base, token, Clip.load(devset, maxClips));
        Double capacity = options.containsKey("capacity") ? Double.valueOf(options.get("capacity")) : null;
        bench.run(levels, modes, minutes, options.get("slo"), seed, devset, capacity);
    }

    private void run(double[] levels, List<String> modes, double minutes, String slo, long seed, Path devset,
            Double fixedCapacity) throws Exception {
        if (slo != null) {
            put(Map.of("latencySlo", slo));
        }
        JsonNode governor = get("/v1/governor");
        List<Integer> depths = new ArrayList<>();
        governor.get("exits").forEach((exit) -> {
            if (exit.get("decoding").asString().equals("full")) {
                depths.add(exit.get("depth").asInt());
            }
        });
        int gears = governor.get("exits").size();
        JsonNode lowest = governor.get("exits").get(0); // the ladder's lowest gear
        Map<String, Object> pinLowest = Map.of("mode", "pinned", "depth", lowest.get("depth").asInt(), "decoding",
                lowest.get("decoding").asString());
        int deepest = depths.get(depths.size() - 1);
        int workers = governor.get("signals").get("workers").asInt();
        String sloText = governor.get("settings").get("latencySlo").asString();
        long sloNanos = Duration.ofMillis(Long.parseLong(sloText.replace("ms", ""))).toNanos();
        JsonNode models = get("/v1/models");
        int runs = levels.length * modes.size();
        double totalSeconds = minutes * 60;
        double capacitySeconds = Math.max(5, Math.min(30, totalSeconds / (runs + 1)));
        // Between runs: idle for one governor window, so that each run starts from a window free of the last run's
        // arrivals (auto starts at full depth and sees only its own load); then set the run's mode, and wait out the
        // cooldown that an operator's change of gear starts, plus one evaluation, before the load starts.
        double windowSeconds = millis(governor.get("settings").get("window")) / 1e3;
        double settleSeconds = Math.max(3, windowSeconds);
        long modeSettleMillis = millis(governor.get("settings").get("cooldown")) + 1_000;
        double warmUpSeconds = Math.max(5, Math.min(20, totalSeconds / (runs + 1)));
        double budgetPerRun = (totalSeconds - capacitySeconds - 2 * warmUpSeconds - settleSeconds) / runs
                - settleSeconds - modeSettleMillis / 1e3 - 2;
        double runSeconds = Math.max(5, budgetPerRun);
        if (budgetPerRun < 5) {
            // a run this short measures the spike's first seconds, not the level: say so rather than print a table
            // that looks like any other
            this.log.printf(Locale.ROOT, "Warning: --minutes %.1f leaves %.1f s per run after the capacity "
                    + "measurement, the warm-ups and the pauses; running %d runs of 5 s instead. Give more minutes "
                    + "for runs that measure a steady level.%n", minutes, budgetPerRun, runs);
        }
        List<String> ladder = new ArrayList<>();
        governor.get("exits").forEach((exit) -> ladder.add(exit.get("depth").asInt()
                + (exit.get("decoding").asString().equals("fast") ? " fast" : "")));
        this.log.printf(Locale.ROOT, "Model %s, ladder %s, %d workers, objective %s; %d clips from %s%n",
                models.get("name").asString(), ladder, workers, sloText, this.clips.size(), devset);

        put(Map.of("mode", "pinned", "depth", deepest));
        double[] closedLoopAndAudio = measureCapacity(4 * workers, capacitySeconds);
        double closedLoop = closedLoopAndAudio[0];
        double meanAudio = closedLoopAndAudio[1];
        // The governor's offered load at full depth is arrivals x mean audio x the window's busy time per audio
        // second / workers, so arrivals / offered load is the rate that would keep the workers exactly busy.
        JsonNode after = get("/v1/governor");
        double arrivals = after.get("signals").get("arrivalsPerSecond").asDouble();
        double offered = after.get("exits").get(gears - 1).get("offeredLoad").asDouble();
        double fromBusyTime = (offered > 0) ? arrivals / offered : 0;
        // A given capacity makes runs of differently configured services offer the same rates.
        double capacity = (fixedCapacity != null) ? fixedCapacity : Math.max(closedLoop, fromBusyTime);
        this.log.printf(Locale.ROOT, "Full-depth capacity: %.2f requests/s closed loop (%d clients, %.0f s), "
                + "%.2f from the workers' busy time (%.2f requests/s at offered load %.2f; mean audio %.2f s); "
                + "using %.2f%n", closedLoop, 4 * workers, capacitySeconds, fromBusyTime, arrivals, offered, meanAudio,
                capacity);
        drain(settleSeconds);
        // Unreported open-loop runs at half the capacity, pinned at full depth and then at the lowest gear, so that
        // no measured run is the first to exercise this client's open-loop path or the service's code for either
        // end of the ladder: just-in-time compilation runs on the same cores. (Twice an auto run at 2x that came
        // first after a warm-up at full depth alone collapsed, 0.1% and 27% on time, while the lowest gear pinned
        // after it kept 81-82%; compilation during a spike's first seconds is one suspect.)
        this.log.printf(Locale.ROOT, "Warm-up: %s%n", openLoop(0.5, "full", 0.5 * capacity, warmUpSeconds, sloNanos,
                seed).markdown());
        put(pinLowest);
        this.log.printf(Locale.ROOT, "Warm-up: %s%n", openLoop(0.5, "shallowest", 0.5 * capacity, warmUpSeconds,
                sloNanos, seed + 1).markdown());

        List<Row> rows = new ArrayList<>();
        Random random = new Random(seed);
        try {
            for (int i = 0; i < levels.length; i++) {
                double level = levels[i];
                List<String> order = new ArrayList<>(modes);
                java.util.Collections.rotate(order, -i); // no mode always runs first after a pause
                for (String mode : order) {
                    drain(settleSeconds);
                    switch (mode) {
                        case "auto", "correct-answers" -> {
                            put(Map.of("mode", "pinned", "depth", deepest));
                            put(Map.of("mode", "auto", "maximise", mode.equals("auto") ? "answers" : mode));
                        }
                        case "full" -> put(Map.of("mode", "pinned", "depth", deepest));
                        case "shallowest" -> put(pinLowest);
                        default -> throw new IllegalArgumentException("Unknown mode " + mode);
                    }
                    Thread.sleep(modeSettleMillis);
                    Row row = openLoop(level, mode, level * capacity, runSeconds, sloNanos, random.nextLong());
                    rows.add(row);
                    this.log.println(row.markdown());
                }
            }
        }
        finally {
            put(Map.of("mode", "auto"));
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "Model `%s` (ladder %s), %d workers, objective p95 <= %s, full-depth capacity "
                + "%.1f req/s, %.0f s per run, %d clips.%n%n", models.get("name").asString(), ladder, workers,
                sloText, capacity, runSeconds, this.clips.size());
        out.println(Row.HEADER);
        out.println(Row.RULE);
        rows.forEach((row) -> out.println(row.markdown()));
    }

    /**
     * Completed requests per second of a closed loop of {@code clients}, after a warm-up of a fifth of the time, and
     * the mean audio seconds of the answers.
     */
    private double[] measureCapacity(int clients, double seconds) throws InterruptedException {
        long start = System.nanoTime();
        long warmEnd = start + (long) (seconds * 0.2e9);
        long end = start + (long) (seconds * 1e9);
        AtomicLong completed = new AtomicLong();
        java.util.concurrent.atomic.DoubleAdder audioSeconds = new java.util.concurrent.atomic.DoubleAdder();
        AtomicLong answers = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService loop = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            int first = i;
            loop.submit(() -> {
                int next = first;
                while (running.get()) {
                    Clip clip = this.clips.get(next++ % this.clips.size());
                    try {
                        HttpResponse<String> response = this.http.send(recognize(clip),
                                HttpResponse.BodyHandlers.ofString());
                        long now = System.nanoTime();
                        if (response.statusCode() == 200) {
                            audioSeconds.add(JSON.readTree(response.body()).get("audioSeconds").asDouble());
                            answers.incrementAndGet();
                            if (now >= warmEnd && now <= end) {
                                completed.incrementAndGet();
                            }
                        }
                    }
                    catch (IOException ex) {
                        // counted as not completed
                    }
                    catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        long sleep = end - System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, sleep));
        running.set(false);
        loop.shutdown();
        loop.awaitTermination(2, TimeUnit.MINUTES);
        return new double[] { completed.get() / (seconds * 0.8), audioSeconds.sum() / Math.max(1, answers.get()) };
    }

    /** Poisson arrivals at {@code rate} per second for {@code seconds}; waits for every answer. */
    private Row openLoop(double level, String mode, double rate, double seconds, long sloNanos, long seed)
            throws InterruptedException {
        Random random = new Random(seed);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long due = start;
        int sent = 0;
        long sendLag = 0;
        while (true) {
            due += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Clip clip = this.clips.get(random.nextInt(this.clips.size()));
            long dueAt = due;
            sent++;
            pending.add(this.http.sendAsync(recognize(clip), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    long latency = System.nanoTime() - dueAt;
                    if (failure != null) {
                        outcomes.add(new Outcome(dueAt - start, 0, latency, 0, false, Double.NaN, 0, 0));
                    }
                    else {
                        outcomes.add(Outcome.of(dueAt - start, response, latency, clip));
                    }
                    return null;
                }));
            sendLag = Math.max(sendLag, System.nanoTime() - dueAt);
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .get(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        }
        catch (Exception ex) {
            this.log.println("Some requests did not finish: " + ex);
        }
        // Latency counts from each request's due time, so a client that cannot keep to its schedule shows as a
        // slow service; these two figures tell them apart.
        long ended = System.nanoTime();
        Outcome slowest = outcomes.stream().max(Comparator.comparingLong(Outcome::latencyNanos)).orElse(null);
        this.log.printf(Locale.ROOT, "%.1fx %s: the client handed requests over up to %.0f ms after they were due; "
                + "the last answer came %.1f s after the schedule ended; %d requests got no answer (timeout or "
                + "connection error); the slowest took %.1f s (status %s)%n", level, mode, sendLag / 1e6,
                (ended - end) / 1e9, outcomes.stream().filter(o -> o.status() == 0).count(),
                slowest == null ? 0 : slowest.latencyNanos() / 1e9, slowest == null ? "-" : slowest.status());
        this.log.printf(Locale.ROOT, "%.1fx %s, second by second (of the requests due in it: the share on time, "
                + "the gear that answered most): %s%n", level, mode, timeline(outcomes, sloNanos));
        return Row.of(level, mode, rate, sent, List.copyOf(outcomes), sloNanos);
    }

    /**
     * One entry per second of the schedule, {@code "97% 12"} or {@code "40% 2f"} (f: greedy): how a run went from its
     * first second, where a whole run's share hides a slow start.
     */
    static String timeline(Collection<Outcome> outcomes, long sloNanos) {
        Map<Long, List<Outcome>> seconds = new TreeMap<>();
        outcomes.forEach((o) -> seconds.computeIfAbsent(o.dueNanos() / 1_000_000_000L, (s) -> new ArrayList<>())
            .add(o));
        StringJoiner line = new StringJoiner(" | ");
        seconds.values().forEach((due) -> {
            long onTime = due.stream().filter((o) -> o.status() == 200 && o.latencyNanos() <= sloNanos).count();
            String gear = due.stream()
                .filter((o) -> o.status() == 200)
                .collect(Collectors.groupingBy((o) -> o.depth() + (o.fast() ? "f" : ""), Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .orElse("-");
            line.add(String.format(Locale.ROOT, "%.0f%% %s", 100.0 * onTime / due.size(), gear));
        });
        return line.toString();
    }

    /** A duration as the governor's view shows it, {@code "3000ms"}, in milliseconds. */
    private static long millis(JsonNode duration) {
        return Long.parseLong(duration.asString().replace("ms", ""));
    }

    /** Waits until the service holds no work, then idles a little more. */
    private void drain(double settleSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode signals = get("/v1/governor").get("signals");
            if (signals.get("inFlight").asInt() == 0 && signals.get("queued").asInt() == 0) {
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep((long) (settleSeconds * 1000));
    }

    private HttpRequest recognize(Clip clip) {
        return HttpRequest.newBuilder(this.base.resolve("/v1/recognize"))
            .header("Content-Type", "audio/wav")
            .timeout(REQUEST_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(clip.wav()))
            .build();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void put(Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.base.resolve("/v1/governor"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + this.token)
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("PUT /v1/governor " + body + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --name value pairs, got " + Arrays.toString(args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    /** A development-set utterance. */
    record Clip(String name, byte[] wav, List<String> words) {

        static List<Clip> load(Path devset, int max) throws IOException {
            Path transcripts = devset.resolve("transcripts.tsv");
            List<Clip> clips = new ArrayList<>();
            for (String line : Files.readAllLines(transcripts, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab <= 0 || clips.size() >= max) {
                    continue;
                }
                Path file = devset.resolve(line.substring(0, tab));
                if (Files.isRegularFile(file)) {
                    clips.add(new Clip(file.getFileName().toString(), Files.readAllBytes(file),
                            WordErrors.words(line.substring(tab + 1))));
                }
            }
            if (clips.isEmpty()) {
                throw new IllegalArgumentException("No clips listed in " + transcripts);
            }
            return List.copyOf(clips);
        }

    }

    /** One request's fate; {@code status} 0 when it failed without an answer. */
    record Outcome(long dueNanos, int status, long latencyNanos, int depth, boolean fast, double wer, int edits,
            int referenceWords) {

        static Outcome of(long dueNanos, HttpResponse<String> response, long latencyNanos, Clip clip) {
            if (response.statusCode() != 200) {
                return new Outcome(dueNanos, response.statusCode(), latencyNanos, 0, false, Double.NaN, 0, 0);
            }
            JsonNode body = JSON.readTree(response.body());
            List<String> hypothesis = WordErrors.words(body.get("text").asString());
            int edits = WordErrors.distance(clip.words(), hypothesis);
            int reference = clip.words().size();
            double wer = (reference > 0) ? (double) edits / reference : (hypothesis.isEmpty() ? 0 : 1);
            return new Outcome(dueNanos, 200, latencyNanos, body.get("depth").asInt(),
                    body.get("decoding").asString().equals("fast"), wer, edits, reference);
        }

    }

    /** One line of the table. */
    record Row(double level, String mode, double rate, int sent, int answered, int rejected, double p50, double p95,
            double p99, double withinSlo, double answersOnTime, double wer, double effectiveAccuracy, double meanDepth,
            double fastShare) {

        static final String HEADER = "| load | mode | offered req/s | sent | p50 ms | p95 ms | p99 ms | within SLO | "
                + "answers on time | WER | effective accuracy | mean depth | fast decoding | 503s |";

        static final String RULE = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

        static Row of(double level, String mode, double rate, int sent, List<Outcome> outcomes, long sloNanos) {
            long[] latencies = outcomes.stream().filter((o) -> o.status() == 200).mapToLong(Outcome::latencyNanos)
                .sorted().toArray();
            int answered = latencies.length;
            int rejected = (int) outcomes.stream().filter((o) -> o.status() == 503).count();
            long onTime = outcomes.stream().filter((o) -> o.status() == 200 && o.latencyNanos() <= sloNanos).count();
            double effective = outcomes.stream()
                .filter((o) -> o.status() == 200 && o.latencyNanos() <= sloNanos)
                .mapToDouble((o) -> 1 - Math.min(1, o.wer()))
                .sum();
            long edits = outcomes.stream().filter((o) -> o.status() == 200).mapToLong(Outcome::edits).sum();
            long words = outcomes.stream().filter((o) -> o.status() == 200).mapToLong(Outcome::referenceWords).sum();
            double meanDepth = outcomes.stream().filter((o) -> o.status() == 200).mapToInt(Outcome::depth).average()
                .orElse(Double.NaN);
            double fastShare = outcomes.stream().filter((o) -> o.status() == 200).mapToDouble((o) -> o.fast() ? 1 : 0)
                .average().orElse(Double.NaN);
            int total = Math.max(1, sent);
            return new Row(level, mode, rate, sent, answered, rejected, percentile(latencies, 50),
                    percentile(latencies, 95), percentile(latencies, 99), (double) onTime / total,
                    (answered > 0) ? (double) onTime / answered : Double.NaN, (words > 0) ? (double) edits / words : Double.NaN, effective / total, meanDepth, fastShare);
        }

        private static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
        }

        String markdown() {
            return String.format(Locale.ROOT,
                    "| %.1fx | %s | %.1f | %d | %.0f | %.0f | %.0f | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.2f | %.0f%% "
                    + "| %d |", this.level, this.mode, this.rate, this.sent, this.p50, this.p95, this.p99,
                    100 * this.withinSlo, 100 * this.answersOnTime, 100 * this.wer, 100 * this.effectiveAccuracy,
                    this.meanDepth, 100 * this.fastShare, this.rejected);
        }

    }

}
