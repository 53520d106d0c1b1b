package io.gearbox.asr.recognition;

import java.util.Objects;

import io.gearbox.asr.decoding.Segment;
import io.gearbox.asr.governor.Gear;

/**
 * A segment of a transcript with the gear that recognised it. A recording cut at speech pauses is recognised span by
 * span, and the governor may serve each span at another gear.
 *
 * @param segment the segment, its times in seconds from the start of the whole recording
 * @param depth the exit that served it
 * @param decoding how that exit's output was decoded
 */
public record ServedSegment(Segment segment, int depth, Gear.Decoding decoding) {

    public ServedSegment {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(decoding, "decoding");
    }

}
