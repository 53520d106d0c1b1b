package io.gearbox.asr.config;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.gearbox.asr.governor.DepthGovernor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Calls {@link DepthGovernor#evaluate()} every {@code interval} on one daemon thread ({@code asr-governor}), from
 * start-up until shutdown. A failing evaluation is logged and the schedule goes on.
 */
final class GovernorSchedule implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(GovernorSchedule.class);

    private final DepthGovernor governor;

    private final Duration interval;

    private ScheduledExecutorService executor;

    GovernorSchedule(DepthGovernor governor, Duration interval) {
        this.governor = Objects.requireNonNull(governor, "governor");
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("evaluation interval must be > 0 but was " + interval);
        }
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (this.executor != null) {
            return;
        }
        this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "asr-governor");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = this.interval.toNanos();
        this.executor.scheduleWithFixedDelay(this::evaluate, nanos, nanos, TimeUnit.NANOSECONDS);
        logger.info("Load governor evaluates every {} ms", this.interval.toMillis());
    }

    private void evaluate() {
        try {
            this.governor.evaluate();
        }
        catch (RuntimeException ex) {
            logger.warn("Governor evaluation failed; trying again in {} ms", this.interval.toMillis(), ex);
        }
    }

    @Override
    public synchronized void stop() {
        if (this.executor != null) {
            this.executor.shutdownNow();
            this.executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return this.executor != null;
    }

}
