package io.gearbox.asr.decoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Groups a transcript's words into segments for subtitles (SRT, WebVTT) and verbose JSON {@code segments[]}.
 *
 * <p>A new segment starts before a word when the silence since the previous word's end is longer than
 * {@code maxPauseSeconds}, or when including the word would make the segment last longer than
 * {@code maxSegmentSeconds} (a single longer word still makes a segment of its own). Immutable and thread-safe.
 */
public final class Segmenter {

    /** Pause that ends a segment by default, in seconds. */
    public static final double DEFAULT_MAX_PAUSE_SECONDS = 0.8;

    /** Longest segment by default, in seconds. */
    public static final double DEFAULT_MAX_SEGMENT_SECONDS = 30.0;

    private final double maxPauseSeconds;
    private final double maxSegmentSeconds;

    /** Segments at pauses over 0.8 s and at most 30 s long. */
    public Segmenter() {
        this(DEFAULT_MAX_PAUSE_SECONDS, DEFAULT_MAX_SEGMENT_SECONDS);
    }

    public Segmenter(double maxPauseSeconds, double maxSegmentSeconds) {
        if (!(maxPauseSeconds >= 0) || Double.isInfinite(maxPauseSeconds)) {
            throw new IllegalArgumentException("maxPauseSeconds must be >= 0, was " + maxPauseSeconds);
        }
        if (!(maxSegmentSeconds > 0)) {
            throw new IllegalArgumentException("maxSegmentSeconds must be > 0, was " + maxSegmentSeconds);
        }
        this.maxPauseSeconds = maxPauseSeconds;
        this.maxSegmentSeconds = maxSegmentSeconds;
    }

    /** Segments of {@code words} (in time order), numbered from 0; none for no words. */
    public List<Segment> segment(List<Word> words) {
        Objects.requireNonNull(words, "words");
        List<Segment> segments = new ArrayList<>();
        List<Word> current = new ArrayList<>();
        for (Word word : words) {
            if (!current.isEmpty()) {
                Word previous = current.get(current.size() - 1);
                boolean pause = word.start() - previous.end() > maxPauseSeconds;
                boolean tooLong = word.end() - current.get(0).start() > maxSegmentSeconds;
                if (pause || tooLong) {
                    segments.add(segment(segments.size(), current));
                    current = new ArrayList<>();
                }
            }
            current.add(word);
        }
        if (!current.isEmpty()) {
            segments.add(segment(segments.size(), current));
        }
        return segments;
    }

    /** Segments of a transcript's words. */
    public List<Segment> segment(Transcript transcript) {
        return segment(transcript.words());
    }

    private static Segment segment(int id, List<Word> words) {
        StringBuilder text = new StringBuilder();
        for (Word word : words) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(word.word());
        }
        return new Segment(id, words.get(0).start(), words.get(words.size() - 1).end(), text.toString(), words);
    }
}
