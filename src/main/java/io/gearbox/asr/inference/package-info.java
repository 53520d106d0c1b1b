/**
 * The model's exits as ONNX Runtime sessions: the only package that touches {@code ai.onnxruntime}.
 *
 * <p>{@link io.gearbox.asr.inference.ModelManifest} reads a model folder's {@code manifest.json};
 * {@link io.gearbox.asr.inference.AcousticModel} opens one session per exit and turns log-mel features
 * ({@code [B, T, mels]}, with lengths) into CTC log-probabilities. Native resources are released by
 * {@link io.gearbox.asr.inference.AcousticModel#close()}; {@code OrtException} never leaves this package
 * (it is wrapped once in {@link io.gearbox.asr.inference.InferenceException}).
 */
package io.gearbox.asr.inference;
