package io.gearbox.asr.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.RecognitionSample;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecognitionMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final AdmissionQueue admission = new AdmissionQueue(2, 3, Duration.ofSeconds(1));

    private final RecognitionMetrics metrics = new RecognitionMetrics(this.admission);

    @BeforeEach
    void bind() {
        this.metrics.bindTo(this.registry);
    }

    @Test
    void recordsLatencyServiceTimeQueueWaitAndAudioPerDepth() {
        this.metrics.onRecognition(new RecognitionSample(6, Gear.Decoding.FULL, false, 2.5, Duration.ofMillis(20),
                Duration.ofMillis(80), Duration.ofMillis(20), Duration.ofMillis(30), Duration.ofMillis(100),
                Outcome.SUCCESS));
        assertThat(this.registry.get("asr.recognitions")
            .tags("depth", "6", "outcome", "success", "mode", "auto")
            .timer()
            .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
        assertThat(this.registry.get("asr.recognition.service").tag("depth", "6").timer().totalTime(
                TimeUnit.MILLISECONDS)).isEqualTo(80);
        assertThat(this.registry.get("asr.recognition.queue.wait").tag("depth", "6").timer().totalTime(
                TimeUnit.MILLISECONDS)).isEqualTo(20);
        assertThat(this.registry.get("asr.audio").tag("depth", "6").counter().count()).isEqualTo(2.5);
    }

    @Test
    void failuresBeforeAnExitWasChosenHaveNoDepth() {
        this.metrics.onRecognition(new RecognitionSample(0, Gear.Decoding.FULL, true, 0, Duration.ZERO,
                Duration.ofMillis(1), Duration.ZERO, Duration.ZERO, Duration.ofMillis(1), Outcome.INVALID_AUDIO));
        assertThat(this.registry.get("asr.recognitions")
            .tags("depth", "none", "outcome", "invalid_audio", "mode", "pinned")
            .timer()
            .count()).isEqualTo(1);
        assertThat(this.registry.find("asr.audio").counters()).isEmpty();
    }

    @Test
    void gaugesFollowTheAdmissionQueueAndRejectionsAreCounted() {
        assertThat(this.registry.get("asr.admission.capacity").gauge().value()).isEqualTo(5);
        assertThat(this.registry.get("asr.admission.waiting").gauge().value()).isZero();
        this.metrics.onRejected();
        this.metrics.onRejected();
        assertThat(this.registry.get("asr.admission.rejections").counter().count()).isEqualTo(2);
    }

}
