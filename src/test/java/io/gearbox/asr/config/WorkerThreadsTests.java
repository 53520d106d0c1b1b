package io.gearbox.asr.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WorkerThreadsTests {

    @Test
    void aWorkerRunsTheGivenNumberOfNiceLevelsBelowTheThreadThatStartedIt() throws Exception {
        assumeTrue(Platform.isLinux(), "thread priorities are set on Linux only");
        int starter = niceOfThisThread();
        assertThat(niceOfAWorker(new WorkerThreads("test-worker", 10))).isEqualTo(Math.min(19, starter + 10));
    }

    @Test
    void nicenessZeroLeavesAWorkerAtTheStartersPriority() throws Exception {
        assumeTrue(Platform.isLinux(), "thread priorities are read from /proc");
        assertThat(niceOfAWorker(new WorkerThreads("test-worker", 0))).isEqualTo(niceOfThisThread());
    }

    @Test
    void workersAreNamedAfterThePrefixAndCountedAndDoNotKeepTheJvmAlive() {
        WorkerThreads threads = new WorkerThreads("asr-recognition", 0);
        Thread first = threads.newThread(() -> { });
        Thread second = threads.newThread(() -> { });
        assertThat(first.getName()).isEqualTo("asr-recognition-1");
        assertThat(second.getName()).isEqualTo("asr-recognition-2");
        assertThat(first.isDaemon()).isTrue();
    }

    @Test
    void nicenessOutsideWhatLinuxAllowsIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkerThreads("w", 20));
        assertThatIllegalArgumentException().isThrownBy(() -> new WorkerThreads("w", -1));
    }

    private static int niceOfAWorker(WorkerThreads threads) throws Exception {
        CompletableFuture<Integer> nice = new CompletableFuture<>();
        Thread worker = threads.newThread(() -> nice.complete(niceOfThisThread()));
        worker.start();
        worker.join();
        return nice.get();
    }

    /** Field 19 of {@code /proc/thread-self/stat}, counted after the command name in parentheses. */
    private static int niceOfThisThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[19 - 3]);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
