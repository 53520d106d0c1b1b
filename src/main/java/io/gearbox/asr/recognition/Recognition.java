package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.List;

import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.decoding.Transcript;
import io.gearbox.asr.decoding.Word;
import io.gearbox.asr.governor.Gear;

/**
 * The result of one recording: one utterance, or a long recording cut at speech pauses and recognised span by span.
 *
 * @param model the model's name
 * @param language the model's language code
 * @param depth the exit that served it; for a recording cut into spans that may have been served at different gears,
 * the one that served the most audio
 * @param decoding how its output was decoded: the full decoder, or greedily when the governor is in its lowest
 * gear (for a cut recording: that of the gear above)
 * @param pinned whether the client pinned that depth
 * @param audioSeconds duration of the audio in seconds
 * @param transcript text, words with times in seconds from the start of the recording and confidences
 * @param segments the transcript cut into sentence-like segments, times in seconds, each with the gear that served
 * it
 * @param queueWait time from admission to the start of processing
 * @param serviceTime time the workers spent on it (for a cut recording, the sum over its spans)
 */
public record Recognition(String model, String language, int depth, Gear.Decoding decoding, boolean pinned,
        double audioSeconds, Transcript transcript, List<ServedSegment> segments, Duration queueWait,
        Duration serviceTime) {

    public Recognition {
        segments = List.copyOf(segments);
    }

    /** @return the transcribed text */
    public String text() {
        return this.transcript.text();
    }

    /** @return the words with start/end times in seconds and confidences */
    public List<Word> words() {
        return this.transcript.words();
    }

    /** @return the segments without their gears, for subtitles */
    public List<Segment> plainSegments() {
        return this.segments.stream().map(ServedSegment::segment).toList();
    }

    /** @return processing time over audio duration ({@code 0} for empty audio) */
    public double realTimeFactor() {
        return (this.audioSeconds > 0) ? this.serviceTime.toNanos() / 1e9 / this.audioSeconds : 0;
    }

}
