package io.gearbox.asr.web;

import java.util.List;
import java.util.Locale;

import io.gearbox.asr.decoding.Segment;

/**
 * Renders segments as SubRip ({@code .srt}) or WebVTT ({@code .vtt}) cues.
 */
final class Subtitles {

    private Subtitles() {
    }

    static String srt(List<Segment> segments) {
        StringBuilder out = new StringBuilder();
        int index = 1;
        for (Segment segment : segments) {
            out.append(index++).append('\n')
                .append(timestamp(segment.start(), ',')).append(" --> ").append(timestamp(segment.end(), ','))
                .append('\n').append(segment.text().strip()).append("\n\n");
        }
        return out.toString();
    }

    static String vtt(List<Segment> segments) {
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        for (Segment segment : segments) {
            out.append(timestamp(segment.start(), '.')).append(" --> ").append(timestamp(segment.end(), '.'))
                .append('\n').append(segment.text().strip()).append("\n\n");
        }
        return out.toString();
    }

    /**
     * @param seconds a time in seconds
     * @param fractionSeparator {@code ,} for SubRip, {@code .} for WebVTT
     * @return {@code HH:MM:SS,mmm}
     */
    static String timestamp(double seconds, char fractionSeparator) {
        long millis = Math.max(0, Math.round(seconds * 1000));
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", millis / 3_600_000, (millis / 60_000) % 60,
                (millis / 1000) % 60, fractionSeparator, millis % 1000);
    }

}
