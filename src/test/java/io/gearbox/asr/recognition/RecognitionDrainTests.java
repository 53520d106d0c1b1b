package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The ordered stop of recognition: admission closes first, the admitted recordings are waited for (within the grace
 * period), and only then are the workers disposed. Time is a hand-driven clock; the drain runs on its own thread and
 * the test waits for the queue to close (its own state), never for a duration.
 */
class RecognitionDrainTests {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void closesAdmissionThenWaitsForTheAdmittedRecordingsBeforeDisposingTheWorkers() throws Exception {
        AdmissionQueue admission = new AdmissionQueue(2, 2, Duration.ofSeconds(2));
        AdmissionQueue.Permit running = admission.admit();
        running.start();
        AdmissionQueue.Permit waiting = admission.admit();
        Scheduler workers = Schedulers.newBoundedElastic(2, 4, "drain-test");
        RecognitionDrain drain = new RecognitionDrain(admission, workers, Duration.ofMinutes(5), this.nanos::get);
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<RecognitionDrain.Report> report = CompletableFuture.supplyAsync(drain::drain, stopper);
            await().atMost(30, TimeUnit.SECONDS).until(admission::isClosed);

            assertThat(report).as("still waiting for two recordings").isNotDone();
            assertThat(workers.isDisposed()).as("workers stay while recordings need them").isFalse();
            running.release();
            this.nanos.addAndGet(Duration.ofSeconds(3).toNanos());
            assertThat(report).as("still waiting for one").isNotDone();
            waiting.release();

            RecognitionDrain.Report result = report.get(30, TimeUnit.SECONDS);
            assertThat(result.inFlightAtStart()).isEqualTo(2);
            assertThat(result.unfinished()).isZero();
            assertThat(result.waited()).isEqualTo(Duration.ofSeconds(3));
            assertThat(workers.isDisposed()).isTrue();
        }
        finally {
            stopper.shutdownNow();
            workers.dispose();
        }
    }

    @Test
    void aGracePeriodThatEndsLeavesTheUnfinishedRecordingAndStillStopsTheWorkers() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        admission.admit().start();
        Scheduler workers = Schedulers.newBoundedElastic(1, 1, "drain-test");

        RecognitionDrain.Report result = new RecognitionDrain(admission, workers, Duration.ZERO, this.nanos::get)
            .drain();

        assertThat(result.inFlightAtStart()).isEqualTo(1);
        assertThat(result.unfinished()).isEqualTo(1);
        assertThat(workers.isDisposed()).isTrue();
        assertThat(admission.isFull()).as("nothing more is admitted").isTrue();
    }

    @Test
    void anIdleServiceDrainsAtOnce() {
        AdmissionQueue admission = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        Scheduler workers = Schedulers.newBoundedElastic(1, 1, "drain-test");

        RecognitionDrain.Report result = new RecognitionDrain(admission, workers, Duration.ofSeconds(25),
                this.nanos::get).drain();

        assertThat(result.inFlightAtStart()).isZero();
        assertThat(result.waited()).isZero();
        assertThat(workers.isDisposed()).isTrue();
    }

    @Test
    void rejectsANegativeGracePeriod() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new RecognitionDrain(new AdmissionQueue(1, 0, Duration.ZERO), Schedulers.immediate(),
                    Duration.ofSeconds(-1), System::nanoTime))
            .withMessageContaining("gracePeriod");
    }

}
