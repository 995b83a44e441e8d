package io.runnel.log.core.storage;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread that waits for appends to one or more partitions, with no polling: it registers with
 * each {@link PartitionLog} ({@link PartitionLog#addWaiter}), and every append unparks it while it
 * is {@link #await waiting}. An append costs one volatile read when nobody waits.
 *
 * <p>Thread-safety: {@link #await} is called by the owning thread only; {@link #wake()} by any.
 */
public final class AppendWaiter {
    private final Thread owner;
    private volatile boolean waiting;
    private volatile boolean woken;

    /** Creates a waiter owned by the calling thread. */
    public AppendWaiter() {
        this(Thread.currentThread());
    }

    /**
     * Creates a waiter for a given thread.
     *
     * @param owner the thread that will call {@link #await}
     */
    public AppendWaiter(Thread owner) {
        this.owner = owner;
    }

    /**
     * The thread that waits on this waiter.
     *
     * @return the owner thread
     */
    public Thread owner() {
        return owner;
    }

    /**
     * Wakes the owner if it waits (or makes its next wait return at once).
     */
    public void wake() {
        if (!woken) {
            woken = true;
        }
        if (waiting) {
            LockSupport.unpark(owner);
        }
    }

    /**
     * Waits until {@link #wake()} or the deadline, unless {@code ready} already holds. The check
     * runs after the waiter announced itself, so an append between the caller's last look and the
     * park cannot be missed.
     *
     * @param deadlineNanos {@link System#nanoTime()} deadline
     * @param ready         re-checked before parking (data arrived, or wakeup was requested)
     * @return true when woken or ready, false when the deadline passed
     */
    public boolean await(long deadlineNanos, java.util.function.BooleanSupplier ready) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("an AppendWaiter is awaited by its owner thread only");
        }
        waiting = true;
        try {
            for (;;) {
                if (woken) {
                    woken = false;
                    return true;
                }
                if (ready.getAsBoolean()) {
                    return true;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            waiting = false;
        }
    }
}
