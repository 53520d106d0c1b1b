/**
 * The model's exits, and the voice activity model, as ONNX Runtime sessions: the only package that touches
 * {@code ai.onnxruntime}.
 *
 * <p>{@link io.gearbox.asr.inference.ModelManifest} reads a model folder's {@code manifest.json};
 * {@link io.gearbox.asr.inference.AcousticModel} opens one session per exit and turns log-mel features
 * ({@code [B, T, mels]}, with lengths) into CTC log-probabilities. {@link io.gearbox.asr.inference.SileroVad} runs
 * the Silero VAD v5 model ({@code models/silero-vad}) over 16 kHz audio, one recurrent stream per recording. Native
 * resources are released by {@link io.gearbox.asr.inference.AcousticModel#close()} and
 * {@link io.gearbox.asr.inference.SileroVad#close()}; {@code OrtException} never leaves this package
 * (it is wrapped once in {@link io.gearbox.asr.inference.InferenceException}).
 */
package io.gearbox.asr.inference;
