/**
 * Finding speech in a recording, so that long recordings can be cut at pauses into sentence-sized pieces before
 * recognition.
 *
 * <p>{@link io.gearbox.asr.segmentation.SpeechDetector} turns per-window speech probabilities (plain
 * {@code float[]}, one per window of a fixed number of samples) into {@link io.gearbox.asr.segmentation.SpeechSpan}s
 * by a hysteresis state machine with the {@link io.gearbox.asr.segmentation.VadSettings}; it knows nothing of where
 * the probabilities come from, so its logic is tested on synthetic arrays. Its
 * {@link io.gearbox.asr.segmentation.SpeechDetector.Tracker} does the same as probabilities arrive (live streams),
 * reporting each span's start and end as {@link io.gearbox.asr.segmentation.SpeechEvent}s.
 * {@link io.gearbox.asr.segmentation.VoiceActivityDetector} joins it to the Silero VAD model
 * ({@link io.gearbox.asr.inference.SileroVad}). Positions are sample indices at the audio's rate (16 kHz for the
 * model); spans are half-open, {@code [start, end)}.
 *
 * <p>Nothing here touches ONNX Runtime, Spring or Reactor types; everything but a tracker (one per recording) is
 * immutable and thread-safe.
 */
package io.gearbox.asr.segmentation;
