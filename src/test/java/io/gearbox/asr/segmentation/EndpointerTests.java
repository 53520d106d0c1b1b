package io.gearbox.asr.segmentation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gearbox.asr.segmentation.Endpointer.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The three endpoint rules over window probabilities: 100 windows of 160 samples are one second at 16 kHz.
 */
class EndpointerTests {

    private static final int RATE = 16_000;

    private static final int WINDOW = 160;

    private final Endpointer endpointer = new Endpointer(VadSettings.defaults(), EndpointSettings.defaults(), RATE,
            WINDOW);

    @Test
    void speechThenTheSilenceAfterSpeechEndsAnUtterancePaddedOnBothSides() {
        List<Endpoint> ends = feed(0.0f, 50);
        ends.addAll(feed(0.9f, 100));
        ends.addAll(feed(0.0f, 119));
        assertThat(ends).isEmpty();
        ends.addAll(feed(0.0f, 1));
        assertThat(ends).containsExactly(new Endpoint(Endpoint.Kind.UTTERANCE, 8_000 - 1_600, 24_000 + 1_600));
        assertThat(this.endpointer.segmentStart()).isEqualTo(25_600);
        assertThat(this.endpointer.speechStart()).isEmpty();
    }

    @Test
    void silenceWithoutSpeechIsDroppedAfterItsOwnLongerWait() {
        List<Endpoint> ends = feed(0.0f, 239);
        assertThat(ends).isEmpty();
        ends.addAll(feed(0.0f, 1));
        assertThat(ends).singleElement().satisfies((end) -> {
            assertThat(end.kind()).isEqualTo(Endpoint.Kind.DROPPED);
            assertThat(end.end()).isEqualTo(240 * WINDOW - 1_600);
        });
    }

    @Test
    void aClickShorterThanTheShortestSpeechDoesNotMakeAnUtterance() {
        List<Endpoint> ends = feed(0.9f, 10); // 100 ms, under the 250 ms minimum
        ends.addAll(feed(0.0f, 300));
        assertThat(ends).extracting(Endpoint::kind).containsOnly(Endpoint.Kind.DROPPED);
    }

    @Test
    void speechThatRunsOnIsCutAtTheLongestSegmentAndGoesOnInTheNext() {
        List<Endpoint> ends = feed(0.9f, 2_000);
        assertThat(ends).containsExactly(new Endpoint(Endpoint.Kind.UTTERANCE, 0, 320_000));
        assertThat(this.endpointer.speechStart()).contains(320_000L);
        assertThat(this.endpointer.inSpeech()).isTrue();
    }

    @Test
    void probabilitiesInTheHysteresisBandKeepSpeechGoing() {
        List<Endpoint> ends = feed(0.9f, 50);
        ends.addAll(feed(0.4f, 200)); // above the negative threshold: still speech
        assertThat(ends).isEmpty();
        assertThat(this.endpointer.inSpeech()).isTrue();
    }

    @Test
    void theStreamsEndFlushesAnOpenUtteranceAndNothingWithoutSpeech() {
        feed(0.9f, 50);
        feed(0.0f, 10);
        assertThat(this.endpointer.finish())
            .contains(new Endpoint(Endpoint.Kind.UTTERANCE, 0, 50 * WINDOW + 1_600));
        assertThat(new Endpointer(VadSettings.defaults(), EndpointSettings.defaults(), RATE, WINDOW).finish())
            .isEmpty();
    }

    @Test
    void settingsMustBePositive() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new EndpointSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(20)));
        assertThat(EndpointSettings.defaults().with(null, Duration.ofMillis(500), null).silenceAfterSpeech())
            .isEqualTo(Duration.ofMillis(500));
    }

    private List<Endpoint> feed(float probability, int windows) {
        List<Endpoint> ends = new ArrayList<>();
        for (int i = 0; i < windows; i++) {
            this.endpointer.accept(probability).ifPresent(ends::add);
        }
        return ends;
    }

}
