package io.gearbox.asr.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.gearbox.asr.streaming.StreamListener;
import io.gearbox.asr.streaming.StreamRefusedException;
import io.gearbox.asr.streaming.StreamResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * Meters of live streams:
 * <ul>
 * <li>gauge {@code asr.streams.open}: streams open now;</li>
 * <li>{@code asr.streams.opened} and {@code asr.streams.refused} (tagged {@code reason}: {@code too_many_streams},
 * {@code saturated});</li>
 * <li>{@code asr.stream.results}, tagged {@code kind} ({@code partial}, {@code final}), and
 * {@code asr.stream.partials.skipped}: interim results not decoded because the service was saturated;</li>
 * <li>{@code asr.stream.audio} (seconds): audio received by closed streams.</li>
 * </ul>
 * Each decode of a stream is also an utterance in the recognition meters ({@code asr.recognitions}).
 */
@Component
class StreamMetrics implements MeterBinder, StreamListener {

    private final AtomicInteger open = new AtomicInteger();

    private volatile MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("asr.streams.open", this.open, AtomicInteger::get)
            .description("Live streams open now")
            .baseUnit("streams")
            .register(registry);
        this.registry = registry;
    }

    @Override
    public void onOpened() {
        this.open.incrementAndGet();
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder("asr.streams.opened").description("Live streams opened").baseUnit("streams")
                .register(registry).increment();
        }
    }

    @Override
    public void onRefused(StreamRefusedException.Reason reason) {
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder("asr.streams.refused")
                .description("Live streams refused")
                .baseUnit("streams")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
        }
    }

    @Override
    public void onResult(StreamResult.Kind kind) {
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder("asr.stream.results")
                .description("Results sent to live streams")
                .baseUnit("results")
                .tag("kind", kind.name().toLowerCase(Locale.ROOT))
                .register(registry)
                .increment();
        }
    }

    @Override
    public void onPartialSkipped() {
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder("asr.stream.partials.skipped")
                .description("Interim results not decoded because the service was saturated")
                .baseUnit("results")
                .register(registry)
                .increment();
        }
    }

    @Override
    public void onClosed(Duration audio) {
        this.open.decrementAndGet();
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder("asr.stream.audio")
                .description("Audio received by live streams that have closed")
                .baseUnit("seconds")
                .register(registry)
                .increment(audio.toNanos() / 1e9);
        }
    }

}
