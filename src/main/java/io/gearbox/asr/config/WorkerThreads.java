package io.gearbox.asr.config;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the recognition workers' threads and, on Linux, lowers each one's scheduling priority (raises its nice
 * value) as it starts, so that when the cores are saturated the threads that accept, read and turn away requests
 * (the HTTP event loops, which stay at the process's priority) run first and the inference gets the rest.
 *
 * <p>Why: a recognition is milliseconds of CPU-bound work, and under overload the workers are always runnable. At
 * equal priority the event loops then get only a fair share of the cores, requests wait to be read and parsed, and
 * they reach admission already too old: the service answers them late, however short its own queue, and the backlog
 * outside it does not drain while the arrivals last. With the workers niced, the event loops read
 * every request as it arrives and the admission queue, which the workers drain, decides at once which are served
 * and which get 503 with {@code Retry-After}. At low load nothing competes and nothing changes.
 * (docs/governor.md's load benchmark has the A/B that chose this: at three and four times the full-depth capacity,
 * runs collapsed to answers seconds late at equal priority and held with the workers ten levels down.)
 *
 * <p>Written by hand because no library does it: Java's thread priorities are ignored on Linux unless the JVM runs
 * as root with {@code -XX:ThreadPriorityPolicy=1}, and JNA's platform library has no {@code setpriority}. Two libc
 * calls through JNA (already a dependency, for NVML) do: {@code setpriority(PRIO_PROCESS, gettid(), nice)} applies
 * to the calling thread only, and any process may lower its own threads' priority. Where that is not possible
 * (another OS, a C library without {@code gettid}), the threads run at the process's priority and the reason is
 * logged once.
 */
final class WorkerThreads implements ThreadFactory {

    private static final Logger logger = LoggerFactory.getLogger(WorkerThreads.class);

    private static final int PRIO_PROCESS = 0;

    private final String prefix;

    private final int niceness;

    private final AtomicInteger count = new AtomicInteger();

    private final AtomicBoolean reported = new AtomicBoolean();

    /**
     * @param prefix the threads' name prefix; each thread is {@code prefix-N}
     * @param niceness how much to raise each thread's nice value above the process's (0 to 19); 0 leaves it
     */
    WorkerThreads(String prefix, int niceness) {
        if (niceness < 0 || niceness > 19) {
            throw new IllegalArgumentException("niceness must be 0 to 19: " + niceness);
        }
        this.prefix = prefix;
        this.niceness = niceness;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(() -> {
            lowerPriority();
            task.run();
        }, this.prefix + "-" + this.count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    private void lowerPriority() {
        if (this.niceness == 0) {
            return;
        }
        String failure;
        if (!Platform.isLinux()) {
            failure = "thread priorities are set on Linux only";
        }
        else {
            try {
                LibC libc = LibC.INSTANCE;
                int tid = libc.gettid();
                // relative to the value the thread inherited from the one that started it
                int base = libc.getpriority(PRIO_PROCESS, tid);
                failure = (libc.setpriority(PRIO_PROCESS, tid, Math.min(19, base + this.niceness)) == 0) ? null
                        : "setpriority failed with errno " + Native.getLastError();
            }
            catch (LinkageError | RuntimeException ex) {
                // LinkageError: the library or a symbol is missing, or LibC failed to initialise (then every
                // later thread gets NoClassDefFoundError): the worker must still run its task
                failure = "libc cannot be called: " + ex;
            }
        }
        if (this.reported.compareAndSet(false, true)) { // once, for the first thread
            if (failure == null) {
                logger.info("Recognition workers run {} nice levels below the event loops", this.niceness);
            }
            else {
                logger.info("Recognition workers run at the process's priority: {}", failure);
            }
        }
    }

    /** The calls of the C library this needs; loaded on first use. */
    interface LibC extends Library {

        LibC INSTANCE = Native.load("c", LibC.class);

        int gettid();

        int setpriority(int which, int who, int prio);

        int getpriority(int which, int who);

    }

}
