package io.gearbox.asr.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model's exits, one ONNX Runtime session each, opened together and closed together.
 *
 * <p>Input is raw log-mel features (normalisation is inside the graph), {@code [T][mels]} per utterance;
 * output is natural-log CTC probabilities, {@code [T'][V]} with {@code T' ~ T / subsampling_factor}.
 * Thread-safe: several threads may run the same or different exits at once.
 */
public final class AcousticModel implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(AcousticModel.class);

    private final Path directory;

    private final ModelManifest manifest;

    private final Map<Integer, ExitSession> sessions;

    private final ExecutionProvider provider;

    private AcousticModel(Path directory, ModelManifest manifest, Map<Integer, ExitSession> sessions,
            ExecutionProvider provider) {
        this.directory = directory;
        this.manifest = manifest;
        this.sessions = sessions;
        this.provider = provider;
    }

    /**
     * Opens the model in a folder.
     * @param directory the model folder (holding {@code manifest.json})
     * @param depths the exits to open; empty opens every exit in the manifest
     * @param options execution provider and threads
     * @return the open model; close it to release the native sessions
     * @throws IllegalArgumentException if the folder, manifest or a requested depth is wrong
     * @throws InferenceException if ONNX Runtime cannot load an exit
     */
    public static AcousticModel open(Path directory, Collection<Integer> depths, InferenceOptions options) {
        ModelManifest manifest = ModelManifest.load(directory);
        List<ModelManifest.Exit> exits = selectExits(manifest, depths);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        ExecutionProvider provider = options.provider();
        if (provider == ExecutionProvider.CUDA && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            logger.warn("asr.inference.provider=cuda but this ONNX Runtime build has no CUDA provider "
                    + "(use the 'gpu' Maven profile); running on CPU");
            provider = ExecutionProvider.CPU;
        }
        Map<Integer, ExitSession> sessions = new LinkedHashMap<>();
        try {
            for (ModelManifest.Exit exit : exits) {
                Path file = directory.resolve(exit.file());
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("Exit " + exit.depth() + ": no file " + exit.file()
                            + " in the model folder");
                }
                OrtSession session = null;
                if (provider == ExecutionProvider.CUDA) {
                    session = openCuda(environment, file, options);
                    if (session == null) {
                        provider = ExecutionProvider.CPU;
                    }
                }
                if (session == null) {
                    session = openSession(environment, file, options, false);
                }
                sessions.put(exit.depth(), new ExitSession(exit.depth(), environment, session, manifest.inputs(),
                        manifest.outputs()));
            }
        }
        catch (OrtException ex) {
            sessions.values().forEach(ExitSession::close);
            throw new InferenceException("Cannot load model " + manifest.name() + ": " + ex.getMessage(),
                    ex.getCode().name(), ex);
        }
        catch (RuntimeException ex) {
            sessions.values().forEach(ExitSession::close);
            throw ex;
        }
        logger.info("Loaded model {} v{} from {}: exits {} on {}", manifest.name(), manifest.version(), directory,
                sessions.keySet(), provider);
        return new AcousticModel(directory, manifest, sessions, provider);
    }

    private static List<ModelManifest.Exit> selectExits(ModelManifest manifest, Collection<Integer> depths) {
        if (depths == null || depths.isEmpty()) {
            return manifest.exits();
        }
        List<ModelManifest.Exit> exits = new ArrayList<>();
        for (int depth : new TreeSet<>(depths)) {
            exits.add(manifest.exit(depth)
                .orElseThrow(() -> new IllegalArgumentException("Model " + manifest.name() + " has no exit at depth "
                        + depth + "; its exits are " + manifest.depths())));
        }
        return exits;
    }

    private static OrtSession openCuda(OrtEnvironment environment, Path file, InferenceOptions options) {
        try {
            return openSession(environment, file, options, true);
        }
        catch (OrtException | RuntimeException | LinkageError ex) {
            logger.warn("CUDA execution provider failed to start ({}); falling back to CPU", ex.getMessage());
            return null;
        }
    }

    private static OrtSession openSession(OrtEnvironment environment, Path file, InferenceOptions options,
            boolean cuda) throws OrtException {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.intraOpThreads() > 0) {
                sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
            }
            sessionOptions.setInterOpNumThreads(1);
            if (cuda) {
                sessionOptions.addCUDA(0);
            }
            return environment.createSession(file.toString(), sessionOptions);
        }
    }

    /** @return the model folder */
    public Path directory() {
        return this.directory;
    }

    /** @return the model's manifest */
    public ModelManifest manifest() {
        return this.manifest;
    }

    /** @return the depths of the open exits, shallowest first */
    public List<Integer> depths() {
        return List.copyOf(this.sessions.keySet());
    }

    /** @return the deepest open exit */
    public int deepest() {
        List<Integer> depths = depths();
        return depths.get(depths.size() - 1);
    }

    /** @return whether an exit at that depth is open */
    public boolean hasExit(int depth) {
        return this.sessions.containsKey(depth);
    }

    /** @return the provider the sessions actually run on (CPU after a CUDA fallback) */
    public ExecutionProvider provider() {
        return this.provider;
    }

    /** @return whether every exit is still open */
    public boolean isOpen() {
        return this.sessions.values().stream().noneMatch(ExitSession::isClosed);
    }

    /**
     * Runs one utterance through an exit.
     * @param depth the exit
     * @param features log-mel features {@code [T][mels]}
     * @return the CTC log-probabilities
     */
    public LogProbs run(int depth, float[][] features) {
        return runBatch(depth, Collections.singletonList(features)).get(0);
    }

    /**
     * Runs several utterances through an exit as one padded {@code [B, T, mels]} batch.
     * @param depth the exit
     * @param batch log-mel features {@code [T_b][mels]} of each utterance
     * @return the CTC log-probabilities of each utterance, in order
     */
    public List<LogProbs> runBatch(int depth, List<float[][]> batch) {
        ExitSession session = this.sessions.get(depth);
        if (session == null) {
            throw new IllegalArgumentException("No exit at depth " + depth + "; open exits are " + depths());
        }
        if (batch.isEmpty()) {
            return List.of();
        }
        int mels = this.manifest.features().numMelBins();
        int frames = 0;
        long[] lengths = new long[batch.size()];
        for (int b = 0; b < batch.size(); b++) {
            float[][] utterance = batch.get(b);
            if (utterance.length > 0 && utterance[0].length != mels) {
                throw new IllegalArgumentException("Expected " + mels + " mel bins, got " + utterance[0].length);
            }
            lengths[b] = utterance.length;
            frames = Math.max(frames, utterance.length);
        }
        frames = Math.max(frames, this.manifest.minFeatureFrames());
        float[] flat = new float[batch.size() * frames * mels];
        for (int b = 0; b < batch.size(); b++) {
            float[][] utterance = batch.get(b);
            for (int t = 0; t < utterance.length; t++) {
                System.arraycopy(utterance[t], 0, flat, (b * frames + t) * mels, mels);
            }
        }
        ExitSession.Output output = session.run(flat, new long[] { batch.size(), frames, mels }, lengths);
        List<LogProbs> results = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            float[][] values = output.logProbs()[b];
            int length = (int) Math.min(values.length, Math.max(0, output.lengths()[b]));
            results.add(new LogProbs(values, length));
        }
        return results;
    }

    /** Closes every exit's session, waiting for runs in progress; later runs fail. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ExitSession session : this.sessions.values()) {
            try {
                session.close();
            }
            catch (RuntimeException ex) {
                failure = (failure != null) ? failure : ex;
            }
        }
        logger.info("Closed model {}", this.manifest.name());
        if (failure != null) {
            throw failure;
        }
    }

}
