package io.runnel.log.core.client;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one background thread of a producer ({@code runnel-producer-<producer id in hex>}, a
 * daemon): it appends batches whose linger expired, and takes over the draining of a partition
 * from a sending thread that drained for others long enough. It starts on first use, ends after
 * {@value #IDLE_SECONDS} s without work and starts again when needed, so a producer that never
 * lingers and never hands over work has no thread at all. Close stops it; work queued before
 * still runs.
 *
 * <p>Thread-safe.
 */
final class ProducerThread {
    /** An idle thread ends after this long. */
    static final long IDLE_SECONDS = 10;

    private final String name;
    private ScheduledThreadPoolExecutor executor;
    private boolean shutdown;

    ProducerThread(String name) {
        this.name = name;
    }

    private synchronized ScheduledThreadPoolExecutor executor() {
        if (shutdown) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        if (executor == null) {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            // A linger timer is cancelled whenever its batch goes out early: drop it from the queue.
            e.setRemoveOnCancelPolicy(true);
            e.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
            e.allowCoreThreadTimeOut(true);
            executor = e;
        }
        return executor;
    }

    /**
     * Runs a task after a delay.
     *
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        return executor().schedule(task, delayMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs a task as soon as the thread is free.
     *
     * @return false, with the task not run, after {@link #shutdown()}
     */
    boolean execute(Runnable task) {
        try {
            executor().execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Refuses new tasks; queued ones still run, then the thread ends. Does not wait. */
    synchronized void shutdown() {
        shutdown = true;
        if (executor != null) {
            executor.shutdown();
        }
    }
}
