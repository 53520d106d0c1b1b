package io.gearbox.asr.metrics;

import java.util.concurrent.TimeUnit;

import io.gearbox.asr.recognition.AdmissionQueue;
import io.gearbox.asr.recognition.RecognitionListener;
import io.gearbox.asr.recognition.RecognitionSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * Meters of the recognition pipeline, fed by {@link RecognitionSample}s:
 * <ul>
 * <li>{@code asr.recognitions} (seconds): admission to completion per utterance, tagged {@code depth},
 * {@code decoding} ({@code full}, or {@code fast} in the governor's lowest gear), {@code outcome} and {@code mode}
 * ({@code auto} or {@code pinned}); percentile histogram published;</li>
 * <li>{@code asr.recognition.service} and {@code asr.recognition.queue.wait} (seconds) per {@code depth};</li>
 * <li>{@code asr.audio} (seconds): audio transcribed, per {@code depth};</li>
 * <li>{@code asr.admission.rejections}: requests turned away with 503 because the admission queue was full (those that
 * waited too long in it are {@code asr.recognitions} with outcome {@code expired});</li>
 * <li>gauges {@code asr.admission.waiting}, {@code asr.admission.in.flight}, {@code asr.admission.capacity}.</li>
 * </ul>
 */
@Component
class RecognitionMetrics implements MeterBinder, RecognitionListener {

    private final AdmissionQueue admission;

    private volatile MeterRegistry registry;

    private volatile Counter rejections;

    RecognitionMetrics(AdmissionQueue admission) {
        this.admission = admission;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("asr.admission.waiting", this.admission, AdmissionQueue::waiting)
            .description("Utterances admitted and waiting for a worker")
            .baseUnit("requests")
            .register(registry);
        Gauge.builder("asr.admission.in.flight", this.admission, AdmissionQueue::inFlight)
            .description("Utterances being processed")
            .baseUnit("requests")
            .register(registry);
        Gauge.builder("asr.admission.capacity", this.admission, AdmissionQueue::capacity)
            .description("Most utterances admitted at once, processing and waiting")
            .baseUnit("requests")
            .register(registry);
        this.rejections = Counter.builder("asr.admission.rejections")
            .description("Requests turned away because the admission queue was full")
            .baseUnit("requests")
            .register(registry);
        this.registry = registry;
    }

    @Override
    public void onRecognition(RecognitionSample sample) {
        MeterRegistry registry = this.registry;
        if (registry == null) {
            return;
        }
        String depth = (sample.depth() > 0) ? Integer.toString(sample.depth()) : "none";
        Timer.builder("asr.recognitions")
            .description("Utterances from admission to completion")
            .tag("depth", depth)
            .tag("decoding", sample.decoding().label())
            .tag("outcome", sample.outcome().name().toLowerCase())
            .tag("mode", sample.pinned() ? "pinned" : "auto")
            .publishPercentileHistogram()
            .register(registry)
            .record(sample.latency().toNanos(), TimeUnit.NANOSECONDS);
        Timer.builder("asr.recognition.service")
            .description("Time spent processing an utterance (decode, features, inference, CTC)")
            .tag("depth", depth)
            .register(registry)
            .record(sample.serviceTime().toNanos(), TimeUnit.NANOSECONDS);
        Timer.builder("asr.recognition.queue.wait")
            .description("Time an utterance waited for a worker")
            .tag("depth", depth)
            .register(registry)
            .record(sample.queueWait().toNanos(), TimeUnit.NANOSECONDS);
        if (sample.audioSeconds() > 0) {
            Counter.builder("asr.audio")
                .description("Audio transcribed")
                .baseUnit("seconds")
                .tag("depth", depth)
                .register(registry)
                .increment(sample.audioSeconds());
        }
    }

    @Override
    public void onRejected() {
        Counter counter = this.rejections;
        if (counter != null) {
            counter.increment();
        }
    }

}
