package io.gearbox.asr.recognition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GovernedDepthTests {

    private final DepthGovernor governor = new DepthGovernor(
            List.of(new ExitPrior(2, 0.01), new ExitPrior(4, 0.02), new ExitPrior(6, 0.1)), GovernorSettings.defaults(),
            () -> LoadProbe.Load.idle(2), List.of(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    private final GovernedDepth governed = new GovernedDepth(this.governor);

    @Test
    void autoFollowsTheGovernor() {
        assertThat(this.governed.selectDepth(query(2.0, 0))).isEqualTo(6);
        this.governor.pin(4);
        assertThat(this.governed.selectDepth(query(2.0, 0))).isEqualTo(4);
    }

    @Test
    void aLatencyHintOnlyMakesTheAnswerShallower() {
        // 10 s of audio: 1 s at depth 6, 0.2 s at depth 4, 0.1 s at depth 2 (priors, idle)
        assertThat(this.governed.selectDepth(query(10.0, 500))).isEqualTo(4);
        assertThat(this.governed.selectDepth(query(10.0, 1))).isEqualTo(2);
        assertThat(this.governed.selectDepth(query(10.0, 60_000))).isEqualTo(6);
        this.governor.pin(4);
        assertThat(this.governed.selectDepth(query(10.0, 60_000))).isEqualTo(4);
    }

    @Test
    void everyUtteranceThatReachedAnExitIsReportedPinnedOrNot() {
        this.governed.onRecognition(sample(4, true, Outcome.SUCCESS));
        this.governed.onRecognition(sample(6, false, Outcome.SUCCESS));
        this.governed.onRecognition(sample(6, false, Outcome.ERROR));
        this.governed.onRecognition(sample(0, false, Outcome.INVALID_AUDIO));
        this.governed.onRecognition(sample(2, false, Outcome.INVALID_AUDIO));
        assertThat(this.governor.snapshot().exits()).extracting((exit) -> exit.samples()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aRequestTurnedAwayIsReportedToTheGovernor() {
        this.governed.onRejected();
        this.governed.onRejected();
        this.governor.evaluate();
        assertThat(this.governor.snapshot().signals().windowRejections()).isEqualTo(2);
    }

    @Test
    void theLoadProbeReadsTheAdmissionQueue() {
        AdmissionQueue admission = new AdmissionQueue(3, 5, Duration.ofSeconds(1));
        AdmissionQueue.Permit running = admission.admit();
        running.start();
        admission.admit();
        admission.admit();
        assertThat(GovernedDepth.loadProbe(admission).read()).isEqualTo(new LoadProbe.Load(1, 2, 3));
    }

    private static DepthSelector.DepthQuery query(double audioSeconds, long maxLatencyMillis) {
        return new DepthSelector.DepthQuery(List.of(2, 4, 6), audioSeconds, maxLatencyMillis, 0, 1);
    }

    private static RecognitionSample sample(int depth, boolean pinned, Outcome outcome) {
        return new RecognitionSample(depth, pinned, 2.0, Duration.ofMillis(5), Duration.ofMillis(20),
                Duration.ofMillis(25), outcome);
    }

}
