package io.gearbox.asr.lifecycle;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signal handler, driven with SIGWINCH (which nothing else in a test JVM uses) rather than SIGTERM, which would
 * stop the test run: the stop runs first and the exit after it, with 128 plus the signal's number, even when the stop
 * fails.
 */
class TerminationSignalTests {

    @Test
    void aSignalRunsTheStopThenExitsWith128PlusItsNumber() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        AtomicInteger exitStatus = new AtomicInteger(-1);
        CountDownLatch exited = new CountDownLatch(1);
        TerminationSignal handler = TerminationSignal.install(List.of("WINCH"), stops::incrementAndGet, (status) -> {
            // the stop has finished by the time the process is told to exit
            exitStatus.set(stops.get() == 1 ? status : -2);
            exited.countDown();
        });
        assertThat(handler.isStopping()).isFalse();

        Signal.raise(new Signal("WINCH"));
        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(exitStatus).hasValue(128 + new Signal("WINCH").getNumber());
        assertThat(handler.isStopping()).isTrue();
        assertThat(stops).hasValue(1);
    }

    @Test
    void theExitComesEvenWhenTheStopFails() throws Exception {
        CountDownLatch exited = new CountDownLatch(1);
        TerminationSignal.install(List.of("WINCH"), () -> {
            throw new IllegalStateException("context failed to close");
        }, (status) -> exited.countDown());

        Signal.raise(new Signal("WINCH"));

        assertThat(exited.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aSignalTheJvmKeepsIsLeftToItWithoutFailing() {
        TerminationSignal handler = TerminationSignal.install(List.of("SEGV"), () -> { }, (status) -> { });
        assertThat(handler.isStopping()).isFalse();
    }

}
