package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionQueueTests {

    @Test
    void admitsUpToConcurrencyPlusQueueCapacity() {
        AdmissionQueue queue = new AdmissionQueue(2, 1, Duration.ofSeconds(3));
        queue.admit();
        queue.admit();
        queue.admit();
        assertThat(queue.waiting()).isEqualTo(3);
        assertThatExceptionOfType(OverloadedException.class).isThrownBy(queue::admit)
            .satisfies((ex) -> {
                assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(3));
                assertThat(ex.getStackTrace()).isEmpty();
            });
    }

    @Test
    void tracksWaitingAndInFlightThroughAPermitsLife() {
        AdmissionQueue queue = new AdmissionQueue(1, 1, Duration.ofSeconds(1));
        AdmissionQueue.Permit permit = queue.admit();
        assertThat(queue.waiting()).isEqualTo(1);
        assertThat(queue.inFlight()).isZero();
        permit.start();
        assertThat(queue.waiting()).isZero();
        assertThat(queue.inFlight()).isEqualTo(1);
        permit.release();
        permit.release();
        assertThat(queue.waiting()).isZero();
        assertThat(queue.inFlight()).isZero();
    }

    @Test
    void releasingAWaitingPermitFreesItsPlace() {
        AdmissionQueue queue = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        queue.admit().release();
        queue.admit();
        assertThat(queue.waiting()).isEqualTo(1);
    }

    @Test
    void anUtteranceExpiresOnlyWhenItWaitedLongerThanTheLimit() {
        AdmissionQueue limited = new AdmissionQueue(1, 1, Duration.ofSeconds(2), Duration.ofMillis(200));
        AdmissionQueue unlimited = new AdmissionQueue(1, 1, Duration.ofSeconds(2));

        assertThat(limited.expired(200_000_000L)).isNull();
        assertThat(limited.expired(200_000_001L)).isNotNull()
            .satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(2)))
            .hasMessageContaining("longer than the 200 ms allowed");
        assertThat(unlimited.expired(Long.MAX_VALUE)).isNull();
    }

    @Test
    void aSuppliedLimitIsReadAtEachCheckSoItCanFollowAnObjectiveThatChanges() {
        AdmissionQueue queue = new AdmissionQueue(1, 1, Duration.ofSeconds(1));
        AtomicLong limit = new AtomicLong(100_000_000L);
        queue.limitQueueWait(limit::get);

        assertThat(queue.maxQueueWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(queue.expired(150_000_000L)).isNotNull();
        limit.set(200_000_000L);
        assertThat(queue.expired(150_000_000L)).isNull();
        assertThat(queue.maxQueueWait()).isEqualTo(Duration.ofMillis(200));
        limit.set(0);
        assertThat(queue.expired(Long.MAX_VALUE)).isNull();
        assertThat(queue.maxQueueWait()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aClosedQueueTurnsNewUtterancesAwayAsStoppingAndDrainsWhenTheAdmittedOnesRelease() {
        AdmissionQueue queue = new AdmissionQueue(2, 2, Duration.ofSeconds(3));
        AdmissionQueue.Permit running = queue.admit();
        running.start();
        AdmissionQueue.Permit waiting = queue.admit();

        queue.close();

        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.isFull()).as("nothing more is admitted").isTrue();
        assertThatThrownBy(queue::admit).isInstanceOf(ServiceStoppingException.class)
            .satisfies((ex) -> assertThat(((OverloadedException) ex).retryAfter()).isEqualTo(Duration.ofSeconds(3)));
        assertThat(queue.overloaded()).isInstanceOf(ServiceStoppingException.class);
        assertThat(queue.admitted()).isEqualTo(2);
        assertThat(queue.drained()).isNotDone();
        running.release();
        assertThat(queue.drained()).as("one still admitted").isNotDone();
        waiting.release();
        waiting.release();
        assertThat(queue.drained()).isDone();
        assertThat(queue.admitted()).isZero();
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void anIdleQueueIsDrainedAsSoonAsItCloses() {
        AdmissionQueue queue = new AdmissionQueue(1, 0, Duration.ofSeconds(1));
        queue.admit().release();
        assertThat(queue.drained()).as("open queues are never drained").isNotDone();
        queue.close();
        queue.close();
        assertThat(queue.drained()).isDone();
    }

    @Test
    void rejectsInvalidSettingsNamingTheValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionQueue(0, 1, Duration.ZERO))
            .withMessageContaining("was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionQueue(1, -1, Duration.ZERO))
            .withMessageContaining("was -1");
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new AdmissionQueue(1, 1, Duration.ZERO, Duration.ofMillis(-1)))
            .withMessageContaining("maxQueueWait");
    }

}
