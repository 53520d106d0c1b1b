package io.gearbox.asr.inference;

/**
 * How the exits' sessions are opened.
 *
 * @param provider the execution provider to try first
 * @param intraOpThreads threads ONNX Runtime may use inside one operator; {@code 0} lets ONNX Runtime choose
 */
public record InferenceOptions(ExecutionProvider provider, int intraOpThreads) {

    public InferenceOptions {
        if (provider == null) {
            throw new IllegalArgumentException("provider must be set");
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, was " + intraOpThreads);
        }
    }

    /** @return CPU with ONNX Runtime's default thread count */
    public static InferenceOptions defaults() {
        return new InferenceOptions(ExecutionProvider.CPU, 0);
    }

}
