package io.runnel.log.core.client;

import java.util.function.BooleanSupplier;

import io.runnel.log.WaitStrategy;
import io.runnel.log.core.storage.PartitionLog;

/**
 * How a consumer's poll waits while it has nothing to return, per {@link WaitStrategy}: until
 * the consumer's readiness check holds (a record was appended to an assigned partition, the group
 * has work for it, {@code wakeup()} or {@code close()} was called), {@link #wake()} is called, or
 * the deadline passes.
 *
 * <p>Thread-safety: {@link #await} and the watch methods are called by the consumer's owner
 * thread; {@link #wake()} by any thread.
 */
interface PollWaiter {

    /**
     * The waiter of a strategy.
     *
     * @param strategy the strategy
     * @return a new waiter
     */
    static PollWaiter of(WaitStrategy strategy) {
        return switch (strategy) {
            case BLOCKING -> new BlockingPollWaiter();
            case BACKOFF -> IdlePollWaiter.backoff();
            case BUSY_SPIN -> IdlePollWaiter.busySpin();
        };
    }

    /**
     * Starts watching a partition's appends.
     *
     * @param log the partition
     */
    void watch(PartitionLog log);

    /**
     * Stops watching a partition's appends.
     *
     * @param log the partition
     */
    void unwatch(PartitionLog log);

    /**
     * Waits until {@code ready} holds, {@link #wake()} is called, or the deadline passes.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @param ready         checked before each wait, after the waiter announced itself
     * @return true when ready or woken, false when the deadline passed
     */
    boolean await(long deadlineNanos, BooleanSupplier ready);

    /** Wakes a waiting {@link #await}, or makes the next one return at once. Any thread. */
    void wake();
}
