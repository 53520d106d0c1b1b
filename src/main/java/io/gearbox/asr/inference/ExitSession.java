package io.gearbox.asr.inference;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * One exit's ONNX Runtime session. Runs may overlap (ONNX Runtime sessions are thread-safe for {@code run});
 * {@link #close()} waits for runs in progress and makes later runs fail with {@link IllegalStateException}.
 */
final class ExitSession implements AutoCloseable {

    private final int depth;

    private final OrtEnvironment environment;

    private final OrtSession session;

    private final ModelManifest.Inputs inputs;

    private final ModelManifest.Outputs outputs;

    private final RunGuard guard;

    ExitSession(int depth, OrtEnvironment environment, OrtSession session, ModelManifest.Inputs inputs,
            ModelManifest.Outputs outputs) {
        this.depth = depth;
        this.environment = environment;
        this.session = session;
        this.inputs = inputs;
        this.outputs = outputs;
        this.guard = new RunGuard("Exit " + depth);
    }

    int depth() {
        return this.depth;
    }

    /**
     * Runs a padded batch.
     * @param features row-major {@code [batch, frames, mels]} features
     * @param shape {@code {batch, frames, mels}}
     * @param lengths valid frames of each row
     * @return log-probabilities {@code [batch][T'][V]} and the valid output frames of each row
     */
    Output run(float[] features, long[] shape, long[] lengths) {
        try {
            return this.guard.run(() -> {
                try (OnnxTensor x = OnnxTensor.createTensor(this.environment, FloatBuffer.wrap(features), shape);
                        OnnxTensor xLengths = OnnxTensor.createTensor(this.environment, LongBuffer.wrap(lengths),
                                new long[] { lengths.length });
                        OrtSession.Result result = this.session
                            .run(Map.of(this.inputs.features(), x, this.inputs.featureLengths(), xLengths))) {
                    float[][][] logProbs = (float[][][]) value(result, this.outputs.logProbs());
                    long[] outLengths = (long[]) value(result, this.outputs.logProbLengths());
                    return new Output(logProbs, outLengths);
                }
            });
        }
        catch (OrtException ex) {
            throw new InferenceException("Exit " + this.depth + " failed: " + ex.getMessage(), ex.getCode().name(),
                    ex);
        }
    }

    private Object value(OrtSession.Result result, String name) throws OrtException {
        OnnxValue value = result.get(name)
            .orElseThrow(() -> new InferenceException("Exit " + this.depth + " has no output '" + name + "'",
                    "INVALID_GRAPH", null));
        return value.getValue();
    }

    boolean isClosed() {
        return this.guard.isClosed();
    }

    /** Closes the session once no run is inside it (see {@link RunGuard}); later runs fail. Idempotent. */
    @Override
    public void close() {
        try {
            this.guard.close(() -> {
                this.session.close();
                return null;
            });
        }
        catch (OrtException ex) {
            throw new InferenceException("Closing exit " + this.depth + " failed", ex.getCode().name(), ex);
        }
    }

    record Output(float[][][] logProbs, long[] lengths) {
    }

}
