package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * Stops recognition in order, for a shutdown that loses no admitted request: the {@link AdmissionQueue} closes (new
 * requests get {@link ServiceStoppingException}, 503 with {@code Retry-After}), the recordings already admitted
 * finish (every span of a long one), waiting at most the grace period, and then the worker scheduler is disposed, so
 * that no task can reach the model after this returns and its native sessions may close.
 *
 * <p>A recording still running when the grace period ends is not cut short here: the scheduler is then disposed at
 * once (its threads are interrupted, which an inference does not notice), and each session's close still waits for
 * the inference inside it ({@code inference.RunGuard}); the recording's next step fails and its client gets an
 * error instead of a crashed process.
 */
public final class RecognitionDrain {

    private static final Logger logger = LoggerFactory.getLogger(RecognitionDrain.class);

    private final AdmissionQueue admission;

    private final Scheduler workers;

    private final Duration gracePeriod;

    private final LongSupplier nanoClock;

    /**
     * @param admission the queue every recognition is admitted through
     * @param workers the recognition scheduler
     * @param gracePeriod the longest the recordings in flight may take to finish, from the start of the drain
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime})
     */
    public RecognitionDrain(AdmissionQueue admission, Scheduler workers, Duration gracePeriod,
            LongSupplier nanoClock) {
        if (gracePeriod == null || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must be >= 0, was " + gracePeriod);
        }
        this.admission = admission;
        this.workers = workers;
        this.gracePeriod = gracePeriod;
        this.nanoClock = nanoClock;
    }

    /**
     * Closes admission, waits for what was admitted (at most the grace period), then disposes the workers.
     * Idempotent: a second call finds the queue closed and drained and the scheduler disposed.
     * @return what the drain found and how it ended
     */
    public Report drain() {
        long start = this.nanoClock.getAsLong();
        int admittedAtStart = this.admission.admitted();
        this.admission.close();
        logger.info("Stopping: admission closed with {} recording(s) in flight; waiting up to {} for them",
                admittedAtStart, this.gracePeriod);
        boolean drained = awaitDrained();
        long waitedNanos = this.nanoClock.getAsLong() - start;
        int left = this.admission.admitted();
        if (drained) {
            Duration remaining = this.gracePeriod.minusNanos(waitedNanos);
            disposeWorkers(remaining.isNegative() ? Duration.ZERO : remaining);
            logger.info("Stopping: {} recording(s) finished in {} ms; workers stopped", admittedAtStart,
                    waitedNanos / 1_000_000);
        }
        else {
            this.workers.dispose();
            logger.warn("Stopping: the grace period of {} ended with {} recording(s) unfinished; workers stopped",
                    this.gracePeriod, left);
        }
        return new Report(admittedAtStart, left, Duration.ofNanos(waitedNanos));
    }

    private boolean awaitDrained() {
        try {
            this.admission.drained().get(this.gracePeriod.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        }
        catch (TimeoutException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
        catch (ExecutionException ex) {
            // drained() only ever completes normally
            throw new IllegalStateException(ex);
        }
    }

    private void disposeWorkers(Duration limit) {
        try {
            // nothing is admitted, so nothing is scheduled: this returns as soon as the idle threads have stopped
            this.workers.disposeGracefully().block(limit.plusSeconds(1));
        }
        catch (RuntimeException ex) {
            this.workers.dispose();
        }
    }

    /**
     * @param inFlightAtStart recordings admitted when the drain began
     * @param unfinished recordings still admitted when it ended (non-zero only if the grace period ran out)
     * @param waited how long it waited for them
     */
    public record Report(int inFlightAtStart, int unfinished, Duration waited) {
    }

}
