package io.runnel.log.core.faults;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs test steps on a worker thread of its own and waits a bounded time for each, so that a
 * hang fails the test with the worker's stack (and every other thread's) instead of blocking the
 * build. One worker serves many steps: cases of a fuzz test run one after another on it.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Bounded implements AutoCloseable {
    private final ExecutorService worker;
    private final String name;

    Bounded(String name) {
        this.name = name;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs a step, waiting at most {@code timeout}. What the step throws is rethrown as it is
     * (an Error or RuntimeException), or wrapped in an AssertionError (a checked exception).
     *
     * @param <T>     the result type
     * @param timeout how long the step may take
     * @param what    what the step is, for the failure message (a seed, say)
     * @param step    the step
     * @return its result
     */
    <T> T call(Duration timeout, String what, Callable<T> step) {
        Future<T> f = worker.submit(step);
        try {
            return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            HangError hang = new HangError(what + ": did not finish within " + timeout + " (a hang)\n"
                    + threadDump());
            f.cancel(true);
            throw hang;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError(what + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + ": interrupted", e);
        }
    }

    /**
     * Runs a step that returns nothing, as {@link #call}.
     *
     * @param timeout how long the step may take
     * @param what    what the step is
     * @param step    the step
     */
    void run(Duration timeout, String what, ThrowingRunnable step) {
        call(timeout, what, () -> {
            step.run();
            return null;
        });
    }

    /** A step did not finish in time; the worker may still be stuck in it. */
    static final class HangError extends AssertionError {
        private static final long serialVersionUID = 1L;

        HangError(String message) {
            super(message);
        }
    }

    /** A step that may throw anything. */
    interface ThrowingRunnable {
        /**
         * Runs the step.
         *
         * @throws Exception whatever it throws
         */
        void run() throws Exception;
    }

    /**
     * The stacks of every live thread, for a hang's failure message.
     *
     * @return the dump
     */
    static String threadDump() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
            for (StackTraceElement el : e.getValue()) {
                sb.append("    at ").append(el).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not stop\n" + threadDump());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
