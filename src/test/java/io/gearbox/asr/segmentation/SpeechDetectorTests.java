package io.gearbox.asr.segmentation;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detector on synthetic probabilities. Audio at 1000 Hz with 10-sample windows, so that one window is 10 ms and
 * every duration below is a whole number of windows. Probabilities are written one character per window:
 * {@code #} speech (0.9), {@code .} silence (0.1), {@code ~} in between (0.4, under the threshold 0.5 and over the
 * negative threshold 0.35), {@code 0}..{@code 9} for 0.0..0.9.
 */
class SpeechDetectorTests {

    private static final int RATE = 1000;

    private static final int WINDOW = 10;

    /** Threshold 0.5, negative 0.35, pauses end spans after 30 ms, spans under 40 ms are dropped, no pad. */
    private static VadSettings settings(int padMillis, long maxSegmentMillis) {
        return new VadSettings(0.5, 0.35, Duration.ofMillis(30), Duration.ofMillis(40), Duration.ofMillis(padMillis),
                Duration.ofMillis(maxSegmentMillis));
    }

    private static final SpeechDetector PLAIN = new SpeechDetector(settings(0, 60_000), RATE, WINDOW);


    private static List<SpeechSpan> detect(SpeechDetector detector, String pattern) {
        return detector.detect(Probabilities.windows(pattern), pattern.length() * WINDOW);
    }

    private static SpeechSpan span(int startWindow, int endWindow) {
        return new SpeechSpan(startWindow * WINDOW, endWindow * WINDOW);
    }

    @Test
    void findsNothingInNoProbabilities() {
        assertThat(PLAIN.detect(new float[0], 0)).isEmpty();
        assertThat(PLAIN.detect(new float[0], 16_000)).isEmpty();
    }

    @Test
    void findsNothingInSilence() {
        assertThat(detect(PLAIN, "....................")).isEmpty();
    }

    @Test
    void windowsBetweenTheThresholdsDoNotStartSpeech() {
        assertThat(detect(PLAIN, "..~~~~~~~~~~~~~~~~..")).isEmpty();
    }

    @Test
    void speechStartsAtTheFirstWindowAtTheThreshold() {
        assertThat(detect(PLAIN, "..4444555555......")).containsExactly(span(6, 12));
    }

    @Test
    void aSpanEndsWhereAPauseOfMinSilenceStarts() {
        assertThat(detect(PLAIN, "..######...######...")).containsExactly(span(2, 8), span(11, 17));
    }

    @Test
    void aPauseShorterThanMinSilenceDoesNotEndTheSpan() {
        assertThat(detect(PLAIN, "..######..######....")).containsExactly(span(2, 16));
    }

    @Test
    void windowsBetweenTheThresholdsKeepSpeechGoing() {
        assertThat(detect(PLAIN, "..####~~~~~~~~####....")).containsExactly(span(2, 18));
    }

    @Test
    void windowsBetweenTheThresholdsDoNotCancelAPause() {
        // The pause starts at window 8; the in-between window 9 neither cancels nor restarts it, so 8..10 end it.
        assertThat(detect(PLAIN, "..######.~.#####....")).containsExactly(span(2, 8), span(11, 16));
    }

    @Test
    void aWindowAtTheThresholdCancelsAPause() {
        assertThat(detect(PLAIN, "..######.#.#####....")).containsExactly(span(2, 16));
    }

    @Test
    void dropsSpansShorterThanMinSpeech() {
        assertThat(detect(PLAIN, "..###.....####.....")).containsExactly(span(10, 14));
    }

    @Test
    void aSpanOpenAtTheEndEndsWithTheRecording() {
        // 14 windows of probabilities for 135 samples: the last window is partial.
        assertThat(PLAIN.detect(Probabilities.windows("......########"), 135)).containsExactly(new SpeechSpan(60, 135));
    }

    @Test
    void aPauseStillPendingAtTheEndEndsTheSpanWhereItStarted() {
        assertThat(detect(PLAIN, "....######..")).containsExactly(span(4, 10));
    }

    @Test
    void ignoresProbabilitiesPastTheEndOfTheRecording() {
        assertThat(PLAIN.detect(Probabilities.windows("..........######"), 100)).isEmpty();
    }

    @Test
    void padsEachSideClampedToTheRecording() {
        SpeechDetector padded = new SpeechDetector(settings(30, 60_000), RATE, WINDOW);

        assertThat(detect(padded, ".######..........######.")).containsExactly(new SpeechSpan(0, 100),
                new SpeechSpan(140, 240));
    }

    @Test
    void padsNeverMakeNeighboursOverlap() {
        // A 40 ms gap with 30 ms pads: each span takes half of it.
        SpeechDetector padded = new SpeechDetector(settings(30, 60_000), RATE, WINDOW);

        List<SpeechSpan> spans = detect(padded, ".....######....######.....");

        assertThat(spans).containsExactly(new SpeechSpan(20, 130), new SpeechSpan(130, 240));
    }

    @Test
    void anOddGapGivesTheSpareSampleToTheLaterSpan() {
        SpeechDetector padded = new SpeechDetector(settings(30, 60_000), RATE, 1);
        float[] p = new float[200];
        Arrays.fill(p, 0.1f);
        Arrays.fill(p, 50, 100, 0.9f);
        Arrays.fill(p, 135, 185, 0.9f);

        assertThat(padded.detect(p, 200)).containsExactly(new SpeechSpan(20, 117), new SpeechSpan(117, 200));
    }

    @Test
    void splitsASpanOverMaxSegmentAtItsLowestWindow() {
        // 120 ms of speech, at most 100 ms a piece: cuts in [60, 100] leave both pieces within [40, 100] ms; the dip
        // at window 8 (0.6) is the lowest there, so the cut is at its centre, sample 85.
        SpeechDetector detector = new SpeechDetector(settings(0, 100), RATE, WINDOW);

        List<SpeechSpan> spans = detect(detector, "..999999699999..");

        assertThat(spans).containsExactly(new SpeechSpan(20, 85), new SpeechSpan(85, 140));
    }

    @Test
    void aSplitNeverLeavesAPieceShorterThanMinSpeech() {
        // The lowest window (0.5, window 3) would leave a 15 ms first piece; the lowest valid one, window 9 (0.7),
        // is taken.
        SpeechDetector detector = new SpeechDetector(settings(0, 100), RATE, WINDOW);

        List<SpeechSpan> spans = detect(detector, "..959999979999..");

        assertThat(spans).containsExactly(new SpeechSpan(20, 95), new SpeechSpan(95, 140));
    }

    @Test
    void splitsAFlatSpanAtItsMiddle() {
        SpeechDetector detector = new SpeechDetector(settings(0, 100), RATE, WINDOW);

        assertThat(detect(detector, "###############")).containsExactly(new SpeechSpan(0, 75),
                new SpeechSpan(75, 150));
    }

    @Test
    void cutsBetweenWindowCentresWhenNoCentreIsAValidCut() {
        // 200 ms at most 100 ms a piece: the only valid cut is sample 100, on a window edge.
        SpeechDetector detector = new SpeechDetector(settings(0, 100), RATE, WINDOW);

        assertThat(detect(detector, "####################")).containsExactly(new SpeechSpan(0, 100),
                new SpeechSpan(100, 200));
    }

    @Test
    void splitsLongSpansUntilNoPieceExceedsMaxSegment() {
        // 100 windows (1 s) of speech with dips, at most 150 ms a piece: at least 7 pieces, none too short or long,
        // touching each other, covering the whole span.
        SpeechDetector detector = new SpeechDetector(settings(0, 150), RATE, WINDOW);
        StringBuilder pattern = new StringBuilder("..");
        for (int i = 0; i < 100; i++) {
            pattern.append((i % 13 == 5) ? '6' : (i % 7 == 3) ? '7' : '9');
        }
        pattern.append("....");

        List<SpeechSpan> spans = detect(detector, pattern.toString());

        assertThat(spans).hasSizeGreaterThanOrEqualTo(7);
        assertThat(spans).allSatisfy((s) -> assertThat(s.length()).isBetween(40, 150));
        assertThat(spans.get(0).startSample()).isEqualTo(20);
        assertThat(spans.get(spans.size() - 1).endSample()).isEqualTo(1020);
        for (int k = 1; k < spans.size(); k++) {
            assertThat(spans.get(k).startSample()).isEqualTo(spans.get(k - 1).endSample());
        }
    }

    @Test
    void splitsPaddedSpansSoNoneExceedsMaxSegment() {
        SpeechDetector detector = new SpeechDetector(settings(30, 100), RATE, WINDOW);

        List<SpeechSpan> spans = detect(detector, ".....#########....");

        // 90 ms of speech padded to 150 ms, then cut at its middle.
        assertThat(spans).containsExactly(new SpeechSpan(20, 95), new SpeechSpan(95, 170));
    }

    @Test
    void convertsSpansToSeconds() {
        SpeechSpan span = new SpeechSpan(8_000, 24_000);

        assertThat(span.startSeconds(16_000)).isEqualTo(0.5);
        assertThat(span.endSeconds(16_000)).isEqualTo(1.5);
        assertThat(span.length()).isEqualTo(16_000);
    }

}
