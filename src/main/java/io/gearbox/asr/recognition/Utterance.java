package io.gearbox.asr.recognition;

import java.time.Duration;

import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.governor.Gear;

/**
 * The transcript of audio given as samples ({@link Recognizer#recognizeSamples}).
 *
 * @param gear the exit and decoding that served it
 * @param transcript text, and words with times in seconds from the start of the samples
 * @param queueWait time from admission to the start of processing
 * @param serviceTime time a worker spent on it
 */
public record Utterance(Gear gear, Transcript transcript, Duration queueWait, Duration serviceTime) {
}
