package io.gearbox.asr.inference;

import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.OrtException;

/**
 * Keeps a native ONNX Runtime resource (a session and the tensors it owns) alive while runs use it. Any number of
 * runs may be in progress at once; {@link #close} waits until none is, releases the resource exactly once, and makes
 * every later run fail with {@link IllegalStateException} without touching the resource. A close that waits also
 * holds back runs that arrive after it (the lock prefers a queued writer), so a steady stream of runs cannot put the
 * close off for ever.
 *
 * <p>Why: ONNX Runtime frees a session's native memory at once when it is closed, and a run still inside it then
 * reads freed memory and takes the JVM down with SIGSEGV; shutdown closes the sessions while requests may still be
 * running. A read/write lock is the whole mechanism: runs share the read lock, the close takes the write lock.
 */
final class RunGuard {

    private final String name;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Written under the write lock; volatile so that {@link #isClosed()} needs no lock (see there). */
    private volatile boolean closed;

    /**
     * @param name what is guarded, for the message of runs that come after the close (e.g. "Exit 12")
     */
    RunGuard(String name) {
        this.name = name;
    }

    /**
     * Runs a call that uses the resource, which stays open until it returns.
     * @param call the native work
     * @param <T> its result
     * @return what the call returned
     * @throws IllegalStateException if the resource is closed (the call is not made)
     * @throws OrtException what the call throws
     */
    <T> T run(NativeCall<T> call) throws OrtException {
        this.lock.readLock().lock();
        try {
            if (this.closed) {
                throw new IllegalStateException(this.name + " is closed");
            }
            return call.call();
        }
        finally {
            this.lock.readLock().unlock();
        }
    }

    /**
     * @return whether {@link #close} has released the resource (or is releasing it). Lock-free: a read lock would
     * queue behind a waiting close, and a health check asking this during a shutdown would wait for the drain
     */
    boolean isClosed() {
        return this.closed;
    }

    /**
     * @return whether a thread is waiting for the lock: a {@link #close} waiting for runs in progress, or runs held
     * back by a close (the only writer); for tests and diagnostics
     */
    boolean isCloseWaiting() {
        return this.lock.hasQueuedThreads();
    }

    /**
     * Waits for the runs in progress, then releases the resource; later calls do nothing.
     * @param release frees the native resource
     * @return whether this call released it
     * @throws OrtException what the release throws (the resource counts as closed all the same)
     */
    boolean close(NativeCall<?> release) throws OrtException {
        this.lock.writeLock().lock();
        try {
            if (this.closed) {
                return false;
            }
            this.closed = true;
            release.call();
            return true;
        }
        finally {
            this.lock.writeLock().unlock();
        }
    }

    /**
     * Native work that may fail as ONNX Runtime does.
     * @param <T> its result
     */
    @FunctionalInterface
    interface NativeCall<T> {

        T call() throws OrtException;

    }

}
