package io.runnel.log.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.runnel.log.StorageException;

/**
 * Runs the per-partition steps of opening and closing a log on a few threads at once: they wait
 * on the disk (directory operations, fsyncs), so thousands of partitions open and close in a
 * fraction of the time one thread takes. A short-lived pool per call, no lingering threads.
 *
 * <p>Thread-safe: stateless.
 */
final class Parallel {
    /** Threads for disk-bound partition work: enough to keep a device's queue busy. */
    static final int THREADS = 8;

    private Parallel() {
    }

    /**
     * Runs {@code task(0..count-1)} and returns the results in index order. Every task runs to
     * its end; then the first failure, if any, is thrown (the others are added as suppressed).
     *
     * @param count how many tasks
     * @param name  thread name prefix
     * @param task  the task for an index
     * @param <T>   the result type
     * @return the results, by index
     */
    static <T> List<T> map(int count, String name, IntFunction<T> task) {
        if (count <= 1) {
            List<T> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(task.apply(i));
            }
            return out;
        }
        int threads = Math.min(THREADS, count);
        ExecutorService pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        try {
            List<Future<T>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> out = new ArrayList<>(count);
            RuntimeException failure = null;
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException re ? re
                            : new StorageException(name + " failed: " + e.getCause(), e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                    out.add(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageException(name + " interrupted", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }
}
