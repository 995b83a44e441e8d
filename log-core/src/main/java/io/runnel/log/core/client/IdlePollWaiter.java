package io.runnel.log.core.client;

import java.util.function.BooleanSupplier;

import io.runnel.log.core.storage.PartitionLog;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * {@link io.runnel.log.WaitStrategy#BACKOFF} and {@link io.runnel.log.WaitStrategy#BUSY_SPIN}:
 * the polling thread checks for records in a loop, idling between checks with an Agrona
 * {@link IdleStrategy}. No registration with partitions is needed: the check reads their end
 * offsets. (Agrona's idle strategies use only {@link Thread#onSpinWait()}, {@link Thread#yield()}
 * and {@link java.util.concurrent.locks.LockSupport#parkNanos(long)}: no JVM flag, no warning.)
 *
 * <p>Thread-safety: {@link #await} on the consumer's owner thread; {@link #wake()} from any thread.
 */
final class IdlePollWaiter implements PollWaiter {
    private final IdleStrategy idle;
    private volatile boolean woken;

    private IdlePollWaiter(IdleStrategy idle) {
        this.idle = idle;
    }

    /**
     * Spins, yields, then parks from 1 µs doubling to 1 ms (Agrona's defaults).
     *
     * @return a new waiter
     */
    static IdlePollWaiter backoff() {
        return new IdlePollWaiter(new BackoffIdleStrategy());
    }

    /**
     * Spins with {@link Thread#onSpinWait()}.
     *
     * @return a new waiter
     */
    static IdlePollWaiter busySpin() {
        return new IdlePollWaiter(new BusySpinIdleStrategy());
    }

    @Override
    public void watch(PartitionLog log) {
        // the readiness check reads end offsets: nothing to register
    }

    @Override
    public void unwatch(PartitionLog log) {
        // nothing registered
    }

    @Override
    public boolean await(long deadlineNanos, BooleanSupplier ready) {
        idle.reset();
        for (;;) {
            if (woken) {
                woken = false;
                return true;
            }
            if (ready.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            idle.idle();
        }
    }

    @Override
    public void wake() {
        woken = true;
    }
}
