package io.gearbox.asr.inference;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The Silero VAD v5 voice activity detector ({@code models/silero-vad/silero_vad.onnx}) as one ONNX Runtime
 * session: audio at 16 kHz in, the probability that each 32 ms window (512 samples) is speech out.
 *
 * <p>The model is recurrent, so a recording's windows run one after another through a {@link Stream}, which carries
 * the 2x1x128 LSTM state and the last 64 samples of the previous window (the context that Silero's own wrapper
 * prepends to every window; without it the probabilities are wrong) from one window to the next. Streams are
 * independent: any number of threads may run their own streams at once over the one session. {@link #close()}
 * waits for windows in progress and makes later runs fail with {@link IllegalStateException}, so that the native
 * session is never released under a running inference.
 */
public final class SileroVad implements AutoCloseable {

    /** The model's sample rate, in Hz. */
    public static final int SAMPLE_RATE = 16_000;

    /** Samples per window at 16 kHz (32 ms), the only window size Silero v5 accepts at that rate. */
    public static final int WINDOW_SAMPLES = 512;

    /** Samples of the previous window prepended to each window at 16 kHz. */
    static final int CONTEXT_SAMPLES = 64;

    /** Floats in the recurrent state, {@code [2, 1, 128]}. */
    static final int STATE_SIZE = 2 * 128;

    private static final long[] INPUT_SHAPE = { 1, CONTEXT_SAMPLES + WINDOW_SAMPLES };

    private static final long[] STATE_SHAPE = { 2, 1, 128 };

    private final OrtEnvironment environment;

    private final OrtSession session;

    /** The {@code sr} input, a read-only int64 scalar shared by every run; closed with the session. */
    private final OnnxTensor sampleRateTensor;

    private final RunGuard guard = new RunGuard("The voice activity detector");

    private SileroVad(OrtEnvironment environment, OrtSession session, OnnxTensor sampleRateTensor) {
        this.environment = environment;
        this.session = session;
        this.sampleRateTensor = sampleRateTensor;
    }

    /**
     * Opens the model on the CPU. The model is small and its windows run one at a time, so a GPU would spend more
     * time on transfers than on the network.
     * @param modelFile the Silero VAD v5 ONNX file
     * @param intraOpThreads threads ONNX Runtime may use inside one operator; {@code 0} lets ONNX Runtime choose.
     * One is usually best: each window is a few hundred microseconds of work
     * @return the open detector; close it to release the native session
     * @throws IllegalArgumentException if the file is missing or {@code intraOpThreads} is negative
     * @throws InferenceException if ONNX Runtime cannot load the file, or it lacks Silero v5's inputs and outputs
     */
    public static SileroVad open(Path modelFile, int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
        }
        if (modelFile == null || !Files.isRegularFile(modelFile)) {
            throw new IllegalArgumentException("No voice activity model at " + modelFile);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            options.setInterOpNumThreads(1);
            session = environment.createSession(modelFile.toString(), options);
            checkSignature(session, modelFile);
            OnnxTensor sampleRate = OnnxTensor.createTensor(environment, (long) SAMPLE_RATE);
            return new SileroVad(environment, session, sampleRate);
        }
        catch (OrtException ex) {
            closeQuietly(session);
            throw new InferenceException("Cannot load voice activity model " + modelFile + ": " + ex.getMessage(),
                    ex.getCode().name(), ex);
        }
        catch (RuntimeException ex) {
            closeQuietly(session);
            throw ex;
        }
    }

    private static void checkSignature(OrtSession session, Path modelFile) {
        boolean inputs = session.getInputNames().containsAll(List.of("input", "state", "sr"));
        boolean outputs = session.getOutputNames().containsAll(List.of("output", "stateN"));
        if (!inputs || !outputs) {
            throw new InferenceException(modelFile + " is not a Silero VAD v5 model: inputs "
                    + session.getInputNames() + ", outputs " + session.getOutputNames(), "INVALID_GRAPH", null);
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            }
            catch (OrtException ex) {
                // The load failure is what the caller needs to see; this one adds nothing to it.
            }
        }
    }

    /** @return the model's sample rate in Hz, 16000 */
    public int sampleRate() {
        return SAMPLE_RATE;
    }

    /** @return samples per window, 512 (32 ms at 16 kHz) */
    public int windowSamples() {
        return WINDOW_SAMPLES;
    }

    /** @return a new recording's state: zero LSTM state, zero context, nothing buffered */
    public Stream newStream() {
        checkOpen();
        return new Stream();
    }

    /**
     * The speech probability of every window of a whole recording, from a fresh stream; a last partial window is
     * padded with zeros (as Silero's {@code get_speech_timestamps} does), so the result has
     * {@code ceil(samples.length / 512)} values.
     * @param samples mono samples at 16 kHz, nominally in [-1, 1]
     * @return probabilities in [0, 1], window {@code i} covering samples {@code [512 i, 512 (i + 1))}
     */
    public float[] probabilities(float[] samples) {
        Stream stream = newStream();
        float[] whole = stream.accept(samples);
        float[] tail = stream.flush();
        if (tail.length == 0) {
            return whole;
        }
        float[] all = Arrays.copyOf(whole, whole.length + tail.length);
        System.arraycopy(tail, 0, all, whole.length, tail.length);
        return all;
    }

    /** @return whether the session is still open */
    public boolean isOpen() {
        return !this.guard.isClosed();
    }

    private void checkOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("The voice activity detector is closed");
        }
    }

    /**
     * Runs one window inside the guard, so that {@link #close()} cannot release the session under it.
     * @param input {@code CONTEXT_SAMPLES + WINDOW_SAMPLES} samples
     * @param state the recurrent state, replaced in place by the model's next state
     * @return the window's speech probability
     */
    private float runWindow(float[] input, float[] state) {
        try {
            return this.guard.run(() -> {
                try (OnnxTensor x = OnnxTensor.createTensor(this.environment, FloatBuffer.wrap(input), INPUT_SHAPE);
                        OnnxTensor h = OnnxTensor.createTensor(this.environment, FloatBuffer.wrap(state),
                                STATE_SHAPE);
                        OrtSession.Result result = this.session
                            .run(Map.of("input", x, "state", h, "sr", this.sampleRateTensor))) {
                    FloatBuffer probability = tensor(result, "output").getFloatBuffer();
                    FloatBuffer next = tensor(result, "stateN").getFloatBuffer();
                    if (next.remaining() != STATE_SIZE || probability.remaining() != 1) {
                        throw new InferenceException("The voice activity model returned " + probability.remaining()
                                + " probabilities and a state of " + next.remaining() + " floats", "INVALID_GRAPH",
                                null);
                    }
                    next.get(state);
                    return probability.get(0);
                }
            });
        }
        catch (OrtException ex) {
            throw new InferenceException("The voice activity model failed: " + ex.getMessage(), ex.getCode().name(),
                    ex);
        }
    }

    private static OnnxTensor tensor(OrtSession.Result result, String name) {
        OnnxValue value = result.get(name)
            .orElseThrow(() -> new InferenceException("The voice activity model has no output '" + name + "'",
                    "INVALID_GRAPH", null));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceException("The voice activity model's output '" + name + "' is not a tensor",
                    "INVALID_GRAPH", null);
        }
        return tensor;
    }

    /** Closes the session, waiting for windows in progress (see {@link RunGuard}); later runs fail. Idempotent. */
    @Override
    public void close() {
        try {
            this.guard.close(() -> {
                try {
                    this.sampleRateTensor.close();
                }
                finally {
                    this.session.close();
                }
                return null;
            });
        }
        catch (OrtException ex) {
            throw new InferenceException("Closing the voice activity model failed", ex.getCode().name(), ex);
        }
    }

    /**
     * One recording's state. Samples arrive in chunks of any length; every complete 512-sample window is run as it
     * completes and the remainder waits for the next chunk, so the probabilities do not depend on how the recording
     * was chunked. Holds no native resources (tensors live for one window), so it needs no closing. Not
     * thread-safe: one recording is fed by one thread at a time.
     */
    public final class Stream {

        /** Context followed by the window being filled: the model's {@code input} row. */
        private final float[] input = new float[CONTEXT_SAMPLES + WINDOW_SAMPLES];

        private final float[] state = new float[STATE_SIZE];

        /** Samples of the current window already in {@code input}, after the context. */
        private int filled;

        private long windows;

        private Stream() {
        }

        /**
         * Feeds samples.
         * @param samples mono samples at 16 kHz, any number
         * @return the speech probability of each window completed by these samples, in order (possibly none)
         * @throws IllegalStateException if the detector is closed (then, or while these samples run: a stream whose
         * call failed is left part-way through its samples, and the recording must start again on a new stream)
         */
        public float[] accept(float[] samples) {
            checkOpen();
            int complete = (this.filled + samples.length) / WINDOW_SAMPLES;
            float[] probabilities = new float[complete];
            int offset = 0;
            for (int w = 0; w < complete; w++) {
                int take = WINDOW_SAMPLES - this.filled;
                System.arraycopy(samples, offset, this.input, CONTEXT_SAMPLES + this.filled, take);
                offset += take;
                this.filled = WINDOW_SAMPLES;
                probabilities[w] = runBuffered();
            }
            int rest = samples.length - offset;
            System.arraycopy(samples, offset, this.input, CONTEXT_SAMPLES + this.filled, rest);
            this.filled += rest;
            return probabilities;
        }

        /**
         * Ends the recording: a partial window is padded with zeros and run.
         * @return the partial window's probability, or nothing when no samples are waiting
         * @throws IllegalStateException if the detector is closed
         */
        public float[] flush() {
            checkOpen();
            if (this.filled == 0) {
                return new float[0];
            }
            Arrays.fill(this.input, CONTEXT_SAMPLES + this.filled, this.input.length, 0f);
            this.filled = WINDOW_SAMPLES;
            return new float[] { runBuffered() };
        }

        /** @return windows run so far */
        public long windows() {
            return this.windows;
        }

        /** @return samples fed that are waiting for their window to complete */
        public int pendingSamples() {
            return this.filled;
        }

        private float runBuffered() {
            float probability = runWindow(this.input, this.state);
            // The window's last 64 samples become the next window's context, as in Silero's wrapper.
            System.arraycopy(this.input, WINDOW_SAMPLES, this.input, 0, CONTEXT_SAMPLES);
            this.filled = 0;
            this.windows++;
            return probability;
        }

    }

}
