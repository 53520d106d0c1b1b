package io.gearbox.asr.segmentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The streaming tracker on synthetic probabilities, against {@link SpeechDetector#detect}. As in
 * {@link SpeechDetectorTests}: 1000 Hz audio, 10-sample windows, one character per window ({@code #} 0.9,
 * {@code .} 0.1, {@code ~} 0.4, digits for tenths).
 */
class SpeechTrackerTests {

    private static final int RATE = 1000;

    private static final int WINDOW = 10;

    /** Pauses of 30 ms end spans, spans under 40 ms are dropped, 10 ms pads (at most half of minSilence). */
    private static SpeechDetector detector(long maxSegmentMillis) {
        return new SpeechDetector(new VadSettings(0.5, 0.35, Duration.ofMillis(30), Duration.ofMillis(40),
                Duration.ofMillis(10), Duration.ofMillis(maxSegmentMillis)), RATE, WINDOW);
    }


    /** Spans from the events, checking that every span starts before it ends and none is reported twice. */
    private static List<SpeechSpan> spans(List<SpeechEvent> events) {
        List<SpeechSpan> spans = new ArrayList<>();
        Integer open = null;
        for (SpeechEvent event : events) {
            if (event instanceof SpeechEvent.Started started) {
                assertThat(open).as("a start while a span is open").isNull();
                open = started.startSample();
            }
            else if (event instanceof SpeechEvent.Ended ended) {
                assertThat(open).as("an end without its start").isEqualTo(ended.span().startSample());
                spans.add(ended.span());
                open = null;
            }
        }
        assertThat(open).as("a span left open").isNull();
        return spans;
    }

    @Test
    void reportsTheSpansDetectFindsWhateverTheChunking() {
        SpeechDetector detector = detector(60_000);
        Random random = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            float[] p = new float[20 + random.nextInt(200)];
            float level = 0.1f;
            for (int i = 0; i < p.length; i++) {
                if (random.nextInt(6) == 0) {
                    level = new float[] { 0.05f, 0.3f, 0.4f, 0.5f, 0.9f }[random.nextInt(5)];
                }
                p[i] = level;
            }
            SpeechDetector.Tracker tracker = detector.tracker();
            List<SpeechEvent> events = new ArrayList<>();
            for (int offset = 0; offset < p.length;) {
                int size = Math.min(p.length - offset, random.nextInt(7));
                events.addAll(tracker.accept(Arrays.copyOfRange(p, offset, offset + size)));
                offset += size;
            }
            events.addAll(tracker.finish(p.length * WINDOW));

            assertThat(spans(events)).as("trial %d", trial).isEqualTo(detector.detect(p, p.length * WINDOW));
        }
    }

    @Test
    void reportsAStartOnceTheSpanHasLastedMinSpeech() {
        SpeechDetector.Tracker tracker = detector(60_000).tracker();

        assertThat(tracker.accept(Probabilities.windows("..###"))).isEmpty();
        assertThat(tracker.accept(Probabilities.windows("#"))).containsExactly(new SpeechEvent.Started(10));
        assertThat(tracker.accept(Probabilities.windows("##"))).isEmpty();
    }

    @Test
    void waitsForAPendingPauseBeforeReportingAStart() {
        SpeechDetector.Tracker tracker = detector(60_000).tracker();

        assertThat(tracker.accept(Probabilities.windows("..###.."))).isEmpty();
        assertThat(tracker.accept(Probabilities.windows("#"))).containsExactly(new SpeechEvent.Started(10));
    }

    @Test
    void reportsAnEndOnceThePauseHasLastedMinSilence() {
        SpeechDetector.Tracker tracker = detector(60_000).tracker();
        tracker.accept(Probabilities.windows("..######"));

        assertThat(tracker.accept(Probabilities.windows(".."))).isEmpty();
        assertThat(tracker.accept(Probabilities.windows("."))).containsExactly(new SpeechEvent.Ended(new SpeechSpan(10, 90)));
        assertThat(tracker.finish(110)).isEmpty();
    }

    @Test
    void finishingEndsAnOpenSpanWithTheRecording() {
        SpeechDetector.Tracker tracker = detector(60_000).tracker();
        tracker.accept(Probabilities.windows("...#####"));

        assertThat(tracker.finish(75)).containsExactly(new SpeechEvent.Ended(new SpeechSpan(20, 75)));
        assertThatIllegalStateException().isThrownBy(() -> tracker.accept(new float[1]));
    }

    @Test
    void dropsAShortBurstWithoutReportingIt() {
        SpeechDetector.Tracker tracker = detector(60_000).tracker();

        assertThat(tracker.accept(Probabilities.windows("..###......"))).isEmpty();
        assertThat(tracker.finish(110)).isEmpty();
    }

    @Test
    void cutsASpanThatWouldExceedMaxSegmentAtItsLowestHeardWindow() {
        SpeechDetector.Tracker tracker = detector(100).tracker();
        List<SpeechEvent> events = new ArrayList<>(tracker.accept(Probabilities.windows("..9999699999999999999999999....")));
        events.addAll(tracker.finish(310));

        List<SpeechSpan> spans = spans(events);

        // The first piece starts at 10 (padded) and is cut at the dip's centre, window 6 (sample 65).
        assertThat(spans.get(0)).isEqualTo(new SpeechSpan(10, 65));
        assertThat(spans).allSatisfy((s) -> assertThat(s.length()).isBetween(1, 100));
        assertThat(spans.get(spans.size() - 1).endSample()).isEqualTo(280);
        for (int k = 1; k < spans.size(); k++) {
            assertThat(spans.get(k).startSample()).isEqualTo(spans.get(k - 1).endSample());
        }
    }

    @Test
    void refusesAPadLongerThanHalfMinSilence() {
        SpeechDetector detector = new SpeechDetector(new VadSettings(0.5, 0.35, Duration.ofMillis(30),
                Duration.ofMillis(40), Duration.ofMillis(20), Duration.ofSeconds(1)), RATE, WINDOW);

        assertThatIllegalStateException().isThrownBy(detector::tracker).withMessageContaining("speechPad");
    }

    @Test
    void theDefaultsCanBeTracked() {
        assertThat(new SpeechDetector(VadSettings.defaults(), 16_000, 512).tracker().windows()).isZero();
    }

}
