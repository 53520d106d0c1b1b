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
 * {@code saturated}, {@code stopping});</li>
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
        count("asr.streams.opened", "Live streams opened", "streams", 1);
    }

    @Override
    public void onRefused(StreamRefusedException.Reason reason) {
        count("asr.streams.refused", "Live streams refused", "streams", 1, "reason",
                reason.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onResult(StreamResult.Kind kind) {
        count("asr.stream.results", "Results sent to live streams", "results", 1, "kind",
                kind.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onPartialSkipped() {
        count("asr.stream.partials.skipped", "Interim results not decoded because the service was saturated",
                "results", 1);
    }

    @Override
    public void onClosed(Duration audio) {
        this.open.decrementAndGet();
        count("asr.stream.audio", "Audio received by live streams that have closed", "seconds",
                audio.toNanos() / 1e9);
    }

    private void count(String name, String description, String unit, double amount, String... tags) {
        MeterRegistry registry = this.registry;
        if (registry != null) {
            Counter.builder(name).description(description).baseUnit(unit).tags(tags).register(registry)
                .increment(amount);
        }
    }

}
