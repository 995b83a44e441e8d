package io.runnel.log.core.client;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Counts what a replay handed over and reports it: a progress line every interval while the
 * replay runs, and a summary at the end. The clock is read once per batch at most, and only after
 * enough work (about 1,000 records, or 60 batches of one record) since the last look, so that a
 * replay of small batches does not pay for it per record. Nothing is allocated between reports.
 *
 * <p>Not thread-safe: one per replay, on the replaying thread.
 */
final class ReplayProgress {
    /** How often a long replay logs its progress. */
    static final long DEFAULT_INTERVAL_NANOS = 5_000_000_000L;
    /** Work units between looks at the clock: a batch counts 16, each record 1. */
    private static final int WORK_BETWEEN_CLOCK_READS = 1024;
    private static final int WORK_PER_BATCH = 16;
    /** End offsets listed in the summary line, at most. */
    private static final int MAX_LISTED_PARTITIONS = 16;

    private final String topic;
    private final long[] from;
    private final long[] end;
    private final long totalOffsets;
    private final long intervalNanos;
    private final LongSupplier clock;
    private final Consumer<String> out;
    private final long startNanos;
    private long nextReportNanos;
    private int work;

    private long records;
    private long bytes;
    private int partition;
    private long position;

    /**
     * Starts counting now.
     *
     * @param topic         the topic replayed
     * @param from          the first offset of each partition
     * @param end           the end offset of each partition (exclusive)
     * @param intervalNanos how often to report progress
     * @param clock         {@link System#nanoTime()} or a test clock
     * @param out           where reports go (the logger)
     */
    ReplayProgress(String topic, long[] from, long[] end, long intervalNanos, LongSupplier clock, Consumer<String> out) {
        this.topic = topic;
        this.from = from;
        this.end = end;
        long total = 0;
        for (int p = 0; p < end.length; p++) {
            total += end[p] - from[p];
        }
        this.totalOffsets = total;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.out = out;
        this.startNanos = clock.getAsLong();
        this.nextReportNanos = startNanos + intervalNanos;
        this.position = end.length == 0 ? 0 : from[0];
    }

    /**
     * Counts a batch and reports progress when the interval has passed.
     *
     * @param partition    the partition being replayed
     * @param nextOffset   the offset after the batch
     * @param batchRecords the records of the batch handed over
     * @param batchBytes   the size of the batch
     */
    void onBatch(int partition, long nextOffset, long batchRecords, long batchBytes) {
        this.partition = partition;
        this.position = nextOffset;
        records += batchRecords;
        bytes += batchBytes;
        work += WORK_PER_BATCH + (int) Math.min(batchRecords, WORK_BETWEEN_CLOCK_READS);
        if (work < WORK_BETWEEN_CLOCK_READS) {
            return;
        }
        work = 0;
        long now = clock.getAsLong();
        if (now - nextReportNanos >= 0) {
            nextReportNanos = now + intervalNanos;
            out.accept(progressLine(now));
        }
    }

    /**
     * Notes that the replay moved on to a partition (reported as the current one from then on).
     *
     * @param partition the partition
     */
    void onPartition(int partition) {
        this.partition = partition;
        this.position = from[partition];
    }

    /**
     * The records handed over so far.
     *
     * @return the count
     */
    long records() {
        return records;
    }

    /**
     * The size of the batches read so far.
     *
     * @return bytes
     */
    long bytes() {
        return bytes;
    }

    /**
     * Nanoseconds since the replay started.
     *
     * @return the elapsed time
     */
    long elapsedNanos() {
        return clock.getAsLong() - startNanos;
    }

    /**
     * The progress line: share done, counts, rates, an estimate of the time left, and the current
     * partition's position.
     *
     * @param now the clock's time
     * @return the line
     */
    String progressLine(long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        long done = 0;
        for (int p = 0; p < partition; p++) {
            done += end[p] - from[p];
        }
        done += Math.min(position, end[partition]) - from[partition];
        double share = totalOffsets == 0 ? 1 : (double) done / totalOffsets;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "replay of %s: %.0f %% (%,d records, %,.1f MB) in %.1f s, %,.0f records/s,"
                        + " %,.1f MB/s", topic, 100 * share, records, bytes / 1e6, seconds, records / seconds,
                bytes / 1e6 / seconds));
        if (share > 0 && share < 1) {
            s.append(String.format(Locale.ROOT, ", about %.0f s left", seconds * (1 - share) / share));
        }
        s.append(String.format(Locale.ROOT, "; partition %d (%d of %d) at offset %,d of %,d", partition, partition + 1,
                end.length, position, end[partition]));
        return s.toString();
    }

    /**
     * The summary line of a finished replay.
     *
     * @param elapsedNanos how long the replay took
     * @return the line
     */
    String summaryLine(long elapsedNanos) {
        double seconds = Math.max(1e-9, elapsedNanos / 1e9);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "replayed %s: %,d records, %,.1f MB from %d partition%s in %.3f s (%,.0f records/s, %,.1f MB/s);"
                        + " end offsets [", topic, records, bytes / 1e6, end.length, end.length == 1 ? "" : "s",
                seconds, records / seconds, bytes / 1e6 / seconds));
        for (int p = 0; p < end.length && p < MAX_LISTED_PARTITIONS; p++) {
            s.append(p == 0 ? "" : ", ").append(end[p]);
        }
        return s.append(end.length > MAX_LISTED_PARTITIONS ? ", ...]" : "]").toString();
    }
}
