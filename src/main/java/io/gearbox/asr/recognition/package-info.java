/**
 * One utterance end to end: audio bytes to samples, samples to log-mel features, features through the chosen exit,
 * CTC decoding to text with word timings.
 *
 * <p>{@link io.gearbox.asr.recognition.Recognizer} is the entry point. It admits work through a bounded
 * {@link io.gearbox.asr.recognition.AdmissionQueue} (failing fast with
 * {@link io.gearbox.asr.recognition.OverloadedException} when full), runs every blocking step on a bounded
 * scheduler, asks a {@link io.gearbox.asr.recognition.DepthSelector} which exit serves a request whose depth is
 * {@code auto}, and reports a {@link io.gearbox.asr.recognition.RecognitionSample} for every finished utterance to
 * each {@link io.gearbox.asr.recognition.RecognitionListener}. These three interfaces are the seams the load governor
 * plugs into, through {@link io.gearbox.asr.recognition.GovernedDepth}.
 */
package io.gearbox.asr.recognition;
