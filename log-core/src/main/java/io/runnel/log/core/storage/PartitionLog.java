package io.runnel.log.core.storage;

import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

import io.runnel.log.CorruptLogException;
import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.InvalidBatchException;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;

/**
 * The log of one partition: ordered segments, appends at the end, reads from any offset.
 *
 * <p>Appends are serialised by one lock per partition (one acquisition per batch, never per
 * record of a batch) and write into the active segment's mapping; they are acknowledged once
 * the bytes are in the mapping (in the OS, so {@code kill -9} loses nothing acknowledged), then
 * flushed as the {@link FlushPolicy} says; with {@link FlushPolicy.Kind#ALWAYS} concurrent
 * appenders share one fsync (group commit). Reads take no lock: they see the published end
 * offset and segment list and hold a reference on the segment they read.
 *
 * <p>Thread-safety: thread-safe; any number of appending and reading threads.
 */
public final class PartitionLog implements AutoCloseable {

    private static final java.lang.invoke.VarHandle END_OFFSET;

    static {
        try {
            END_OFFSET = java.lang.invoke.MethodHandles.lookup().findVarHandle(PartitionLog.class, "endOffset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per-thread view for checking incoming batches outside the append lock. */
    private static final ThreadLocal<RecordBatchView> CHECK_VIEW = ThreadLocal.withInitial(RecordBatchView::new);

    private final TopicPartition id;
    private final Path dir;
    private final LogConfig config;
    private final FlushPolicy flushPolicy;
    private final Executor background;
    /** Reserves and pre-touches segment space ahead of the writer; never waits behind a flush. */
    private final Executor reserver;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final Object flushLock = new Object();
    private final LeaderEpochCache epochs;
    /** The last batches of idempotent producers, under the append lock. */
    private final ProducerStateTable producers = new ProducerStateTable();

    private volatile LogSegment[] segments;
    /** Threads waiting for appends (consumers), woken after every append. */
    private volatile AppendWaiter[] waiters = new AppendWaiter[0];
    private final Object waitersLock = new Object();
    private volatile long endOffset;
    private volatile long startOffset;
    /** Counts truncations: a {@link ReadHint} taken before one no longer applies. */
    private volatile long truncations;
    /** Every offset below it is on the storage device. */
    private volatile long recoveryPoint;
    private volatile boolean closed;

    /** Writer scratch, under the append lock. */
    private final RecordBatchView appendView = new RecordBatchView();
    private final RecordBatchWriter writer = new RecordBatchWriter();
    private int leaderEpoch;
    private final java.util.concurrent.atomic.AtomicLong unflushedMessages = new java.util.concurrent.atomic.AtomicLong();
    /** Wall clock for segment.ms; replaceable in tests. */
    private volatile java.util.function.LongSupplier clock = System::currentTimeMillis;

    PartitionLog(TopicPartition id, Path dir, LogConfig config, FlushPolicy flushPolicy, Executor background,
                 Executor reserver, LogSegment[] segments, long recoveryPoint) {
        this.reserver = reserver;
        this.id = id;
        this.dir = dir;
        this.config = config;
        this.flushPolicy = flushPolicy;
        this.background = background;
        this.segments = segments;
        LogSegment last = segments[segments.length - 1];
        this.endOffset = last.nextOffset();
        this.startOffset = segments[0].baseOffset();
        this.recoveryPoint = Math.min(recoveryPoint, endOffset);
        this.epochs = new LeaderEpochCache(dir);
        // Recovery may have cut the log: epochs that began past its end are gone with it.
        epochs.truncateFromEnd(endOffset);
        this.leaderEpoch = Math.max(0, epochs.latestEpoch());
    }

    /**
     * Opens (recovering when needed) or creates the log of a partition. See {@link PartitionLogLoader}.
     *
     * @param id            the partition
     * @param dir           its directory
     * @param config        its settings
     * @param flushPolicy   when to fsync
     * @param background    runs flushes of rolled segments
     * @param cleanShutdown whether the log was closed cleanly (no recovery needed)
     * @param recoveryPoint offsets below it were flushed before the last shutdown
     * @return the open log
     */
    public static PartitionLog open(TopicPartition id, Path dir, LogConfig config, FlushPolicy flushPolicy,
                                    Executor background, boolean cleanShutdown, long recoveryPoint) {
        return open(id, dir, config, flushPolicy, background, background, cleanShutdown, recoveryPoint);
    }

    /**
     * Opens a partition log whose space reservations run on their own thread, so that they
     * never queue behind the fsync of a rolled segment.
     *
     * @param id            the partition
     * @param dir           its directory
     * @param config        its settings
     * @param flushPolicy   when to fsync
     * @param background    runs flushes of rolled segments
     * @param reserver      reserves and pre-touches segment space ahead of the writer
     * @param cleanShutdown whether the log was closed cleanly (no recovery needed)
     * @param recoveryPoint offsets below it were flushed before the last shutdown
     * @return the open log
     */
    public static PartitionLog open(TopicPartition id, Path dir, LogConfig config, FlushPolicy flushPolicy,
                                    Executor background, Executor reserver, boolean cleanShutdown,
                                    long recoveryPoint) {
        LogSegment[] segs = PartitionLogLoader.load(dir, config, cleanShutdown, recoveryPoint);
        // After a clean close everything was flushed; after recovery, the recovered bytes were forced.
        return new PartitionLog(id, dir, config, flushPolicy, background, reserver, segs,
                segs[segs.length - 1].nextOffset());
    }

    // ------------------------------------------------------------------ state

    /**
     * The partition.
     *
     * @return its id
     */
    public TopicPartition id() {
        return id;
    }

    /**
     * The directory of the partition.
     *
     * @return the path
     */
    public Path dir() {
        return dir;
    }

    /**
     * The settings.
     *
     * @return the log config
     */
    public LogConfig config() {
        return config;
    }

    /**
     * The first offset still in the log.
     *
     * @return the log start offset
     */
    public long startOffset() {
        return startOffset;
    }

    /**
     * The offset the next appended record gets.
     *
     * @return the log end offset
     */
    public long endOffset() {
        return endOffset;
    }

    /**
     * Offsets below this are known to be on the storage device.
     *
     * @return the recovery point
     */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /**
     * The total size of the segments.
     *
     * @return bytes
     */
    public long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments) {
            total += s.size();
        }
        return total;
    }

    /**
     * The number of segments.
     *
     * @return the count
     */
    public int segmentCount() {
        return segments.length;
    }

    /**
     * A snapshot of the segments, oldest first (for tests and maintenance).
     *
     * @return a copy of the list
     */
    public LogSegment[] segments() {
        return segments.clone();
    }

    /**
     * The leader epochs recorded for this partition.
     *
     * @return the cache
     */
    public LeaderEpochCache leaderEpochs() {
        return epochs;
    }

    /**
     * The leader epoch stamped into appended batches (0 until replication sets it).
     *
     * @param epoch the new epoch, not below the current one
     */
    public void setLeaderEpoch(int epoch) {
        appendLock.lock();
        try {
            if (epoch < leaderEpoch) {
                throw new IllegalArgumentException("leader epoch " + epoch + " is below the current " + leaderEpoch);
            }
            leaderEpoch = epoch;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Replaces the wall clock used for {@code segment.ms} (tests).
     *
     * @param clock milliseconds since the epoch
     */
    void setClock(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ append

    /**
     * Appends one or more record batches (Kafka v2, uncompressed or compressed) from
     * {@code position} to {@code limit} of {@code batches}; each gets the next offsets and the
     * current leader epoch. All are checked before any is written, so a bad batch appends
     * nothing. The buffer is not modified.
     *
     * <p>A batch with a producer id and a base sequence (an idempotent producer's) that
     * duplicates one of the last {@value ProducerStateTable#BATCHES_PER_PRODUCER} batches of its
     * producer id (same producer epoch, base sequence and last sequence) is not appended again:
     * it keeps the offsets it was given the first time. See {@link ProducerStateTable}.
     *
     * @param batches the batches
     * @return the base offset given to the first batch, or, when the first batch is a
     *         duplicate, the base offset it was appended at before
     * @throws RecordTooLargeException when a batch exceeds {@code max.message.bytes}
     * @throws CorruptLogException     when a batch is malformed (the "file" is the partition directory)
     * @throws LogClosedException      after close
     */
    public long append(ByteBuffer batches) {
        return append(batches, true);
    }

    /**
     * {@link #append(ByteBuffer)}, with the choice to skip the CRC check of the incoming batches:
     * only for batches this process built and sealed itself (the producer's, whose CRC was
     * computed a moment before by {@code RecordBatchWriter.finish}); their structure is still
     * checked. Anything read from outside, or from a file, is checked.
     *
     * @param batches  the batches
     * @param checkCrc whether to check each batch's CRC-32C
     * @return as {@link #append(ByteBuffer)}
     */
    public long append(ByteBuffer batches, boolean checkCrc) {
        int from = batches.position();
        int to = batches.limit();
        RecordBatchView view = CHECK_VIEW.get();
        int count = 0;
        for (int pos = from; pos < to; ) {
            String problem = checkIncoming(view, batches, pos, to, checkCrc);
            if (problem != null) {
                throw new CorruptLogException(dir, pos - from, "batch rejected: " + problem);
            }
            if (view.sizeInBytes() > config.maxMessageBytes()) {
                throw new RecordTooLargeException("batch of " + view.sizeInBytes() + " bytes for " + id
                        + " exceeds max.message.bytes " + config.maxMessageBytes());
            }
            count++;
            pos += view.sizeInBytes();
        }
        if (count == 0) {
            throw new IllegalArgumentException("no batch to append for " + id);
        }
        long first = -1;
        long newEnd;
        appendLock.lock();
        try {
            ensureOpen();
            long next = endOffset;
            long appended = 0;
            long now = clock.getAsLong();
            for (int pos = from; pos < to; ) {
                view.wrap(batches, pos);
                int size = view.sizeInBytes();
                boolean idempotent = view.producerId() >= 0 && view.baseSequence() >= 0 && !view.isTransactional()
                        && !view.isControl();
                int lastSequence = idempotent ? ProducerStateTable.lastSequence(view.baseSequence(),
                        view.lastOffsetDelta()) : -1;
                if (idempotent) {
                    long earlier = producers.duplicateOf(view.producerId(), view.producerEpoch(),
                            view.baseSequence(), lastSequence);
                    if (earlier >= 0) {
                        first = first < 0 ? earlier : first;
                        pos += size;
                        continue;
                    }
                }
                first = first < 0 ? next : first;
                LogSegment seg = segmentFor(size, now, next);
                seg.reserve(size);
                int at = seg.size();
                ByteBuffer target = seg.writeBuffer();
                target.put(at, batches, pos, size);
                RecordBatchView stamped = appendView.wrap(target, at);
                stamped.setBaseOffset(next);
                stamped.setPartitionLeaderEpoch(leaderEpoch);
                long last = stamped.lastOffset();
                epochs.assign(leaderEpoch, next);
                seg.commit(size, last, stamped.maxTimestamp(), now);
                if (idempotent) {
                    producers.record(stamped.producerId(), stamped.producerEpoch(), stamped.baseSequence(),
                            lastSequence, next, last);
                }
                appended += stamped.recordCount();
                next = last + 1;
                pos += size;
                reserveAhead(seg);
            }
            END_OFFSET.setRelease(this, next);
            newEnd = next;
            unflushedMessages.addAndGet(appended);
        } finally {
            appendLock.unlock();
        }
        afterAppend(newEnd);
        return first;
    }

    /**
     * Appends one record as a batch of its own, encoded straight into the mapping (no copy, no
     * allocation).
     *
     * @param timestamp the record's timestamp (ms)
     * @param key       the key, or null
     * @param value     the value, or null
     * @param headers   the headers
     * @return the record's offset
     * @throws RecordTooLargeException when the batch would exceed {@code max.message.bytes}
     * @throws LogClosedException      after close
     */
    public long appendRecord(long timestamp, byte[] key, byte[] value, Headers headers) {
        int bound;
        try {
            // Exact for a batch of one record: checked before anything rolls or is reserved.
            bound = RecordBatchWriter.maxBatchSizeFor(key == null ? -1 : key.length,
                    value == null ? -1 : value.length, headers);
        } catch (IllegalArgumentException e) {
            throw new RecordTooLargeException("record for " + id + " is larger than 2 GiB");
        }
        if (key == null && config.compacted()) {
            throw new IllegalArgumentException(KEYLESS + id);
        }
        if (bound > config.maxMessageBytes()) {
            throw new RecordTooLargeException("record batch of " + bound + " bytes for " + id
                    + " exceeds max.message.bytes " + config.maxMessageBytes());
        }
        long offset;
        appendLock.lock();
        try {
            ensureOpen();
            offset = endOffset;
            long now = clock.getAsLong();
            LogSegment seg = segmentFor(bound, now, offset);
            seg.reserve(bound);
            int at = seg.size();
            RecordBatchWriter w = writer.begin(seg.writeBuffer(), at, bound, offset, timestamp);
            w.partitionLeaderEpoch(leaderEpoch);
            if (!w.append(timestamp, key, value, headers)) {
                throw new IllegalStateException("record does not fit its own size bound " + bound);
            }
            int size = w.finish();
            epochs.assign(leaderEpoch, offset);
            seg.commit(size, offset, timestamp, now);
            END_OFFSET.setRelease(this, offset + 1);
            reserveAhead(seg);
            unflushedMessages.incrementAndGet();
        } finally {
            appendLock.unlock();
        }
        afterAppend(offset + 1);
        return offset;
    }

    private static final String KEYLESS = "a record without a key cannot be appended to compacted partition ";

    /** Hands the next space reservation to the background thread before the writer needs it. */
    private void reserveAhead(LogSegment seg) {
        if (seg.claimReserveAhead()) {
            try {
                reserver.execute(seg::reserveAhead);
            } catch (RejectedExecutionException e) {
                seg.reserveAhead();
            }
        }
    }

    private String checkIncoming(RecordBatchView view, ByteBuffer buf, int pos, int limit, boolean checkCrc) {
        if (limit - pos < HEADER_SIZE) {
            return "only " + (limit - pos) + " bytes, a batch header needs " + HEADER_SIZE;
        }
        view.wrap(buf, pos);
        if (view.magic() != MAGIC_V2) {
            return "magic " + view.magic() + ", expected " + MAGIC_V2;
        }
        if (view.batchLength() < MIN_BATCH_LENGTH || view.sizeInBytes() > limit - pos) {
            return "batch length " + view.batchLength() + " does not fit the " + (limit - pos) + " bytes given";
        }
        if (view.recordCount() < 1 || view.lastOffsetDelta() != view.recordCount() - 1) {
            return "record count " + view.recordCount() + " and last offset delta " + view.lastOffsetDelta()
                    + " disagree";
        }
        if (checkCrc && !view.isValid()) {
            return "CRC mismatch";
        }
        return null;
    }

    /**
     * The segment to append {@code size} bytes to, rolling first when needed. Under the append lock.
     *
     * @param nextOffset the offset the batch will get: a new segment is named by it (inside a
     *                   multi-batch append it is ahead of the published end offset)
     */
    private LogSegment segmentFor(int size, long now, long nextOffset) {
        LogSegment[] segs = segments;
        LogSegment active = segs[segs.length - 1];
        if (active.shouldRoll(size, now)) {
            if (active.size() == 0) {
                active.makeActive(size);
            } else {
                rollAt(size, nextOffset);
                active = segments[segments.length - 1];
            }
        }
        return active;
    }

    /**
     * Closes the active segment and starts a new one at the end offset; the old one is flushed
     * in the background, which then advances the recovery point.
     *
     * @param minCapacity the least capacity the new segment needs
     */
    public void roll(int minCapacity) {
        appendLock.lock();
        try {
            rollAt(minCapacity, endOffset);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Rolls to a new segment named by {@code base}, the offset the next batch gets. Callers hold
     * the append lock (taken again here, reentrantly).
     */
    private void rollAt(int minCapacity, long base) {
        appendLock.lock();
        try {
            ensureOpen();
            LogSegment[] segs = segments;
            LogSegment old = segs[segs.length - 1];
            if (old.size() == 0) {
                return;
            }
            // The new segment first: if it cannot be created (disk full), the old one stays active.
            LogSegment fresh = LogSegment.create(dir, base, config, minCapacity);
            try {
                old.onBecomeInactive();
            } catch (RuntimeException e) {
                fresh.delete();
                throw e;
            }
            LogSegment[] next = new LogSegment[segs.length + 1];
            System.arraycopy(segs, 0, next, 0, segs.length);
            next[segs.length] = fresh;
            segments = next;
            try {
                background.execute(() -> flushUpTo(base));
            } catch (RejectedExecutionException e) {
                flushUpTo(base);
            }
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Registers a waiter to be woken after every append (and on close).
     *
     * @param waiter the waiter
     */
    public void addWaiter(AppendWaiter waiter) {
        synchronized (waitersLock) {
            AppendWaiter[] old = waiters;
            for (AppendWaiter w : old) {
                if (w == waiter) {
                    return;
                }
            }
            AppendWaiter[] next = java.util.Arrays.copyOf(old, old.length + 1);
            next[old.length] = waiter;
            waiters = next;
        }
    }

    /**
     * Unregisters a waiter.
     *
     * @param waiter the waiter
     */
    public void removeWaiter(AppendWaiter waiter) {
        synchronized (waitersLock) {
            AppendWaiter[] old = waiters;
            int at = -1;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == waiter) {
                    at = i;
                }
            }
            if (at < 0) {
                return;
            }
            AppendWaiter[] next = new AppendWaiter[old.length - 1];
            System.arraycopy(old, 0, next, 0, at);
            System.arraycopy(old, at + 1, next, at, old.length - at - 1);
            waiters = next;
        }
    }

    private void wakeWaiters() {
        AppendWaiter[] ws = waiters;
        for (AppendWaiter w : ws) {
            w.wake();
        }
    }

    private void afterAppend(long newEnd) {
        wakeWaiters();
        switch (flushPolicy.kind()) {
            case ALWAYS -> flushUpTo(newEnd);
            case EVERY_MESSAGES -> {
                // The sender does not wait for this fsync (Kafka's flush.messages does it off the send path too).
                if (unflushedMessages.get() >= flushPolicy.messages()) {
                    try {
                        background.execute(() -> flushUpTo(newEnd));
                    } catch (RejectedExecutionException e) {
                        flushUpTo(newEnd);
                    }
                }
            }
            default -> {
                // NONE and EVERY_INTERVAL: the OS, and the background flusher, take care of it.
            }
        }
    }

    /**
     * Forces every offset below {@code offset} (and whatever else was appended by then) to the
     * storage device. Concurrent callers share one fsync: a caller whose offset a running flush
     * covers returns when it ends (group commit).
     *
     * @param offset the offset to make durable up to (exclusive)
     */
    public void flushUpTo(long offset) {
        if (recoveryPoint >= offset) {
            return;
        }
        synchronized (flushLock) {
            if (recoveryPoint >= offset) {
                return;
            }
            long target = endOffset;
            long rp = recoveryPoint;
            unflushedMessages.set(0);
            // Newest first, down to the segment holding the recovery point: older ones are durable.
            LogSegment[] segs = segments;
            for (int i = segs.length - 1; i >= 0; i--) {
                LogSegment s = segs[i];
                if (s.retain()) {
                    try {
                        s.flush();
                    } finally {
                        s.release();
                    }
                }
                if (s.baseOffset() <= rp) {
                    break;
                }
            }
            if (target > recoveryPoint) {
                recoveryPoint = target;
            }
        }
    }

    /** Forces everything appended so far to the storage device. */
    public void flush() {
        flushUpTo(endOffset);
    }

    // ------------------------------------------------------------------ read

    /**
     * Reads whole batches from the one holding {@code offset}, zero-copy: each goes to
     * {@code handler} as a view over the mapping, until {@code maxBytes} were handed over (at
     * least one batch is, whatever its size), the handler says stop, or the end of the log.
     * The first batch may start before {@code offset}; skip its earlier records.
     *
     * @param offset    the first offset wanted
     * @param maxBytes  a soft limit on the bytes handed over
     * @param verifyCrc whether to check each batch's CRC first
     * @param view      the reader's scratch view
     * @param handler   receives the batches
     * @return the offset after the last batch handed over, or {@code offset} when none
     * @throws OffsetOutOfRangeException when {@code offset} is below the start or above the end
     * @throws CorruptLogException       when a batch fails its checks (names file and position)
     */
    public long read(long offset, int maxBytes, boolean verifyCrc, RecordBatchView view, BatchHandler handler) {
        return read(offset, maxBytes, verifyCrc, view, handler, null);
    }

    /**
     * {@link #read(long, int, boolean, RecordBatchView, BatchHandler)}, starting where the
     * reader's last read ended when {@code offset} is where it ended ({@link ReadHint}), and
     * remembering where this one ends.
     *
     * @param offset    the first offset wanted
     * @param maxBytes  a soft limit on the bytes handed over
     * @param verifyCrc whether to check each batch's CRC first
     * @param view      the reader's scratch view
     * @param handler   receives the batches
     * @param hint      the reader's hint, or null
     * @return the offset after the last batch handed over, or {@code offset} when none
     * @throws OffsetOutOfRangeException when {@code offset} is below the start or above the end
     * @throws CorruptLogException       when a batch fails its checks (names file and position)
     */
    public long read(long offset, int maxBytes, boolean verifyCrc, RecordBatchView view, BatchHandler handler,
                     ReadHint hint) {
        long end = endOffset;
        if (offset == end) {
            checkReadable();
            return offset;
        }
        if (offset > end || offset < startOffset) {
            checkReadable();
            throw new OffsetOutOfRangeException(id, offset, startOffset, end);
        }
        int handed = 0;
        long next = offset;
        long truncated = truncations;
        for (int attempt = 0; ; attempt++) {
            LogSegment[] segs = segments;
            int idx = floorSegment(segs, next);
            if (idx < 0) {
                throw new OffsetOutOfRangeException(id, offset, startOffset, endOffset);
            }
            boolean retry = false;
            for (int i = idx; i < segs.length && next < end; i++) {
                LogSegment seg = segs[i];
                if (!seg.retain()) {
                    retry = true;
                    break;
                }
                try {
                    int limit = seg.size();
                    int pos = hint == null ? -1 : hint.positionIn(seg, next, truncated, limit);
                    if (pos < 0) {
                        pos = seg.translateOffset(next, view, limit);
                    }
                    if (pos < 0) {
                        continue;
                    }
                    ByteBuffer buf = seg.buffer();
                    boolean follows = false;
                    while (pos < limit) {
                        if (limit - pos < HEADER_SIZE) {
                            throw new CorruptLogException(seg.logFile(), pos, "torn batch header: " + (limit - pos)
                                    + " bytes before the published end " + limit);
                        }
                        view.wrap(buf, pos);
                        int size = view.sizeInBytes();
                        if (view.batchLength() < MIN_BATCH_LENGTH || size > limit - pos) {
                            throw new CorruptLogException(seg.logFile(), pos, "batch length " + view.batchLength()
                                    + " runs past the published end " + limit);
                        }
                        // Base offsets lie outside the CRC: a damaged one must not hand out wrong offsets.
                        if (follows && (config.compacted() ? view.baseOffset() < next : view.baseOffset() != next)) {
                            throw new CorruptLogException(seg.logFile(), pos, "batch base offset " + view.baseOffset()
                                    + " does not follow offset " + (next - 1));
                        }
                        // A segment cut short (trusted, so not recovered) leaves a gap before the next one.
                        if (!follows && !config.compacted() && view.baseOffset() > next) {
                            throw new CorruptLogException(i > idx ? segs[i - 1].logFile() : seg.logFile(),
                                    i > idx ? segs[i - 1].size() : pos, "offsets " + next + " to "
                                    + (view.baseOffset() - 1) + " are missing: the next batch, in " + seg.logFile()
                                    + ", starts at " + view.baseOffset());
                        }
                        follows = true;
                        if (view.baseOffset() >= end) {
                            remember(hint, seg, pos, next, truncated);
                            return next;
                        }
                        if (verifyCrc && !view.isValid()) {
                            throw new CorruptLogException(seg.logFile(), pos, "batch at offset " + view.baseOffset()
                                    + " fails its CRC");
                        }
                        next = view.lastOffset() + 1;
                        handed += size;
                        boolean more;
                        try {
                            more = handler.onBatch(view);
                        } catch (InvalidBatchException e) {
                            throw new CorruptLogException(seg.logFile(), e.index() >= 0 ? e.index() : pos,
                                    "batch at offset " + view.baseOffset() + ": " + e.getMessage(), e);
                        }
                        if (!more || handed >= maxBytes) {
                            remember(hint, seg, pos + size, next, truncated);
                            return next;
                        }
                        pos += size;
                    }
                    remember(hint, seg, pos, next, truncated);
                } finally {
                    seg.release();
                }
            }
            if (!retry) {
                return next;
            }
            if (attempt > 100) {
                checkReadable();
                throw new OffsetOutOfRangeException(id, next, startOffset, endOffset);
            }
        }
    }

    private static void remember(ReadHint hint, LogSegment seg, int position, long next, long truncations) {
        if (hint != null) {
            hint.remember(seg, position, next, truncations);
        }
    }

    private void checkReadable() {
        if (closed) {
            throw new LogClosedException("partition " + id + " is closed");
        }
    }

    private static int floorSegment(LogSegment[] segs, long offset) {
        int lo = 0;
        int hi = segs.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (segs[mid].baseOffset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The earliest offset whose record timestamp is at least {@code timestamp}, by the time
     * indexes, as Kafka's {@code ListOffsets}.
     *
     * @param timestamp a timestamp in ms
     * @return the offset, or empty when every record is older
     */
    public OptionalLong offsetForTimestamp(long timestamp) {
        checkReadable();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long start = startOffset;
        for (LogSegment seg : segments) {
            if (!seg.retain()) {
                continue;
            }
            try {
                if (!seg.isActive() && seg.largestTimestamp() < timestamp) {
                    continue;
                }
                long found = seg.findOffsetByTimestamp(timestamp, start, view, cursor);
                if (found >= 0) {
                    return OptionalLong.of(found);
                }
            } finally {
                seg.release();
            }
        }
        return OptionalLong.empty();
    }

    // ------------------------------------------------------------------ truncation

    /**
     * Removes every batch from the one holding {@code offset} to the end (replication's
     * truncate-to-offset). Whole batches only: the new end is the removed batch's base offset.
     * Below the start offset, the log is emptied and restarts at {@code offset}.
     *
     * @param offset the first offset to remove
     * @return the new end offset
     */
    public long truncateTo(long offset) {
        appendLock.lock();
        try {
            ensureOpen();
            if (offset >= endOffset) {
                return endOffset;
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, was " + offset);
            }
            truncations++; // under the append lock, before any byte changes: a hint taken now is stale
            LogSegment[] segs = segments;
            if (offset <= startOffset || offset <= segs[0].baseOffset()) {
                for (LogSegment s : segs) {
                    s.delete();
                }
                LogSegment fresh = LogSegment.create(dir, offset, config, 0);
                segments = new LogSegment[] {fresh};
                startOffset = offset;
                endOffset = offset;
            } else {
                int idx = floorSegment(segs, offset);
                LogSegment target = segs[idx];
                if (target.baseOffset() == offset) {
                    idx--;
                    target = segs[idx];
                }
                for (int i = segs.length - 1; i > idx; i--) {
                    segs[i].delete();
                }
                LogSegment[] kept = new LogSegment[idx + 1];
                System.arraycopy(segs, 0, kept, 0, idx + 1);
                if (!target.isActive()) {
                    target.makeActive(0);
                }
                endOffset = target.truncateTo(offset);
                segments = kept;
            }
            if (recoveryPoint > endOffset) {
                recoveryPoint = endOffset;
            }
            epochs.truncateFromEnd(endOffset);
            producers.truncateFromEnd(endOffset);
            return endOffset;
        } finally {
            appendLock.unlock();
        }
    }

    // ------------------------------------------------------------------ maintenance

    /**
     * Deletes the oldest segments (retention): {@code oldest} must be the first segments of the
     * log, in order, and never the active one. The start offset advances to the base offset of
     * the first segment kept. Readers holding a deleted segment finish reading it (its files are
     * renamed {@code .deleted} now and removed when the last reader lets go); a reader asking for
     * an offset below the new start gets {@link OffsetOutOfRangeException}.
     *
     * @param oldest the segments to delete, a snapshot taken from {@link #segments()}
     * @return the bytes deleted; 0 when the log changed meanwhile (nothing is deleted) or is closed
     */
    public long deleteOldestSegments(LogSegment[] oldest) {
        if (oldest.length == 0) {
            return 0;
        }
        appendLock.lock();
        try {
            LogSegment[] segs = segments;
            if (closed || oldest.length >= segs.length) {
                return 0;
            }
            for (int i = 0; i < oldest.length; i++) {
                if (segs[i] != oldest[i]) {
                    return 0;
                }
            }
            LogSegment[] kept = java.util.Arrays.copyOfRange(segs, oldest.length, segs.length);
            long newStart = Math.max(startOffset, kept[0].baseOffset());
            // Start offset first: a reader then checks against it before it looks at the segments.
            startOffset = newStart;
            segments = kept;
            long bytes = 0;
            for (LogSegment s : oldest) {
                bytes += s.size();
                s.delete();
            }
            return bytes;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Sets the start offset checkpointed before the last shutdown, when it is above the first
     * segment's base offset (a deletion cut short by a crash): segments wholly below it are
     * deleted now.
     *
     * @param checkpointed the checkpointed log start offset
     */
    public void restoreStartOffset(long checkpointed) {
        appendLock.lock();
        try {
            if (checkpointed <= startOffset || checkpointed > endOffset) {
                return;
            }
            LogSegment[] segs = segments;
            int drop = 0;
            while (drop < segs.length - 1 && segs[drop].nextOffset() <= checkpointed) {
                drop++;
            }
            if (drop > 0) {
                deleteOldestSegments(java.util.Arrays.copyOf(segs, drop));
            }
            startOffset = Math.max(startOffset, checkpointed);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Replaces consecutive inactive segments by one cleaned segment that holds the same offset
     * range (compaction), crash-safely: see {@link SegmentSwap}. The cleaned segment was written
     * and closed in the staging directory, named by {@code group[0]}'s base offset. Readers
     * holding a replaced segment finish reading it; new reads go to the cleaned one.
     *
     * @param group the segments replaced, a snapshot taken from {@link #segments()}
     * @return false, with nothing changed, when the log changed meanwhile or is closed
     */
    public boolean replaceSegments(LogSegment[] group) {
        appendLock.lock();
        try {
            LogSegment[] segs = segments;
            if (closed || group.length == 0) {
                return false;
            }
            int first = -1;
            for (int i = 0; i < segs.length; i++) {
                if (segs[i] == group[0]) {
                    first = i;
                }
            }
            if (first < 0 || first + group.length >= segs.length) {
                return false;
            }
            for (int i = 0; i < group.length; i++) {
                if (segs[first + i] != group[i]) {
                    return false;
                }
            }
            long base = group[0].baseOffset();
            SegmentSwap.step(0);
            SegmentSwap.stagedToSwap(dir, base);
            SegmentSwap.step(1);
            for (LogSegment s : group) {
                s.renameForDelete();
            }
            SegmentSwap.step(2);
            SegmentSwap.swapToLive(dir, base);
            SegmentSwap.step(3);
            LogSegment cleaned = LogSegment.open(dir, base, config);
            LogSegment[] next = new LogSegment[segs.length - group.length + 1];
            System.arraycopy(segs, 0, next, 0, first);
            next[first] = cleaned;
            System.arraycopy(segs, first + group.length, next, first + 1, segs.length - first - group.length);
            segments = next;
            for (LogSegment s : group) {
                s.delete();
            }
            return true;
        } finally {
            appendLock.unlock();
        }
    }

    // ------------------------------------------------------------------ lifecycle

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException("partition " + id + " is closed");
        }
    }

    /**
     * Whether {@link #close()} or {@link #closeForDelete()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Flushes everything, ends the active segment cleanly (final time index entry, trimmed
     * files) and releases the segments; readers still holding one finish safely.
     */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            flush();
            closed = true;
            for (LogSegment s : segments) {
                s.close();
            }
            wakeWaiters();
        } finally {
            appendLock.unlock();
        }
    }

    /** Closes without flushing or trimming, before the partition's files are deleted. */
    public void closeForDelete() {
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (LogSegment s : segments) {
                s.releaseForDelete();
            }
            wakeWaiters();
        } finally {
            appendLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PartitionLog[" + id + ", start=" + startOffset + ", end=" + endOffset + ", segments="
                + segments.length + "]";
    }
}
