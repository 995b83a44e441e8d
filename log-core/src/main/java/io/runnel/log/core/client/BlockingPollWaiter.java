package io.runnel.log.core.client;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.runnel.log.core.storage.AppendWaiter;
import io.runnel.log.core.storage.PartitionLog;

/**
 * {@link io.runnel.log.WaitStrategy#BLOCKING}: the polling thread parks on an
 * {@link AppendWaiter} registered with every watched partition, so an append unparks it. The
 * {@link AppendWaiter} belongs to one thread; when another thread polls, a new one replaces it.
 *
 * <p>Thread-safety: the watch methods and {@link #await} on the consumer's owner thread;
 * {@link #wake()} from any thread.
 */
final class BlockingPollWaiter implements PollWaiter {
    private final Set<PartitionLog> watched = new LinkedHashSet<>();
    private volatile AppendWaiter waiter;

    @Override
    public void watch(PartitionLog log) {
        if (watched.add(log)) {
            AppendWaiter w = waiter;
            if (w != null) {
                log.addWaiter(w);
            }
        }
    }

    @Override
    public void unwatch(PartitionLog log) {
        if (watched.remove(log)) {
            AppendWaiter w = waiter;
            if (w != null) {
                log.removeWaiter(w);
            }
        }
    }

    @Override
    public boolean await(long deadlineNanos, BooleanSupplier ready) {
        Thread me = Thread.currentThread();
        AppendWaiter w = waiter;
        if (w == null || w.owner() != me) {
            AppendWaiter mine = new AppendWaiter(me);
            for (PartitionLog log : watched) {
                if (w != null) {
                    log.removeWaiter(w);
                }
                log.addWaiter(mine);
            }
            waiter = mine;
            w = mine;
        }
        return w.await(deadlineNanos, ready);
    }

    @Override
    public void wake() {
        AppendWaiter w = waiter;
        if (w != null) {
            w.wake();
        }
    }
}
