package io.gearbox.asr.recognition;

import java.time.Duration;

import io.gearbox.asr.governor.Gear;

/**
 * The measurements of one admitted utterance, reported to every {@link RecognitionListener}.
 *
 * @param depth the exit that served it; {@code 0} if it failed before an exit was chosen
 * @param decoding how the exit's output was decoded (the full decoder unless the governor chose the fast gear)
 * @param pinned whether the client asked for that depth ({@code depth=N}) rather than {@code auto}
 * @param audioSeconds duration of its audio in seconds ({@code 0} if the audio could not be decoded)
 * @param queueWait time from admission to the start of processing
 * @param serviceTime time spent processing (decode, features, inference, CTC decoding)
 * @param frontEndTime the part of it spent before the encoder: decoding the upload and computing its features
 * @param ctcDecodeTime the part of it spent CTC-decoding the exit's output
 * @param latency time from admission to completion ({@code queueWait + serviceTime})
 * @param outcome how it ended
 */
public record RecognitionSample(int depth, Gear.Decoding decoding, boolean pinned, double audioSeconds,
        Duration queueWait, Duration serviceTime, Duration frontEndTime, Duration ctcDecodeTime, Duration latency,
        Outcome outcome) {

    /**
     * How an admitted utterance ended.
     */
    public enum Outcome {

        /** Transcribed. */
        SUCCESS,

        /** The audio was rejected (undecodable, unsupported, too long). */
        INVALID_AUDIO,

        /** The service failed. */
        ERROR,

        /** It waited for a worker longer than the service allows and was turned away with 503 unprocessed. */
        EXPIRED

    }

}
