package io.gearbox.asr.inference;

/**
 * Where ONNX Runtime executes the exits.
 */
public enum ExecutionProvider {

    /** ONNX Runtime's default CPU provider. */
    CPU,

    /** NVIDIA CUDA, when the native libraries and a device are present; otherwise the model falls back to CPU. */
    CUDA

}
