package io.runnel.benchmarks;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.runnel.log.FlushPolicy;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;

/**
 * A {@link PartitionLog} in a fresh temporary directory (under {@code java.io.tmpdir}) with its
 * own background flusher thread, as {@code CommitLog} gives it one; {@link #close()} deletes it
 * all without flushing.
 *
 * <p>Not thread-safe: opened and closed by one benchmark thread.
 */
public final class TempPartitionLog implements AutoCloseable {
    private static final TopicPartition PARTITION = new TopicPartition("bench", 0);

    private final Path root;
    private final ExecutorService flusher;
    private final ExecutorService reserver;
    private final PartitionLog log;

    private TempPartitionLog(Path root, ExecutorService flusher, ExecutorService reserver, PartitionLog log) {
        this.reserver = reserver;
        this.root = root;
        this.flusher = flusher;
        this.log = log;
    }

    /**
     * Creates an empty partition log with the default settings (1 GiB segments) and no flush policy.
     *
     * @return the open log
     */
    public static TempPartitionLog create() {
        Path root = TempDirs.create("runnel-bench-");
        ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnel-bench-flusher");
            t.setDaemon(true);
            return t;
        });
        ExecutorService reserver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnel-bench-reserver");
            t.setDaemon(true);
            return t;
        });
        // As a CommitLog runs it: flushes and space reservations on separate threads.
        PartitionLog log = PartitionLog.open(PARTITION, root.resolve("bench-0"), LogConfig.defaults(),
                FlushPolicy.none(), flusher, reserver, true, 0);
        return new TempPartitionLog(root, flusher, reserver, log);
    }

    public PartitionLog log() {
        return log;
    }

    /** Closes the log without flushing it, waits for a running background flush, deletes the files. */
    @Override
    public void close() {
        log.closeForDelete();
        flusher.shutdown();
        reserver.shutdown();
        try {
            if (!flusher.awaitTermination(5, TimeUnit.MINUTES) || !reserver.awaitTermination(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the background flush of " + root + " did not end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing " + root, e);
        }
        TempDirs.delete(root);
    }
}
