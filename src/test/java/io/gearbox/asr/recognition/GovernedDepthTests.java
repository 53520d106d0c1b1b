package io.gearbox.asr.recognition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.ExitPrior;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.GovernorSettings;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class GovernedDepthTests {

    private final DepthGovernor governor = new DepthGovernor(
            List.of(new ExitPrior(2, 0.01), new ExitPrior(4, 0.02), new ExitPrior(6, 0.1)), GovernorSettings.defaults(),
            () -> LoadProbe.Load.idle(2), List.of(), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    private final GovernedDepth governed = new GovernedDepth(this.governor);

    @Test
    void autoFollowsTheGovernor() {
        assertThat(this.governed.selectGear(query(2.0, 0))).isEqualTo(Gear.full(6));
        this.governor.pin(4);
        assertThat(this.governed.selectGear(query(2.0, 0))).isEqualTo(Gear.full(4));
    }

    @Test
    void aLatencyHintOnlyMakesTheAnswerShallower() {
        // 10 s of audio: 1 s at depth 6, 0.2 s at depth 4, 0.1 s at depth 2 (priors, idle)
        assertThat(this.governed.selectGear(query(10.0, 500))).isEqualTo(Gear.full(4));
        assertThat(this.governed.selectGear(query(10.0, 1))).isEqualTo(Gear.full(2));
        assertThat(this.governed.selectGear(query(10.0, 60_000))).isEqualTo(Gear.full(6));
        this.governor.pin(4);
        assertThat(this.governed.selectGear(query(10.0, 60_000))).isEqualTo(Gear.full(4));
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
    void eachUtterancesDecodingAndItsTimeReachTheGovernor() {
        DepthGovernor withFastGear = new DepthGovernor(List.of(new ExitPrior(2, 0.01), new ExitPrior(6, 0.1)),
                List.of(Gear.fast(2), Gear.full(2), Gear.full(6)),
                GovernorSettings.defaults(), () -> LoadProbe.Load.idle(2), List.of(),
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        GovernedDepth reporting = new GovernedDepth(withFastGear);

        // 2 s at depth 2: 20 ms of service, 4 ms of it decoding the upload and features, 10 ms in the full decoder;
        // then 15 ms with greedy decoding
        reporting.onRecognition(new RecognitionSample(2, Gear.Decoding.FULL, false, 2.0, Duration.ZERO,
                Duration.ofMillis(20), Duration.ofMillis(4), Duration.ofMillis(10), Duration.ofMillis(20),
                Outcome.SUCCESS));
        reporting.onRecognition(new RecognitionSample(2, Gear.Decoding.FAST, false, 2.0, Duration.ZERO,
                Duration.ofMillis(11), Duration.ofMillis(4), Duration.ofMillis(1), Duration.ofMillis(11),
                Outcome.SUCCESS));
        withFastGear.evaluate();

        assertThat(withFastGear.snapshot().exits()).extracting((exit) -> exit.gear(),
                (exit) -> Math.round(exit.costSecondsPerAudioSecond() * 1e4))
            .startsWith(tuple(Gear.fast(2), 55L), tuple(Gear.full(2), 100L));
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
        return new RecognitionSample(depth, Gear.Decoding.FULL, pinned, 2.0, Duration.ofMillis(5),
                Duration.ofMillis(20), Duration.ZERO, Duration.ZERO, Duration.ofMillis(25), outcome);
    }

}
