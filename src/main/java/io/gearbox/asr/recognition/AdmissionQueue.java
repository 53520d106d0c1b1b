package io.gearbox.asr.recognition;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Bounds the utterances in the service: at most {@code concurrency} being processed plus {@code queueCapacity}
 * waiting. Admission beyond that fails at once with {@link OverloadedException}; nothing waits for a slot, so a
 * spike costs the rejected clients one cheap response instead of growing an unbounded queue.
 *
 * <p>Optionally it also bounds how long an admitted utterance may wait for a worker ({@code maxQueueWait}): one
 * that waited longer is turned away when a worker picks it up ({@link #expired}), with the same 503, rather than
 * served late. When the service only just keeps up, a queue filled during a spike does not drain and every answer
 * waits behind it; shedding what waited too long drains it, and frees the workers for requests that can still be
 * on time (deadline-based shedding, as Triton's queue policy timeouts do). The bound is fixed, or read at each check
 * from a supplier ({@link #limitQueueWait}), so that it can follow a latency objective changed at run time.
 *
 * <p>At shutdown it is {@link #close() closed}: admission then fails with {@link ServiceStoppingException} (503
 * with {@code Retry-After}, so that clients retry on another instance), and {@link #drained()} completes once the last
 * utterance admitted before the close has released its place.
 *
 * <p>Lock-free; {@link #waiting()} and {@link #inFlight()} are the queue and in-flight gauges.
 */
public final class AdmissionQueue {

    private final int concurrency;

    private final int queueCapacity;

    private final Duration retryAfter;

    private volatile LongSupplier maxQueueWaitNanos;

    /** Bit of {@link #admitted} set by {@link #close()}; the bits below it count the admitted utterances. */
    private static final int CLOSED = 1 << 30;

    /**
     * The admitted utterances, with {@link #CLOSED} set once closed: one word, so that an admission racing the close
     * either counts before it (and is drained) or fails, never slips in after {@link #drained()} completed.
     */
    private final AtomicInteger admitted = new AtomicInteger();

    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    private final AtomicInteger running = new AtomicInteger();

    /**
     * @param concurrency utterances processed at once (the worker threads)
     * @param queueCapacity utterances that may wait for a worker
     * @param retryAfter the wait suggested to rejected clients
     */
    public AdmissionQueue(int concurrency, int queueCapacity, Duration retryAfter) {
        this(concurrency, queueCapacity, retryAfter, Duration.ZERO);
    }

    /**
     * @param concurrency utterances processed at once (the worker threads)
     * @param queueCapacity utterances that may wait for a worker
     * @param retryAfter the wait suggested to rejected clients
     * @param maxQueueWait the longest an utterance may wait for a worker and still be served; {@link Duration#ZERO}
     * for no limit
     */
    public AdmissionQueue(int concurrency, int queueCapacity, Duration retryAfter, Duration maxQueueWait) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
        }
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must be >= 0, was " + retryAfter);
        }
        if (maxQueueWait == null || maxQueueWait.isNegative()) {
            throw new IllegalArgumentException("maxQueueWait must be >= 0, was " + maxQueueWait);
        }
        this.concurrency = concurrency;
        this.queueCapacity = queueCapacity;
        this.retryAfter = retryAfter;
        long fixed = maxQueueWait.toNanos();
        this.maxQueueWaitNanos = () -> fixed;
    }

    /**
     * Replaces the bound on the wait for a worker with one read at each check.
     * @param maxQueueWaitNanos the longest wait in nanoseconds at the moment it is asked; {@code 0} or less for no
     * limit
     */
    public void limitQueueWait(LongSupplier maxQueueWaitNanos) {
        if (maxQueueWaitNanos == null) {
            throw new IllegalArgumentException("maxQueueWaitNanos must not be null");
        }
        this.maxQueueWaitNanos = maxQueueWaitNanos;
    }

    /**
     * Admits one utterance.
     * @return the permit, to {@link Permit#start() start} when processing begins and
     * {@link Permit#release() release} when it ends
     * @throws OverloadedException if {@link #capacity()} utterances are already admitted
     * @throws ServiceStoppingException if the queue is closed
     */
    Permit admit() {
        int capacity = capacity();
        while (true) {
            int current = this.admitted.get();
            if ((current & CLOSED) != 0) {
                throw stopping();
            }
            if (current >= capacity) {
                throw overloaded();
            }
            if (this.admitted.compareAndSet(current, current + 1)) {
                return new Permit();
            }
        }
    }

    /**
     * Admits one utterance that must not be turned away (a live stream's utterance, whose speech has already been
     * heard): it counts in the queue and the in-flight gauges like any other, and may take the queue past its
     * capacity, so that the requests after it are the ones turned away.
     * @return the permit
     */
    Permit admitRegardless() {
        this.admitted.incrementAndGet();
        return new Permit();
    }

    /** @return whether admission would fail right now: the queue is full or closed */
    public boolean isFull() {
        int current = this.admitted.get();
        return (current & CLOSED) != 0 || current >= capacity();
    }

    /** @return the failure admission gives now: {@link ServiceStoppingException} once closed, else overloaded */
    OverloadedException overloaded() {
        if (isClosed()) {
            return stopping();
        }
        return new OverloadedException(capacity(), this.retryAfter);
    }

    private ServiceStoppingException stopping() {
        return new ServiceStoppingException(this.retryAfter);
    }

    /**
     * Stops admitting: every later {@link #admit()} fails with {@link ServiceStoppingException}. Utterances already
     * admitted carry on; {@link #drained()} completes when the last of them is released. Idempotent.
     */
    public void close() {
        int before = this.admitted.getAndUpdate((current) -> current | CLOSED);
        if ((before & ~CLOSED) == 0) {
            this.drained.complete(null);
        }
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return (this.admitted.get() & CLOSED) != 0;
    }

    /**
     * @return completes once the queue is closed and every utterance admitted before has released its place (a
     * view: completing or cancelling it does not affect the queue)
     */
    public CompletableFuture<Void> drained() {
        return this.drained.copy();
    }

    /** @return utterances admitted and not yet released, processing and waiting */
    public int admitted() {
        return this.admitted.get() & ~CLOSED;
    }

    /**
     * @param waitedNanos how long an utterance waited for a worker
     * @return the 503 to answer it with, when it waited longer than {@code maxQueueWait}; else {@code null}
     */
    OverloadedException expired(long waitedNanos) {
        long limit = this.maxQueueWaitNanos.getAsLong();
        if (limit <= 0 || waitedNanos <= limit) {
            return null;
        }
        return new OverloadedException("The request waited " + waitedNanos / 1_000_000 + " ms for a worker, longer "
                + "than the " + limit / 1_000_000 + " ms allowed; retry later", this.retryAfter);
    }

    /** @return utterances admitted but not yet being processed */
    public int waiting() {
        return Math.max(0, admitted() - this.running.get());
    }

    /** @return utterances being processed */
    public int inFlight() {
        return this.running.get();
    }

    /** @return utterances processed at once */
    public int concurrency() {
        return this.concurrency;
    }

    /** @return utterances that may wait for a worker */
    public int queueCapacity() {
        return this.queueCapacity;
    }

    /** @return the most utterances admitted at once, processing and waiting */
    public int capacity() {
        return this.concurrency + this.queueCapacity;
    }

    /** @return the longest an utterance may wait for a worker now; {@link Duration#ZERO} for no limit */
    public Duration maxQueueWait() {
        return Duration.ofNanos(Math.max(0, this.maxQueueWaitNanos.getAsLong()));
    }

    /** @return the wait suggested to rejected clients */
    public Duration retryAfter() {
        return this.retryAfter;
    }

    /**
     * One admitted utterance's place. {@link #release()} is idempotent and may come without {@link #start()}
     * (a request cancelled while waiting).
     */
    final class Permit {

        private static final int WAITING = 0;

        private static final int RUNNING = 1;

        private static final int RELEASED = 2;

        private final AtomicInteger state = new AtomicInteger(WAITING);

        void start() {
            if (this.state.compareAndSet(WAITING, RUNNING)) {
                AdmissionQueue.this.running.incrementAndGet();
            }
        }

        void release() {
            int previous = this.state.getAndSet(RELEASED);
            if (previous == RUNNING) {
                AdmissionQueue.this.running.decrementAndGet();
            }
            if (previous != RELEASED && AdmissionQueue.this.admitted.decrementAndGet() == CLOSED) {
                AdmissionQueue.this.drained.complete(null);
            }
        }

    }

}
