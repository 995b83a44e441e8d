package io.runnel.log.core.maintenance;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.runnel.log.CorruptLogException;
import io.runnel.log.TopicConfig;
import io.runnel.log.core.record.InvalidBatchException;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.LogSegment;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.storage.SegmentSwap;

/**
 * Compacts one partition at a time, as Kafka's cleaner does:
 * <ol>
 *   <li>The cleanable range runs from the first dirty offset (where the last pass stopped) to
 *       the first uncleanable one: the active segment's base offset, or the first segment
 *       holding a record newer than {@code min.compaction.lag.ms}. The partition is cleaned
 *       when the dirty bytes are at least {@code min.cleanable.dirty.ratio} of the bytes up to
 *       that point, or when a tombstone's delete horizon has passed.</li>
 *   <li>The key map ({@link OffsetMap}) takes the latest offset of each key of the dirty range,
 *       up to its capacity; where it fills up, the pass stops ({@code mapEnd}), and the next
 *       pass goes on from there.</li>
 *   <li>Every segment below {@code mapEnd} is rewritten, keeping what {@link BatchFilter}
 *       keeps, each record at its original offset. Consecutive segments go into one cleaned
 *       segment while what was written so far plus the next segment's whole size fits
 *       {@code segment.bytes}, so small cleaned segments merge. The last batch of a group is
 *       kept even when emptied (a header with no records), so the cleaned segment covers the
 *       same offsets as the ones it replaces: crash recovery relies on it.</li>
 *   <li>Each group is written and fsynced in the staging directory, then swapped in
 *       crash-safely ({@link SegmentSwap}, {@link PartitionLog#replaceSegments}).</li>
 * </ol>
 *
 * <p>Not thread-safe: the maintenance lock serialises its use.
 */
final class LogCleaner {
    private final long mapMemory;
    private OffsetMap map;
    private final BatchFilter filter = new BatchFilter();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final ByteBuffer emptyBatch = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_SIZE);

    /**
     * What a pass did.
     *
     * @param earliestHorizon the earliest delete horizon left in the cleaned part, {@code Long.MAX_VALUE}
     *                        when none, -1 when not known (the pass stopped early)
     */
    record Pass(long firstDirty, long bytesRead, long bytesWritten, boolean cleaned, long earliestHorizon) {
    }

    /**
     * A cleaner whose key map takes at most {@code mapMemory} bytes.
     *
     * @param mapMemory the bound ({@code log.cleaner.dedupe.buffer.size})
     */
    LogCleaner(long mapMemory) {
        this.mapMemory = mapMemory;
    }

    /**
     * The dirty ratio of the partition: bytes from {@code firstDirty} to the first uncleanable
     * offset, over all bytes below that offset.
     *
     * @return from 0 to 1
     */
    static double dirtyRatio(LogSegment[] segs, long firstDirty, long firstUncleanable) {
        long clean = 0;
        long dirty = 0;
        for (LogSegment s : segs) {
            if (s.baseOffset() >= firstUncleanable) {
                break;
            }
            if (s.nextOffset() <= firstDirty) {
                clean += s.size();
            } else {
                dirty += s.size();
            }
        }
        return clean + dirty == 0 ? 0 : (double) dirty / (clean + dirty);
    }

    /**
     * The first offset that must not be cleaned: the active segment's base, or the base of the
     * first segment holding a record newer than {@code min.compaction.lag.ms}.
     */
    static long firstUncleanable(LogSegment[] segs, TopicConfig config, long nowMs) {
        LogSegment active = segs[segs.length - 1];
        for (int i = 0; i < segs.length - 1; i++) {
            LogSegment s = segs[i];
            if (config.minCompactionLagMs() > 0 && s.largestTimestamp() > nowMs - config.minCompactionLagMs()) {
                return s.baseOffset();
            }
        }
        return active.baseOffset();
    }

    /**
     * The earliest delete horizon stamped in the batches of the given segments, read from the
     * batch headers only; {@link Long#MAX_VALUE} when none has one.
     */
    long earliestHorizon(LogSegment[] segs, long below) {
        long earliest = Long.MAX_VALUE;
        for (LogSegment s : segs) {
            if (s.baseOffset() >= below || !s.retain()) {
                continue;
            }
            try {
                ByteBuffer buf = s.buffer();
                int limit = s.size();
                for (int pos = 0; pos < limit; pos += view.sizeInBytes()) {
                    wrapChecked(s, buf, pos, limit);
                    if (view.hasDeleteHorizon()) {
                        earliest = Math.min(earliest, view.baseTimestamp());
                    }
                }
            } finally {
                s.release();
            }
        }
        return earliest;
    }

    /**
     * Runs one pass over {@code log} when it is cleanable (or {@code force}).
     *
     * @param log        the partition
     * @param config     its topic's settings
     * @param firstDirty where the last pass stopped
     * @param nowMs      the clock
     * @param horizonDue whether a stamped tombstone's horizon passed (clean even when not dirty)
     * @param stop       tells the pass to give up between segments (closing)
     * @return what was done
     */
    Pass clean(PartitionLog log, TopicConfig config, long firstDirty, long nowMs, boolean horizonDue,
               BooleanSupplier stop) {
        LogSegment[] segs = log.segments();
        long start = Math.max(firstDirty, log.startOffset());
        long uncleanable = firstUncleanable(segs, config, nowMs);
        boolean dirtyEnough = start < uncleanable
                && dirtyRatio(segs, start, uncleanable) >= config.minCleanableDirtyRatio();
        if (!dirtyEnough && !horizonDue) {
            return new Pass(firstDirty, 0, 0, false, -1);
        }
        if (map == null) {
            map = new OffsetMap(mapMemory);
        }
        map.clear();
        long mapEnd = start < uncleanable ? buildMap(segs, start, uncleanable) : start;
        if (mapEnd == start && start < uncleanable) {
            throw new IllegalStateException("the key map of " + map.slots() + " slots holds no key");
        }
        long read = 0;
        long written = 0;
        long earliest = Long.MAX_VALUE;
        boolean complete = true;
        Path dir = log.dir();
        List<LogSegment> candidates = new ArrayList<>();
        for (int i = 0; i < segs.length - 1 && segs[i].baseOffset() < mapEnd; i++) {
            candidates.add(segs[i]);
        }
        for (int i = 0; i < candidates.size(); ) {
            if (stop.getAsBoolean()) {
                complete = false;
                break;
            }
            GroupResult r = cleanGroup(log, dir, candidates, i, mapEnd, nowMs, config.deleteRetentionMs(), stop);
            read += r.read;
            written += r.written;
            earliest = Math.min(earliest, r.earliestHorizon);
            complete &= r.done;
            if (r.consumed == 0) {
                break;
            }
            i += r.consumed;
        }
        filter.trim();
        return new Pass(complete ? Math.max(firstDirty, mapEnd) : firstDirty, read, written, true, complete ? earliest : -1);
    }

    /** Fills the map from {@code from} up to {@code to}; returns where it stopped. */
    private long buildMap(LogSegment[] segs, long from, long to) {
        for (LogSegment s : segs) {
            if (s.baseOffset() >= to || s.nextOffset() <= from) {
                continue;
            }
            if (!s.retain()) {
                return from; // the log changed: the next pass starts again
            }
            try {
                ByteBuffer buf = s.buffer();
                int limit = s.size();
                for (int pos = 0; pos < limit; pos += view.sizeInBytes()) {
                    wrapChecked(s, buf, pos, limit);
                    if (view.lastOffset() < from || view.isControl()) {
                        continue;
                    }
                    if (view.baseOffset() >= to) {
                        return to;
                    }
                    checkBatch(s, pos);
                    cursor.reset(view);
                    while (cursor.next()) {
                        long offset = cursor.offset();
                        if (offset < from || cursor.keyLength() < 0) {
                            continue;
                        }
                        if (!map.put(cursor.buffer(), cursor.keyOffset(), cursor.keyLength(), offset)) {
                            return offset;
                        }
                    }
                }
            } finally {
                s.release();
            }
        }
        return to;
    }

    /** Wraps the batch at {@code pos}, whose length must lie within the segment's published size. */
    private void wrapChecked(LogSegment s, ByteBuffer buf, int pos, int limit) {
        if (limit - pos < RecordBatchDescriptor.HEADER_SIZE) {
            throw new CorruptLogException(s.logFile(), pos, "torn batch header; compaction stopped");
        }
        view.wrap(buf, pos);
        if (view.batchLength() < RecordBatchDescriptor.MIN_BATCH_LENGTH || view.sizeInBytes() > limit - pos) {
            throw new CorruptLogException(s.logFile(), pos, "batch length " + view.batchLength()
                    + " is invalid; compaction stopped");
        }
    }

    private void checkBatch(LogSegment s, int pos) {
        if (!view.isValid()) {
            throw new CorruptLogException(s.logFile(), pos, "batch at offset " + view.baseOffset()
                    + " fails its CRC; compaction stopped");
        }
    }

    private record GroupResult(long read, long written, long earliestHorizon, boolean done, int consumed) {
    }

    /**
     * Cleans {@code candidates} from {@code first} into one new segment, taking the next source
     * segment in while what was written so far plus its whole size fits {@code segment.bytes}
     * (so small cleaned segments merge), then swaps it in.
     */
    private GroupResult cleanGroup(PartitionLog log, Path dir, List<LogSegment> candidates, int first, long mapEnd,
                                   long nowMs, long deleteRetentionMs, BooleanSupplier stop) {
        int segmentBytes = log.config().segmentBytes();
        LogSegment head = candidates.get(first);
        Path staging = SegmentSwap.prepareStaging(dir);
        long room = Math.max(segmentBytes, head.size());
        int capacity = (int) Math.min(Integer.MAX_VALUE - (1 << 20), room + room / 4 + (64 << 10));
        LogSegment out = LogSegment.create(staging, head.baseOffset(), log.config(), capacity);
        List<LogSegment> group = new ArrayList<>();
        long sourceBytes = 0;
        boolean changed = false;
        boolean swapped = false;
        boolean closed = false;
        boolean pendingEmpty = false;
        long earliest = Long.MAX_VALUE;
        try {
            for (int g = first; g < candidates.size(); g++) {
                LogSegment s = candidates.get(g);
                if (g > first && ((long) out.size() + s.size() > segmentBytes
                        || s.nextOffset() - 1 - head.baseOffset() > Integer.MAX_VALUE)) {
                    break;
                }
                if (!s.retain()) {
                    return new GroupResult(0, 0, Long.MAX_VALUE, false, 0); // deleted meanwhile
                }
                group.add(s);
                sourceBytes += s.size();
                try {
                    ByteBuffer buf = s.buffer();
                    int limit = s.size();
                    for (int pos = 0; pos < limit; ) {
                        if (stop.getAsBoolean()) {
                            return new GroupResult(0, 0, Long.MAX_VALUE, false, 0);
                        }
                        wrapChecked(s, buf, pos, limit);
                        int size = view.sizeInBytes();
                        checkBatch(s, pos);
                        BatchFilter.Outcome outcome = filter.filter(view, map, mapEnd, nowMs, deleteRetentionMs);
                        if (outcome != BatchFilter.Outcome.EMPTY) {
                            pendingEmpty = false;
                        }
                        switch (outcome) {
                            case AS_IS -> out.append(buf, pos, size, view.lastOffset(), view.maxTimestamp(), nowMs);
                            case REBUILT -> {
                                ByteBuffer b = filter.rebuilt();
                                RecordBatchView rebuilt = new RecordBatchView().wrap(b, 0);
                                out.append(b, 0, b.limit(), rebuilt.lastOffset(), rebuilt.maxTimestamp(), nowMs);
                                changed = true;
                            }
                            case EMPTY -> {
                                // Kept aside: written only if it turns out to be the group's last batch.
                                RecordBatchWriter.writeEmptyBatch(emptyBatch, 0, view);
                                pendingEmpty = true;
                                changed = true;
                            }
                            default -> throw new IllegalStateException(outcome.toString());
                        }
                        pos += size;
                    }
                } catch (InvalidBatchException e) {
                    throw new CorruptLogException(s.logFile(), e.index(), "compaction stopped: " + e.getMessage(), e);
                } finally {
                    s.release();
                }
            }
            if (pendingEmpty) {
                // The group's last batch lost every record: its header keeps the offset range whole.
                RecordBatchView empty = new RecordBatchView().wrap(emptyBatch, 0);
                out.append(emptyBatch, 0, emptyBatch.capacity(), empty.lastOffset(), empty.maxTimestamp(), nowMs);
            }
            changed |= group.size() > 1;
            earliest = horizonOf(out);
            out.close(); // trims and fsyncs the cleaned segment: from here it may be swapped in
            closed = true;
            if (changed) {
                swapped = log.replaceSegments(group.toArray(new LogSegment[0]));
            }
        } finally {
            if (!closed) {
                out.releaseForDelete();
            }
            SegmentSwap.deleteStaging(dir);
        }
        return swapped ? new GroupResult(sourceBytes, out.size(), earliest, true, group.size())
                : new GroupResult(0, 0, earliest, !changed, changed ? 0 : group.size());
    }

    private long horizonOf(LogSegment cleaned) {
        return earliestHorizon(new LogSegment[] {cleaned}, Long.MAX_VALUE);
    }
}
