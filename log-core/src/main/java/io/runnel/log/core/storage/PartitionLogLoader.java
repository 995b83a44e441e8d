package io.runnel.log.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.runnel.log.CorruptLogException;
import io.runnel.log.StorageException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory, recovering after a crash (DESIGN.md decision 6):
 * after a clean shutdown nothing is scanned but the tail of the last segment after its last
 * index entry; after a crash every segment from the one holding the recovery point on is
 * validated batch by batch, cut at the first torn or corrupt batch (later segments are then
 * deleted), and its indexes rebuilt. A compaction swap cut short by a crash is finished or rolled
 * back first ({@link SegmentSwap}). Left-over {@code .deleted} and {@code .tmp} files are
 * removed; index files without a log are removed.
 *
 * <p>Thread-safety: stateless; runs on the thread that opens the log.
 */
final class PartitionLogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLogLoader.class);

    /** How many times the last segment's recovery ran in this JVM (tests check it did not). */
    static final java.util.concurrent.atomic.AtomicLong RECOVERIES = new java.util.concurrent.atomic.AtomicLong();

    private PartitionLogLoader() {
    }

    static LogSegment[] load(Path dir, LogConfig config, boolean cleanShutdown, long recoveryPoint) {
        // Primitive and sorted: a set of boxed base offsets collided into tree bins and was most
        // of a clean open's time per segment.
        long[] bases = new long[16];
        int count = 0;
        try {
            if (!Files.isDirectory(dir)) {
                // Only when missing: on an existing directory it throws and catches an exception inside.
                Files.createDirectories(dir);
            }
            String[] names = list(dir);
            if (needsSwapRecovery(names)) {
                SegmentSwap.recover(dir);
                names = list(dir);
            }
            // A log without its index files is fine (they are rebuilt); index files without a log are not.
            List<String> indexFiles = new ArrayList<>();
            long[] indexBases = new long[16];
            for (String name : names) {
                if (name.endsWith(SegmentFiles.DELETED_SUFFIX) || name.endsWith(SegmentFiles.TMP_SUFFIX)) {
                    Path f = dir.resolve(name);
                    LOG.info("removing left-over {}", f);
                    Files.deleteIfExists(f);
                    continue;
                }
                long base = SegmentFiles.baseOffsetOf(name, SegmentFiles.LOG_SUFFIX);
                if (base >= 0) {
                    if (count == bases.length) {
                        bases = Arrays.copyOf(bases, count * 2);
                    }
                    bases[count++] = base;
                } else if ((base = SegmentFiles.baseOffsetOf(name, SegmentFiles.INDEX_SUFFIX)) >= 0
                        || (base = SegmentFiles.baseOffsetOf(name, SegmentFiles.TIME_INDEX_SUFFIX)) >= 0) {
                    if (indexFiles.size() == indexBases.length) {
                        indexBases = Arrays.copyOf(indexBases, indexBases.length * 2);
                    }
                    indexBases[indexFiles.size()] = base;
                    indexFiles.add(name);
                }
            }
            Arrays.sort(bases, 0, count);
            for (int i = 0; i < indexFiles.size(); i++) {
                if (Arrays.binarySearch(bases, 0, count, indexBases[i]) < 0) {
                    Path f = dir.resolve(indexFiles.get(i));
                    LOG.info("removing index {} whose segment is gone", f);
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new StorageException("cannot list partition directory " + dir + ": " + e.getMessage(), e);
        }
        List<LogSegment> segs = new ArrayList<>(Math.max(1, count));
        if (count == 0) {
            segs.add(LogSegment.create(dir, 0, config, 0));
            return segs.toArray(new LogSegment[0]);
        }
        for (int i = 0; i < count; i++) {
            segs.add(LogSegment.open(dir, bases[i], config));
        }
        if (!cleanShutdown) {
            recover(segs, recoveryPoint, config);
        }
        LogSegment last = segs.get(segs.size() - 1);
        try {
            last.makeActive(0);
        } catch (CorruptLogException e) {
            LOG.warn("the last segment of {} is damaged after a clean shutdown ({}); recovering it", dir, e.getMessage());
            RECOVERIES.incrementAndGet();
            long min = segs.size() > 1 ? segs.get(segs.size() - 2).nextOffset() : last.baseOffset();
            last.recover(min);
            last.makeActive(0);
        }
        return segs.toArray(new LogSegment[0]);
    }

    /**
     * The names in a directory: one listing serves the whole open, which must not grow much with
     * the segments (names only: no {@link Path} per entry).
     */
    private static String[] list(Path dir) throws IOException {
        String[] names = dir.toFile().list();
        if (names == null) {
            throw new IOException("cannot list the directory");
        }
        return names;
    }

    /** Whether a compaction left a swap or its staging directory behind (see {@link SegmentSwap#recover}). */
    private static boolean needsSwapRecovery(String[] names) {
        for (String name : names) {
            if (name.endsWith(SegmentSwap.SWAP_SUFFIX) || name.equals(SegmentSwap.STAGING_DIR)) {
                return true;
            }
        }
        return false;
    }

    private static void recover(List<LogSegment> segs, long recoveryPoint, LogConfig config) {
        int first = 0;
        for (int i = 0; i < segs.size(); i++) {
            if (segs.get(i).baseOffset() <= recoveryPoint) {
                first = i;
            }
        }
        long minNext = first == 0 ? segs.get(0).baseOffset() : Long.MIN_VALUE;
        for (int i = first; i < segs.size(); i++) {
            LogSegment seg = segs.get(i);
            RECOVERIES.incrementAndGet();
            boolean overlaps = seg.baseOffset() < minNext;
            boolean gap = !config.compacted() && seg.baseOffset() > minNext;
            if (i > first && (overlaps || gap)) {
                // A gap is left when a crash cut short an earlier recovery's deletion of later segments.
                LOG.warn("segment {} starts at {} but the previous segment ends at {}; deleting it and later ones",
                        seg.logFile(), seg.baseOffset(), minNext);
                dropFrom(segs, i);
                return;
            }
            int truncated = seg.recover(minNext);
            minNext = seg.nextOffset();
            if (truncated > 0 && i < segs.size() - 1) {
                LOG.warn("segment {} was cut by recovery; deleting the {} later segment(s)", seg.logFile(),
                        segs.size() - 1 - i);
                dropFrom(segs, i + 1);
                return;
            }
        }
    }

    private static void dropFrom(List<LogSegment> segs, int from) {
        while (segs.size() > from) {
            LogSegment s = segs.remove(segs.size() - 1);
            s.delete();
        }
        if (segs.isEmpty()) {
            throw new IllegalStateException("recovery removed every segment");
        }
    }
}
