package io.runnel.log.core.storage;

import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

import io.runnel.log.CorruptLogException;
import io.runnel.log.StorageException;
import io.runnel.log.core.index.OffsetIndex;
import io.runnel.log.core.index.TimeIndex;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition: a {@code .log} file of whole record batches, memory-mapped, with
 * its {@code .index} and {@code .timeindex}.
 *
 * <p>The active segment is mapped read-write over its whole capacity and written in place; the
 * space ahead of the writer is reserved through {@link FileChannel} (real blocks, so a full disk
 * is an {@link IOException} here, never a SIGBUS in the mapping). Bytes become visible to
 * readers when {@link #size()} is published. Rolling trims the log and its indexes to their
 * valid size. Inactive segments are mapped read-only on first read.
 *
 * <p>The mapping is released only when the last holder lets go: the owning partition holds one
 * reference, every read {@link #retain() retains} one; {@link #release()} of the last one
 * unmaps. So no thread can touch an unmapped segment.
 *
 * <p>Thread-safety: one writer (under the partition's append lock) and any number of
 * concurrent readers, who must hold a reference while they touch the buffer.
 */
public final class LogSegment {
    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    /** Bytes reserved ahead of the writer at a time. */
    static final int RESERVE_CHUNK = 4 << 20;
    /** The first reservation of a segment. */
    static final int MIN_RESERVE_CHUNK = 64 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

    private final Path dir;
    private final long baseOffset;
    private final LogConfig config;
    private final Path logFile;
    private final AtomicInteger refs = new AtomicInteger(1);

    /**
     * Set when a roll or close trimmed the file and the new length is not fsynced yet. No file
     * descriptor is kept open between operations: channels are opened for the moment they are
     * needed (mapping, reserving, trimming, fsync), so thousands of partitions hold no fds.
     */
    private volatile boolean trimPending;
    /** The mapping: read-write over {@link #capacity} while active, else read-only, or null until first read. */
    private volatile MappedByteBuffer mmap;
    /** The mapping behind {@link #mmap}, and those it replaced (a reader may still hold one). */
    private MappedBuffers.Mapping mapping;
    private final java.util.List<MappedBuffers.Mapping> retired = new java.util.ArrayList<>();
    private final java.util.List<io.runnel.log.core.index.AbstractIndex> retiredIndexes = new java.util.ArrayList<>();
    private int capacity;
    /** End of the space reserved with real blocks; grows under {@link #reserveLock}. */
    private volatile int reserved;
    private final Object reserveLock = new Object();
    /** Pages below this were pre-touched (under reserveLock). */
    private int touched;
    /** Set while a background reservation is queued or running. */
    private final java.util.concurrent.atomic.AtomicBoolean reserving = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile int size;
    /** {@link #size} of a segment opened lazily, until {@link #size()} first reads the file's length. */
    private static final int SIZE_UNREAD = -1;
    private volatile boolean active;

    private volatile OffsetIndex offsetIndex;
    private volatile TimeIndex timeIndex;

    /** Writer state, as Kafka's LogSegment. */
    private long maxTimestampSoFar = TimeIndex.NO_TIMESTAMP;
    private long offsetOfMaxTimestampSoFar = -1;
    private int bytesSinceLastIndexEntry;
    /** The offset after the last batch, or -1 when not known yet (inactive, never scanned). */
    private volatile long nextOffset = -1;
    /** Wall-clock ms of the first append in this process, for segment.ms; -1 when none. */
    private long firstAppendMs = -1;
    private volatile boolean flushed;
    /** Set once the files are gone or going: closing must not touch them. */
    private volatile boolean deleted;
    /** Set once the files were renamed {@code .deleted}: the last reference removes them. */
    private volatile boolean renamed;
    /** Set by {@link #delete()}: no new reader may take a reference. */
    private volatile boolean doomed;

    private static final int PAGE = 4096;
    private static final java.lang.invoke.VarHandle PAGE_TOUCH =
            java.lang.invoke.MethodHandles.byteBufferViewVarHandle(int[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle SIZE;
    private static final java.lang.invoke.VarHandle NEXT_OFFSET;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup lookup = java.lang.invoke.MethodHandles.lookup();
            SIZE = lookup.findVarHandle(LogSegment.class, "size", int.class);
            NEXT_OFFSET = lookup.findVarHandle(LogSegment.class, "nextOffset", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LogSegment(Path dir, long baseOffset, LogConfig config) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.config = config;
        this.logFile = SegmentFiles.logFile(dir, baseOffset);
    }

    /**
     * Creates a new, empty, active segment. Leftover files with the same base offset are replaced.
     *
     * @param dir        the partition directory
     * @param baseOffset the first offset it will hold
     * @param config     the partition's settings
     * @param minCapacity the least capacity needed (a batch larger than {@code segment.bytes})
     * @return the active segment
     */
    public static LogSegment create(Path dir, long baseOffset, LogConfig config, int minCapacity) {
        LogSegment s = new LogSegment(dir, baseOffset, config);
        try {
            Files.deleteIfExists(SegmentFiles.indexFile(dir, baseOffset));
            Files.deleteIfExists(SegmentFiles.timeIndexFile(dir, baseOffset));
            try (FileChannel ch = FileChannel.open(s.logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.size();
            }
        } catch (IOException e) {
            throw new StorageException("cannot create segment " + s.logFile + ": " + e.getMessage(), e);
        }
        s.size = 0;
        s.nextOffset = baseOffset;
        s.flushed = true;
        s.makeActive(minCapacity);
        return s;
    }

    /**
     * Opens an existing segment without reading it; its mapping and indexes load on first use.
     *
     * @param dir        the partition directory
     * @param baseOffset its base offset
     * @param config     the partition's settings
     * @return the inactive segment
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config) {
        LogSegment s = new LogSegment(dir, baseOffset, config);
        // Read on first use: an open after a clean close costs no system call per segment.
        s.size = SIZE_UNREAD;
        s.flushed = true;
        return s;
    }

    // ------------------------------------------------------------------ state

    /**
     * The first offset this segment can hold.
     *
     * @return the base offset
     */
    public long baseOffset() {
        return baseOffset;
    }

    /**
     * The published size in bytes.
     *
     * @return bytes of whole batches
     */
    public int size() {
        int s = size;
        return s >= 0 ? s : readSize();
    }

    /** The length of a segment opened without reading it, which is its size: whole batches only. */
    private int readSize() {
        Path file = current(logFile);
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of segment " + file + ": " + e.getMessage(), e);
        }
        if (length > Integer.MAX_VALUE) {
            throw new CorruptLogException(file, Integer.MAX_VALUE, "segment is larger than 2 GiB");
        }
        SIZE.compareAndSet(this, SIZE_UNREAD, (int) length);
        return size;
    }

    /**
     * The segment's log file.
     *
     * @return its path
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Whether this is the partition's writable segment.
     *
     * @return true while active
     */
    public boolean isActive() {
        return active;
    }

    /**
     * The offset after the last batch, scanning the tail from the last index entry when not
     * known yet.
     *
     * @return the next offset; the base offset when empty
     */
    public long nextOffset() {
        long n = nextOffset;
        if (n >= 0) {
            return n;
        }
        synchronized (this) {
            if (nextOffset < 0) {
                nextOffset = scanTailForNextOffset();
            }
            return nextOffset;
        }
    }

    /**
     * The largest timestamp in the segment, as Kafka's {@code largestTimestamp}: from the time
     * index (whose last entry is the maximum once the segment rolled or closed).
     *
     * @return the largest timestamp, or -1 when none
     */
    public long largestTimestamp() {
        if (active) {
            return maxTimestampSoFar;
        }
        return timeIndex().lastTimestamp();
    }

    // ------------------------------------------------------------------ references

    /**
     * Takes a reference for reading. Fails when the segment was closed or deleted.
     *
     * @return true when a reference was taken
     */
    public boolean retain() {
        if (doomed) {
            return false;
        }
        for (;;) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one releases the mapping and files. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            closeResources();
        }
    }

    // ------------------------------------------------------------------ mapping

    /**
     * The segment's bytes; valid up to {@link #size()}. The caller holds a reference.
     *
     * @return the mapping
     */
    public ByteBuffer buffer() {
        MappedByteBuffer m = mmap;
        if (m != null) {
            return m;
        }
        synchronized (this) {
            if (mmap == null) {
                try (FileChannel ch = FileChannel.open(current(logFile), StandardOpenOption.READ)) {
                    MappedBuffers.Mapping ro = MappedBuffers.map(ch, FileChannel.MapMode.READ_ONLY, size());
                    mapping = ro;
                    mmap = ro.buffer();
                } catch (IOException e) {
                    throw new StorageException("cannot map segment " + logFile + ": " + e.getMessage(), e);
                }
            }
            return mmap;
        }
    }

    /**
     * Makes the segment writable: maps it read-write over its capacity and opens its indexes
     * for appending. Used for a new segment, for the last segment on open, and after truncation.
     *
     * @param minCapacity the least capacity needed
     */
    public synchronized void makeActive(int minCapacity) {
        try {
            int cap = Math.max(config.segmentBytes(), Math.max(minCapacity, size()));
            MappedBuffers.Mapping m;
            try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                m = MappedBuffers.map(ch, FileChannel.MapMode.READ_WRITE, cap);
            }
            trimPending = false;
            capacity = cap;
            reserved = size();
            touched = 0;
            // The old mapping may still be in a reader's hands: it goes with the last reference.
            if (mapping != null) {
                retired.add(mapping);
            }
            mapping = m;
            mmap = m.buffer();
            // Missing index files of a non-empty segment open as empty indexes, which pass the
            // sanity check: rebuild them, as Kafka does when a segment's offset index is missing.
            boolean missing = !Files.exists(SegmentFiles.indexFile(dir, baseOffset))
                    || !Files.exists(SegmentFiles.timeIndexFile(dir, baseOffset));
            OffsetIndex oi = openOffsetIndex(true);
            TimeIndex ti = openTimeIndex(true);
            if ((missing && size() > 0) || oi.sanityCheck(size()) != null || ti.sanityCheck(size()) != null
                    || timeIndexContradictsLog(oi, ti, m.buffer()) != null) {
                rebuildIndexes(oi, ti, m.buffer());
            }
            // Indexes loaded read-only before (a reader may still use them) close with the segment.
            if (offsetIndex != null) {
                retiredIndexes.add(offsetIndex);
                retiredIndexes.add(timeIndex);
            }
            offsetIndex = oi;
            timeIndex = ti;
            bytesSinceLastIndexEntry = size() - oi.lastPosition();
            if (ti.entries() > 0) {
                maxTimestampSoFar = ti.lastTimestamp();
                offsetOfMaxTimestampSoFar = ti.lastOffset();
            }
            active = true;
            if (nextOffset < 0) {
                nextOffset = scanTailForNextOffset();
            }
        } catch (IOException e) {
            throw new StorageException("cannot open segment " + logFile + " for append: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ indexes

    /**
     * The offset index, loaded (and checked, rebuilt when missing or insane) on first use.
     *
     * @return the offset index
     */
    public OffsetIndex offsetIndex() {
        OffsetIndex oi = offsetIndex;
        if (oi == null) {
            loadIndexes();
            oi = offsetIndex;
        }
        return oi;
    }

    /**
     * The time index, loaded on first use.
     *
     * @return the time index
     */
    public TimeIndex timeIndex() {
        TimeIndex ti = timeIndex;
        if (ti == null) {
            loadIndexes();
            ti = timeIndex;
        }
        return ti;
    }

    private synchronized void loadIndexes() {
        if (offsetIndex != null) {
            return;
        }
        try {
            boolean present = Files.exists(current(SegmentFiles.indexFile(dir, baseOffset)))
                    && Files.exists(current(SegmentFiles.timeIndexFile(dir, baseOffset)));
            if (present) {
                OffsetIndex oi = openOffsetIndex(false);
                TimeIndex ti = openTimeIndex(false);
                String problem = oi.sanityCheck(size());
                if (problem == null) {
                    problem = ti.sanityCheck(size());
                }
                if (problem == null) {
                    problem = timeIndexContradictsLog(oi, ti, buffer());
                }
                if (problem == null) {
                    timeIndex = ti;
                    offsetIndex = oi;
                    return;
                }
                LOG.warn("rebuilding the indexes of {}: {}", logFile, problem);
                oi.closeWithoutTrim();
                ti.closeWithoutTrim();
            } else {
                LOG.info("rebuilding the missing indexes of {}", logFile);
            }
            OffsetIndex oi = openOffsetIndex(true);
            TimeIndex ti = openTimeIndex(true);
            rebuildIndexes(oi, ti, buffer());
            oi.trimToValidSize();
            ti.trimToValidSize();
            timeIndex = ti;
            offsetIndex = oi;
        } catch (IOException e) {
            throw new StorageException("cannot open the indexes of " + logFile + ": " + e.getMessage(), e);
        }
    }

    private OffsetIndex openOffsetIndex(boolean writable) throws IOException {
        return new OffsetIndex(current(SegmentFiles.indexFile(dir, baseOffset)), baseOffset, config.segmentIndexBytes(), writable);
    }

    private TimeIndex openTimeIndex(boolean writable) throws IOException {
        return new TimeIndex(current(SegmentFiles.timeIndexFile(dir, baseOffset)), baseOffset, config.segmentIndexBytes(), writable);
    }

    /**
     * Checks the time index's last entry against the log: it must name the last offset of a batch
     * whose largest timestamp it holds, and no later batch may be newer (it is the segment's
     * largest timestamp, which retention and {@code offsetsForTimes} rely on). An empty time index
     * of a segment with timestamps fails too. Reads the batch headers from the offset index's entry
     * before that batch to the end: a few batches, unless timestamps go back. Never throws for bad
     * bytes.
     *
     * @return null when consistent, else what is wrong
     */
    private String timeIndexContradictsLog(OffsetIndex oi, TimeIndex ti, ByteBuffer buf) {
        boolean empty = ti.entries() == 0;
        long ts = empty ? TimeIndex.NO_TIMESTAMP : ti.lastTimestamp();
        long offset = empty ? baseOffset : ti.lastOffset();
        RecordBatchView view = new RecordBatchView();
        boolean found = empty;
        int limit = size();
        for (int pos = empty ? 0 : oi.lookup(offset); pos < limit; pos += view.sizeInBytes()) {
            if (limit - pos < HEADER_SIZE || pos < 0) {
                return "no whole batch at position " + pos;
            }
            view.wrap(buf, pos);
            if (view.batchLength() < MIN_BATCH_LENGTH || view.sizeInBytes() > limit - pos) {
                return "no whole batch at position " + pos;
            }
            if (!found && view.lastOffset() >= offset) {
                if (view.lastOffset() != offset || view.maxTimestamp() != ts) {
                    return "the time index's last entry (" + ts + ", " + offset + ") is not a batch of the log";
                }
                found = true;
            } else if (found && view.maxTimestamp() > ts) {
                return "batch at position " + pos + " is newer (" + view.maxTimestamp() + ") than the time index's"
                        + " last entry (" + ts + ")";
            }
        }
        return found ? null : "the time index's last entry (" + ts + ", " + offset + ") is past the log";
    }

    /**
     * Rebuilds both indexes from the batches, by Kafka's rule. After recovery the batches were
     * validated; in a segment trusted after a clean shutdown they were not, so indexing stops at
     * the first batch whose offsets do not follow (reads find that batch and report it).
     */
    private void rebuildIndexes(OffsetIndex oi, TimeIndex ti, ByteBuffer buf) {
        oi.reset();
        ti.reset();
        RecordBatchView view = new RecordBatchView();
        int pos = 0;
        int lastIndexEntry = 0;
        long maxTs = TimeIndex.NO_TIMESTAMP;
        long maxTsOffset = -1;
        long previousLast = baseOffset - 1;
        int limit = size();
        while (pos < limit) {
            if (limit - pos < HEADER_SIZE) {
                break;
            }
            view.wrap(buf, pos);
            int batchSize = view.sizeInBytes();
            if (view.batchLength() < MIN_BATCH_LENGTH || batchSize > limit - pos || view.baseOffset() <= previousLast
                    || view.lastOffset() < view.baseOffset() || view.lastOffset() - baseOffset > Integer.MAX_VALUE
                    || oi.isFull() || ti.isFull()) {
                break;
            }
            previousLast = view.lastOffset();
            if (view.maxTimestamp() > maxTs) {
                maxTs = view.maxTimestamp();
                maxTsOffset = view.lastOffset();
            }
            if (pos - lastIndexEntry > config.indexIntervalBytes()) {
                oi.append(view.lastOffset(), pos);
                ti.maybeAppend(maxTs, maxTsOffset, false);
                lastIndexEntry = pos;
            }
            pos += batchSize;
        }
        if (maxTs != TimeIndex.NO_TIMESTAMP) {
            ti.maybeAppend(maxTs, maxTsOffset, true);
        }
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Recovers the segment after a crash, as Kafka's {@code LogSegment.recover}: validates every
     * batch (size, magic, CRC, offsets), truncates the log at the first invalid one, and rebuilds
     * both indexes from the valid batches.
     *
     * @param minNextOffset the offset the first batch must not go below (the previous segment's end)
     * @return the number of bytes truncated
     */
    public synchronized int recover(long minNextOffset) {
        long fileSize;
        try {
            fileSize = Files.size(logFile);
        } catch (IOException e) {
            throw new StorageException("cannot read segment " + logFile + ": " + e.getMessage(), e);
        }
        int scanLimit = (int) Math.min(fileSize, Integer.MAX_VALUE);
        ByteBuffer buf;
        MappedBuffers.Mapping scan;
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
            scan = MappedBuffers.map(ch, FileChannel.MapMode.READ_ONLY, scanLimit);
            buf = scan.buffer();
        } catch (IOException e) {
            throw new StorageException("cannot map segment " + logFile + ": " + e.getMessage(), e);
        }
        RecordBatchView view = new RecordBatchView();
        int pos = 0;
        long expected = Math.max(minNextOffset, baseOffset);
        String stopReason = null;
        while (pos < scanLimit) {
            stopReason = checkBatch(view, buf, pos, scanLimit, expected, !config.compacted());
            if (stopReason != null) {
                break;
            }
            expected = view.lastOffset() + 1;
            pos += view.sizeInBytes();
        }
        int truncated = scanLimit - pos;
        if (truncated > 0) {
            if (stopReason != null && !stopReason.startsWith("zero")) {
                LOG.warn("recovery of {}: truncating {} bytes at position {} ({})", logFile, truncated, pos, stopReason);
            } else {
                LOG.info("recovery of {}: dropping {} bytes of preallocated tail at position {}", logFile, truncated, pos);
            }
        }
        scan.unmap();
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            ch.truncate(pos);
            ch.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot truncate segment " + logFile + ": " + e.getMessage(), e);
        }
        size = pos;
        nextOffset = pos == 0 ? baseOffset : expected;
        if (offsetIndex != null) {
            offsetIndex.closeWithoutTrim();
            timeIndex.closeWithoutTrim();
        }
        try {
            OffsetIndex oi = openOffsetIndex(true);
            TimeIndex ti = openTimeIndex(true);
            rebuildIndexes(oi, ti, buffer());
            oi.trimToValidSize();
            ti.trimToValidSize();
            offsetIndex = oi;
            timeIndex = ti;
        } catch (IOException e) {
            throw new StorageException("cannot rebuild the indexes of " + logFile + ": " + e.getMessage(), e);
        }
        return truncated;
    }

    /**
     * Checks the batch at {@code pos}: null when valid, else why not. Never throws for bad bytes.
     */
    private String checkBatch(RecordBatchView view, ByteBuffer buf, int pos, int limit, long minOffset, boolean dense) {
        int remaining = limit - pos;
        if (remaining < LOG_OVERHEAD) {
            return "torn batch header (" + remaining + " bytes)";
        }
        int batchLength = buf.getInt(pos + 8);
        long base = buf.getLong(pos);
        if (batchLength == 0 && base == 0) {
            return "zero bytes (preallocated tail)";
        }
        if (remaining < HEADER_SIZE) {
            return "torn batch header (" + remaining + " bytes)";
        }
        view.wrap(buf, pos);
        if (batchLength < MIN_BATCH_LENGTH) {
            return "batch length " + batchLength + " below the minimum " + MIN_BATCH_LENGTH;
        }
        if (batchLength > remaining - LOG_OVERHEAD) {
            return "torn batch: length " + batchLength + " past the end of the file";
        }
        if (view.magic() != MAGIC_V2) {
            return "magic " + view.magic() + ", expected " + MAGIC_V2;
        }
        if (!view.isValid()) {
            return "CRC mismatch";
        }
        if (view.baseOffset() < minOffset) {
            return "base offset " + view.baseOffset() + " below the expected " + minOffset;
        }
        if (dense && view.baseOffset() != minOffset) {
            return "base offset " + view.baseOffset() + ", expected " + minOffset + " (offsets are dense)";
        }
        if (view.lastOffsetDelta() < 0 || view.lastOffset() - baseOffset > Integer.MAX_VALUE) {
            return "last offset " + view.lastOffset() + " out of range for segment " + baseOffset;
        }
        return null;
    }

    /** The next offset from the batches after the last index entry (all of them when none). */
    private long scanTailForNextOffset() {
        int limit = size();
        if (limit == 0) {
            return baseOffset;
        }
        ByteBuffer buf = buffer();
        OffsetIndex oi = offsetIndex();
        int pos = oi.lastPosition();
        RecordBatchView view = new RecordBatchView();
        long next = baseOffset;
        boolean first = true;
        while (pos < limit) {
            String problem = checkBatch(view, buf, pos, limit, first ? baseOffset : next,
                    !config.compacted() && (!first || pos == 0));
            if (problem == null && first && pos > 0 && view.lastOffset() != oi.lastOffset()) {
                problem = "the offset index's last entry names offset " + oi.lastOffset() + ", the batch there ends at "
                        + view.lastOffset();
            }
            first = false;
            if (problem != null) {
                throw new CorruptLogException(logFile, pos, problem);
            }
            next = view.lastOffset() + 1;
            pos += view.sizeInBytes();
        }
        return next;
    }

    // ------------------------------------------------------------------ append

    /**
     * Whether a batch of {@code batchSize} bytes should go to a new segment, as Kafka's
     * {@code shouldRoll}: when it would not fit {@code segment.bytes}, when the segment is older
     * than {@code segment.ms}, or when an index is full.
     *
     * @param batchSize the size of the batch to append
     * @param nowMs     the wall-clock time
     * @return true to roll first
     */
    public boolean shouldRoll(int batchSize, long nowMs) {
        if (size == 0) {
            return batchSize > capacity;
        }
        return size > config.segmentBytes() - batchSize
                || batchSize > capacity - size
                || (firstAppendMs >= 0 && nowMs - firstAppendMs > config.segmentMs())
                || offsetIndex.isFull() || timeIndex.isFull();
    }

    /**
     * Reserves room for {@code bytes} more bytes at the write position, allocating real blocks
     * through the channel so the mapping never writes into a hole.
     *
     * @param bytes bytes about to be written
     * @throws StorageException when the disk is full or the file cannot be extended
     */
    public void reserve(int bytes) {
        try {
            // Room for the entries this batch may add (and the time index's final one).
            offsetIndex.ensureRoomFor(1);
            timeIndex.ensureRoomFor(2);
        } catch (java.io.UncheckedIOException e) {
            throw new StorageException("cannot reserve index space for " + logFile + " (disk full?): "
                    + e.getCause().getMessage(), e.getCause());
        }
        int needed = size + bytes;
        if (needed <= reserved) {
            return;
        }
        if (needed > capacity) {
            throw new IllegalStateException("segment " + logFile + " cannot hold " + bytes + " more bytes");
        }
        synchronized (reserveLock) {
            extendReservation(needed, (int) Math.min(capacity, (long) needed + chunk()));
        }
    }

    /**
     * Whether the writer is within {@link #RESERVE_CHUNK} of the reserved space and no
     * background reservation is pending; if so, marks one pending. Writer only.
     *
     * @return true when the caller should run {@link #reserveAhead()} in the background
     */
    public boolean claimReserveAhead() {
        return active && reserved < capacity && reserved - size < chunk() && reserving.compareAndSet(false, true);
    }

    /**
     * Reserves up to two chunks ahead of the writer, off the append path (the zero writes also
     * bring the pages into the page cache before the writer's first touch). Never throws: a
     * failure here leaves the writer to reserve, and fail, on its own thread.
     */
    public void reserveAhead() {
        // Hold a reference: the segment may be closed or deleted (and unmapped) while this task
        // waited in the queue, and touching an unmapped page is a SIGSEGV.
        if (!retain()) {
            reserving.set(false);
            return;
        }
        try {
            synchronized (reserveLock) {
                if (!active) {
                    return;
                }
                int target = (int) Math.min(capacity, (long) size + 2L * chunk());
                extendReservation(target, target);
                // Never past the reserved end: a hole there would fault on a full disk.
                pretouch(Math.min(target, reserved));
            }
        } catch (RuntimeException e) {
            LOG.debug("background reservation in {} failed; the writer will retry: {}", logFile, e.toString());
        } finally {
            reserving.set(false);
            release();
        }
    }

    /**
     * Makes the mapping's pages up to {@code target} present and writable before the writer
     * gets there, so its stores do not fault: a compare-and-set of 0 to 0 on the first int of
     * each page is a write to the page (x86 writes back even when the comparison fails) that can
     * never change a byte the writer already put there. Under reserveLock.
     */
    private void pretouch(int target) {
        ByteBuffer m = mmap;
        int from = Math.max(touched, (size + PAGE - 1) & -PAGE);
        for (int pos = from; pos + 4 <= target; pos += PAGE) {
            PAGE_TOUCH.compareAndSet(m, pos, 0, 0);
        }
        touched = Math.max(touched, target);
    }

    /**
     * How far ahead to reserve: grows with the segment, from 64 KiB to {@link #RESERVE_CHUNK}, so
     * that thousands of partitions with a record each do not each reserve megabytes.
     */
    private int chunk() {
        return Math.min(RESERVE_CHUNK, Math.max(MIN_RESERVE_CHUNK, size));
    }

    /** Writes zeros from the reserved end to {@code target}, if it is below {@code needed}. Under reserveLock. */
    private void extendReservation(int needed, int target) {
        int from = reserved;
        if (needed <= from) {
            return;
        }
        long pos = from;
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            while (pos < target) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), target - pos));
                pos += ch.write(z, pos);
            }
        } catch (IOException e) {
            // Keep what was reserved; enough for this append is enough (a full disk ahead is not).
            reserved = (int) Math.max(from, pos);
            if (reserved >= needed) {
                return;
            }
            throw new StorageException("cannot reserve " + (needed - reserved) + " more bytes in " + logFile
                    + " (disk full?): " + e.getMessage(), e);
        }
        reserved = target;
    }

    /**
     * The mapping to encode a batch into, at {@link #size()}; call {@link #reserve} first and
     * {@link #commit} after.
     *
     * @return the writable mapping
     */
    public ByteBuffer writeBuffer() {
        return mmap;
    }

    /**
     * Copies whole, valid batches into the segment and commits them.
     *
     * @param src      the bytes
     * @param srcPos   where the batch starts in {@code src}
     * @param length   the batch size
     * @param lastOffset   the batch's last offset
     * @param maxTimestamp the batch's max timestamp
     * @param nowMs        wall-clock time, for segment.ms
     */
    public void append(ByteBuffer src, int srcPos, int length, long lastOffset, long maxTimestamp, long nowMs) {
        reserve(length);
        mmap.put(size, src, srcPos, length);
        commit(length, lastOffset, maxTimestamp, nowMs);
    }

    /**
     * Commits a batch already written at {@link #size()}: index entries by Kafka's rule, then
     * the size is published to readers.
     *
     * @param length       the batch size
     * @param lastOffset   the batch's last offset
     * @param maxTimestamp the batch's max timestamp
     * @param nowMs        wall-clock time, for segment.ms
     */
    public void commit(int length, long lastOffset, long maxTimestamp, long nowMs) {
        int position = size;
        if (maxTimestamp > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestamp;
            offsetOfMaxTimestampSoFar = lastOffset;
        }
        if (bytesSinceLastIndexEntry > config.indexIntervalBytes()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, false);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += length;
        if (firstAppendMs < 0) {
            firstAppendMs = nowMs;
        }
        // Release stores publish the batch (readers' volatile reads acquire it) without the
        // full fence of a volatile store on the append path.
        NEXT_OFFSET.setRelease(this, lastOffset + 1);
        SIZE.setRelease(this, position + length);
        // After the size: a flush that read the old size and set the flag before this line sees
        // the flag cleared again, so the new bytes cannot be skipped by the next flush. Only
        // written when set, so appends under FlushPolicy.none() never store it.
        if (flushed) {
            flushed = false;
        }
    }

    /**
     * Ends the segment's active life, as Kafka's {@code onBecomeInactiveSegment}: the final
     * time index entry, indexes and log trimmed to their valid size. The mapping stays for readers.
     */
    public synchronized void onBecomeInactive() {
        if (!active) {
            return;
        }
        finalTimeIndexEntry();
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        synchronized (reserveLock) {
            // Under the reserve lock: a background reservation must not grow the file after the trim.
            active = false;
            try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
                ch.truncate(size);
                // flush() fsyncs the new length with the data.
                trimPending = true;
            } catch (IOException e) {
                throw new StorageException("cannot trim segment " + logFile + ": " + e.getMessage(), e);
            }
            capacity = size;
            reserved = size;
        }
        flushed = false;
    }

    private void finalTimeIndexEntry() {
        if (maxTimestampSoFar != TimeIndex.NO_TIMESTAMP) {
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar, true);
        }
    }

    /**
     * Forces the segment's bytes to the storage device (a no-op when nothing changed since).
     */
    public void flush() {
        if (flushed && (active || !trimPending)) {
            return;
        }
        // Cleared first: an append committed while forcing sets it again, so it is not lost.
        flushed = true;
        MappedByteBuffer m = mmap;
        int s = size();
        if (m != null && !m.isReadOnly() && s > 0) {
            m.force(0, s);
        }
        if (!active) {
            syncTrimmedFiles();
        }
    }

    /** After a roll or close: fsync the trimmed length (and indexes). */
    private synchronized void syncTrimmedFiles() {
        if (active || !trimPending || deleted) {
            return;
        }
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
            ch.force(true);
            OffsetIndex oi = offsetIndex;
            TimeIndex ti = timeIndex;
            if (oi != null && !oi.isClosed()) {
                oi.flush();
            }
            if (ti != null && !ti.isClosed()) {
                ti.flush();
            }
            trimPending = false;
        } catch (java.nio.file.NoSuchFileException e) {
            trimPending = false;
        } catch (IOException e) {
            throw new StorageException("cannot fsync segment " + logFile + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ reads

    /**
     * The position of the first batch whose last offset is at least {@code offset}, starting
     * from the offset index, or -1 when the segment has none. The caller holds a reference.
     *
     * @param offset the target offset
     * @param view   a scratch view
     * @param limit  the published size to search within
     * @return a byte position, or -1
     */
    public int translateOffset(long offset, RecordBatchView view, int limit) {
        ByteBuffer buf = buffer();
        OffsetIndex oi = offsetIndex();
        int pos = oi.lookup(offset);
        long anchor = pos > 0 ? oi.lookupOffset(offset) : -1;
        if (pos > 0 && !batchEndsAt(buf, pos, limit, anchor)) {
            LOG.warn("offset index of {} points to position {} which holds no batch ending at offset {}; scanning from 0",
                    logFile, pos, anchor);
            pos = 0;
        }
        // Base offsets lie outside the CRC: each batch must follow the one before (from the segment's
        // base offset, or from the index entry's batch), or a damaged one would hand out wrong offsets.
        boolean dense = !config.compacted();
        long previousLast = (pos > 0 ? buf.getLong(pos) : baseOffset) - 1;
        while (pos < limit) {
            if (limit - pos < HEADER_SIZE) {
                throw new CorruptLogException(logFile, pos, "torn batch header inside the published log");
            }
            view.wrap(buf, pos);
            int batchSize = view.sizeInBytes();
            if (view.batchLength() < MIN_BATCH_LENGTH || batchSize > limit - pos) {
                throw new CorruptLogException(logFile, pos, "batch length " + view.batchLength() + " is invalid");
            }
            if (dense ? view.baseOffset() != previousLast + 1 : view.baseOffset() <= previousLast) {
                throw new CorruptLogException(logFile, pos, "batch base offset " + view.baseOffset()
                        + " does not follow offset " + previousLast);
            }
            if (view.lastOffset() >= offset) {
                return pos;
            }
            previousLast = view.lastOffset();
            pos += batchSize;
        }
        return -1;
    }

    private static boolean batchEndsAt(ByteBuffer buf, int pos, int limit, long lastOffset) {
        if (pos >= limit || limit - pos < HEADER_SIZE) {
            return false;
        }
        int batchLength = buf.getInt(pos + 8);
        return batchLength >= MIN_BATCH_LENGTH && batchLength <= limit - pos - LOG_OVERHEAD
                && buf.get(pos + 16) == MAGIC_V2
                && buf.getLong(pos) + buf.getInt(pos + LAST_OFFSET_DELTA_OFFSET) == lastOffset;
    }

    /**
     * The first offset at or after {@code startingOffset} whose record timestamp is at least
     * {@code timestamp}, as Kafka's {@code findOffsetByTimestamp}; -1 when none. The caller
     * holds a reference.
     *
     * @param timestamp      the target timestamp
     * @param startingOffset the least offset to return
     * @param view           a scratch view
     * @param cursor         a scratch cursor
     * @return an offset, or -1
     */
    public long findOffsetByTimestamp(long timestamp, long startingOffset, RecordBatchView view, RecordCursor cursor) {
        int limit = size();
        long indexed = timeIndex().lookup(timestamp);
        long from = Math.max(indexed, startingOffset);
        int pos = translateOffset(from, view, limit);
        if (pos < 0) {
            return -1;
        }
        ByteBuffer buf = buffer();
        if (indexed > baseOffset && indexed >= startingOffset) {
            // The entry must be the batch ending at that offset, no newer than the target: else
            // the index is damaged and scanning from it could skip the answer.
            view.wrap(buf, pos);
            if (view.lastOffset() != indexed || view.maxTimestamp() > timestamp) {
                LOG.warn("time index of {} names offset {} for timestamp {}, which its batches contradict; scanning",
                        logFile, indexed, timestamp);
                pos = translateOffset(Math.max(baseOffset, startingOffset), view, limit);
            }
        }
        while (pos < limit) {
            if (limit - pos < HEADER_SIZE) {
                throw new CorruptLogException(logFile, pos, "torn batch header inside the published log");
            }
            view.wrap(buf, pos);
            if (view.sizeInBytes() > limit - pos || view.batchLength() < MIN_BATCH_LENGTH) {
                throw new CorruptLogException(logFile, pos, "batch length " + view.batchLength() + " is invalid");
            }
            if (view.maxTimestamp() >= timestamp && view.lastOffset() >= startingOffset) {
                if (!view.isValid()) {
                    throw new CorruptLogException(logFile, pos, "CRC mismatch");
                }
                cursor.reset(view);
                while (cursor.next()) {
                    if (cursor.timestamp() >= timestamp && cursor.offset() >= startingOffset) {
                        return cursor.offset();
                    }
                }
            }
            pos += view.sizeInBytes();
        }
        return -1;
    }

    // ------------------------------------------------------------------ truncation and closing

    /**
     * Removes every batch from the one holding {@code offset} on, as Kafka's
     * {@code LogSegment.truncateTo}. The segment must be active.
     *
     * @param offset the first offset to remove
     * @return the new next offset (the removed batch's base offset, or unchanged when nothing was removed)
     */
    public synchronized long truncateTo(long offset) {
        RecordBatchView view = new RecordBatchView();
        int pos = translateOffset(offset, view, size());
        if (pos < 0) {
            return nextOffset();
        }
        long newNext = pos == 0 ? baseOffset : -1;
        if (pos > 0) {
            view.wrap(buffer(), pos);
            newNext = view.baseOffset();
        }
        offsetIndex().truncateTo(offset);
        timeIndex().truncateTo(offset);
        size = pos;
        nextOffset = newNext;
        bytesSinceLastIndexEntry = pos - offsetIndex.lastPosition();
        TimeIndex ti = timeIndex;
        maxTimestampSoFar = ti.entries() > 0 ? ti.lastTimestamp() : TimeIndex.NO_TIMESTAMP;
        offsetOfMaxTimestampSoFar = ti.entries() > 0 ? ti.lastOffset() : -1;
        // Recompute the true maximum over the kept tail after the last time index entry.
        int scan = offsetIndex.lastPosition();
        ByteBuffer buf = buffer();
        while (scan < pos) {
            view.wrap(buf, scan);
            if (view.maxTimestamp() > maxTimestampSoFar) {
                maxTimestampSoFar = view.maxTimestamp();
                offsetOfMaxTimestampSoFar = view.lastOffset();
            }
            scan += view.sizeInBytes();
        }
        if (pos == 0) {
            firstAppendMs = -1;
        }
        return newNext;
    }

    /**
     * Closes after a clean shutdown: the final time index entry, everything trimmed to its valid
     * size and flushed; then drops the owner's reference (the mapping goes when readers let go).
     */
    public synchronized void close() {
        if (active) {
            onBecomeInactive();
            flush();
        }
        release();
    }

    /**
     * Deletes the segment: its files are renamed {@code .deleted} now (so a crash part-way is
     * finished on the next open), no new reader may take a reference, and the files are removed
     * when the last reference is dropped (readers holding one finish on the renamed files).
     * Drops the owner's reference.
     */
    public synchronized void delete() {
        synchronized (reserveLock) {
            active = false;
        }
        deleted = true;
        renameForDelete();
        doomed = true;
        release();
    }

    /**
     * Renames the segment's files {@code .deleted} (a crash from here on finishes the deletion on
     * the next open); readers holding or taking a reference go on reading the renamed files until
     * {@link #delete()}. Compaction renames the segments it replaces before the cleaned one
     * takes their place.
     */
    public synchronized void renameForDelete() {
        if (renamed) {
            return;
        }
        // Known before the files move: a reader asking meanwhile would look under the old name.
        size();
        synchronized (reserveLock) {
            active = false;
        }
        deleted = true;
        renameToDeleted(logFile);
        renameToDeleted(SegmentFiles.indexFile(dir, baseOffset));
        renameToDeleted(SegmentFiles.timeIndexFile(dir, baseOffset));
        renamed = true;
    }

    /** The file's path now: its {@code .deleted} name once {@link #delete()} renamed it. */
    private Path current(Path file) {
        return renamed ? deletedName(file) : file;
    }

    private static Path deletedName(Path file) {
        return file.resolveSibling(file.getFileName() + SegmentFiles.DELETED_SUFFIX);
    }

    private void closeIndex(io.runnel.log.core.index.AbstractIndex index) {
        if (index == null) {
            return;
        }
        if (deleted) {
            index.closeWithoutTrim();
            return;
        }
        try {
            index.close();
        } catch (RuntimeException e) {
            LOG.warn("could not trim {} on close: {}", index.file(), e.toString());
            index.closeWithoutTrim();
        }
    }

    private static void renameToDeleted(Path file) {
        try {
            if (Files.exists(file)) {
                Files.move(file, deletedName(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the renamed files of a deleted segment; on the releasing thread, so never throws. */
    private void removeDeletedFiles() {
        for (Path f : new Path[] {logFile, SegmentFiles.indexFile(dir, baseOffset),
                SegmentFiles.timeIndexFile(dir, baseOffset)}) {
            try {
                Files.deleteIfExists(deletedName(f));
            } catch (IOException e) {
                LOG.warn("could not remove {} (removed on the next open): {}", deletedName(f), e.toString());
            }
        }
    }

    /**
     * Drops the owner's reference before the files are deleted wholesale (topic deletion):
     * whoever releases last only unmaps, it trims nothing.
     */
    public void releaseForDelete() {
        deleted = true;
        release();
    }

    /** Runs on the thread that drops the last reference, maybe a reader: never throws. */
    private synchronized void closeResources() {
        closeIndex(offsetIndex);
        closeIndex(timeIndex);
        for (io.runnel.log.core.index.AbstractIndex old : retiredIndexes) {
            old.closeWithoutTrim();
        }
        retiredIndexes.clear();
        MappedBuffers.Mapping m = mapping;
        mmap = null;
        mapping = null;
        if (m != null) {
            m.unmap();
        }
        for (MappedBuffers.Mapping old : retired) {
            old.unmap();
        }
        retired.clear();
        if (renamed) {
            removeDeletedFiles();
        }
    }

    @Override
    public String toString() {
        return "LogSegment[" + logFile + ", size=" + size() + (active ? ", active" : "") + "]";
    }
}
