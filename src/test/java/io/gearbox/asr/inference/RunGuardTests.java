package io.gearbox.asr.inference;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The guard that keeps a native session open while runs use it. Runs are held inside the guard with latches, and
 * the test waits for the close to be queued behind them (the lock's own state), so nothing depends on timing.
 */
class RunGuardTests {

    @Test
    void aCloseWaitsForTheRunsInProgressAndReleasesOnlyAfterTheLastOneLeaves() throws Exception {
        RunGuard guard = new RunGuard("Exit 12");
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger released = new AtomicInteger();
        AtomicInteger resultsSeenOpen = new AtomicInteger();
        Runnable run = () -> {
            try {
                guard.run(() -> {
                    inside.countDown();
                    awaitUninterruptibly(finish);
                    // still open: the release has not run under this call
                    if (released.get() == 0) {
                        resultsSeenOpen.incrementAndGet();
                    }
                    return null;
                });
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        };
        // own threads: the common pool may have a single one on a small machine
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            closeWaitsFor(guard, run, inside, finish, released, resultsSeenOpen, threads);
        }
        finally {
            threads.shutdownNow();
        }
    }

    private static void closeWaitsFor(RunGuard guard, Runnable run, CountDownLatch inside, CountDownLatch finish,
            AtomicInteger released, AtomicInteger resultsSeenOpen, ExecutorService threads) throws Exception {
        CompletableFuture<Void> first = CompletableFuture.runAsync(run, threads);
        CompletableFuture<Void> second = CompletableFuture.runAsync(run, threads);
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> close = CompletableFuture.supplyAsync(() -> {
            try {
                return guard.close(() -> released.incrementAndGet());
            }
            catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }, threads);
        await().atMost(30, TimeUnit.SECONDS).until(guard::isCloseWaiting);
        assertThat(released).as("not released under running inferences").hasValue(0);
        assertThat(close).isNotDone();
        assertThat(guard.isClosed()).isFalse();

        finish.countDown();
        assertThat(close.get(30, TimeUnit.SECONDS)).isTrue();
        first.get(30, TimeUnit.SECONDS);
        second.get(30, TimeUnit.SECONDS);
        assertThat(resultsSeenOpen).as("both runs finished on an open resource").hasValue(2);
        assertThat(released).hasValue(1);
        assertThat(guard.isClosed()).isTrue();
    }

    @Test
    void runsAfterTheCloseFailWithoutTouchingTheResourceAndASecondCloseReleasesNothing() throws Exception {
        RunGuard guard = new RunGuard("The voice activity detector");
        AtomicInteger released = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        assertThat(guard.run(calls::incrementAndGet)).isEqualTo(1);

        assertThat(guard.close(released::incrementAndGet)).isTrue();
        assertThat(guard.close(released::incrementAndGet)).isFalse();

        assertThatIllegalStateException().isThrownBy(() -> guard.run(calls::incrementAndGet))
            .withMessage("The voice activity detector is closed");
        assertThat(calls).hasValue(1);
        assertThat(released).hasValue(1);
    }

    @Test
    void aRunThatFailsLeavesTheGuardOpenForTheNextRunAndForTheClose() throws Exception {
        RunGuard guard = new RunGuard("Exit 2");
        assertThatIllegalStateException().isThrownBy(() -> guard.run(() -> {
            throw new IllegalStateException("inference failed");
        }));
        assertThat(guard.run(() -> "next")).isEqualTo("next");
        assertThat(guard.close(() -> null)).as("no lock left held by the failed run").isTrue();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            }
            catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

}
