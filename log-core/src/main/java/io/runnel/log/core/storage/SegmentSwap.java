package io.runnel.log.core.storage;

import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_V2;
import static io.runnel.log.core.record.RecordBatchDescriptor.MIN_BATCH_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import io.runnel.log.CorruptLogException;
import io.runnel.log.StorageException;
import io.runnel.log.core.record.RecordBatchView;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-safe replacement of segments by a cleaned one (compaction), in three states on
 * disk, as Kafka's cleaner:
 * <ol>
 *   <li><b>cleaned</b>: the new segment is written and fsynced in the staging directory
 *       {@value #STAGING_DIR} of the partition. A crash here rolls back: the next open deletes
 *       the staging directory; the old segments are untouched.</li>
 *   <li><b>swap</b>: its files are renamed into the partition directory as
 *       {@code <base>.index.swap}, {@code <base>.timeindex.swap} and, last (the commit point),
 *       {@code <base>.log.swap}. From here a crash rolls forward: the next open deletes every
 *       live segment whose base offset is within the swap segment's offsets (the ones it
 *       replaces; a cleaned segment keeps the offset range of what it replaces, see the
 *       cleaner) and renames the swap files to their live names. Index swap files without a
 *       log swap file are deleted.</li>
 *   <li><b>live</b>: the old segments are renamed {@code .deleted} and the swap files get
 *       their live names, the log file last.</li>
 * </ol>
 *
 * <p>Thread-safety: stateless; callers serialise the work on one partition (the maintenance
 * lock, and the append lock for the swap itself).
 */
public final class SegmentSwap {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSwap.class);

    /** The staging directory inside a partition directory where cleaned segments are written. */
    public static final String STAGING_DIR = ".cleaned";
    /** Suffix of a cleaned segment's files between staging and going live. */
    public static final String SWAP_SUFFIX = ".swap";

    /** Test seam: a swap step after which {@link #step} throws, -1 for none. */
    static volatile int failAfterStep = -1;

    private SegmentSwap() {
    }

    /**
     * Marks the end of a swap step (0: the cleaned segment is staged; 1: staged files are swap files; 2: old segments renamed
     * {@code .deleted}; 3: swap files live); tests make it throw to leave that state on disk.
     */
    static void step(int step) {
        if (failAfterStep == step) {
            throw new IllegalStateException("injected failure after swap step " + step);
        }
    }

    /**
     * An empty staging directory for the partition (whatever a failed pass left is deleted).
     *
     * @param partitionDir the partition directory
     * @return the staging directory
     */
    public static Path prepareStaging(Path partitionDir) {
        Path staging = partitionDir.resolve(STAGING_DIR);
        deleteStaging(partitionDir);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new StorageException("cannot create " + staging + ": " + e.getMessage(), e);
        }
        return staging;
    }

    /**
     * Deletes the staging directory and what it holds (a rolled-back or finished pass).
     *
     * @param partitionDir the partition directory
     */
    public static void deleteStaging(Path partitionDir) {
        Path staging = partitionDir.resolve(STAGING_DIR);
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(staging);
        } catch (IOException e) {
            throw new StorageException("cannot delete " + staging + ": " + e.getMessage(), e);
        }
    }

    /** State 1 to 2: the staged files of segment {@code base} become swap files (log last), fsynced. */
    static void stagedToSwap(Path partitionDir, long base) {
        Path staging = partitionDir.resolve(STAGING_DIR);
        move(SegmentFiles.indexFile(staging, base), swapName(SegmentFiles.indexFile(partitionDir, base)));
        move(SegmentFiles.timeIndexFile(staging, base), swapName(SegmentFiles.timeIndexFile(partitionDir, base)));
        move(SegmentFiles.logFile(staging, base), swapName(SegmentFiles.logFile(partitionDir, base)));
        AtomicFiles.fsyncDirectory(partitionDir);
    }

    /** State 2 to 3, after the old segments were renamed away: swap files get live names, log last. */
    static void swapToLive(Path partitionDir, long base) {
        for (Path live : new Path[] {SegmentFiles.indexFile(partitionDir, base),
                SegmentFiles.timeIndexFile(partitionDir, base), SegmentFiles.logFile(partitionDir, base)}) {
            Path swap = swapName(live);
            if (Files.exists(swap)) {
                move(swap, live);
            }
        }
        AtomicFiles.fsyncDirectory(partitionDir);
    }

    /**
     * Finishes or rolls back what a crash interrupted, before the partition's segments are
     * listed: see the class comment.
     *
     * @param partitionDir the partition directory
     */
    static void recover(Path partitionDir) {
        deleteStaging(partitionDir);
        String logSwap = SegmentFiles.LOG_SUFFIX + SWAP_SUFFIX;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir, "*" + logSwap)) {
            for (Path swap : files) {
                String name = swap.getFileName().toString();
                long base = SegmentFiles.baseOffsetOf(name.substring(0, name.length() - SWAP_SUFFIX.length()),
                        SegmentFiles.LOG_SUFFIX);
                if (base < 0) {
                    continue;
                }
                long next = nextOffsetOf(swap, base);
                LOG.warn("finishing the compaction swap of {} (offsets {} to {}) cut short by a crash", swap, base, next);
                deleteLiveSegmentsIn(partitionDir, base, next);
                swapToLive(partitionDir, base);
            }
        } catch (IOException e) {
            throw new StorageException("cannot list " + partitionDir + ": " + e.getMessage(), e);
        }
        // Index swap files whose log never became a swap file: a pass rolled back.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir, "*" + SWAP_SUFFIX)) {
            for (Path swap : files) {
                LOG.info("removing {} of a compaction that was rolled back", swap);
                Files.deleteIfExists(swap);
            }
        } catch (IOException e) {
            throw new StorageException("cannot list " + partitionDir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteLiveSegmentsIn(Path partitionDir, long from, long to) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long base = Math.max(SegmentFiles.baseOffsetOf(name, SegmentFiles.LOG_SUFFIX),
                        Math.max(SegmentFiles.baseOffsetOf(name, SegmentFiles.INDEX_SUFFIX),
                                SegmentFiles.baseOffsetOf(name, SegmentFiles.TIME_INDEX_SUFFIX)));
                if (base >= from && base < to) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The offset after the last batch of a (fsynced, so whole) swap segment; every batch checked. */
    private static long nextOffsetOf(Path swap, long base) throws IOException {
        long next = base;
        RecordBatchView view = new RecordBatchView();
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            long pos = 0;
            while (pos < size) {
                header.clear();
                if (size - pos < HEADER_SIZE || ch.read(header, pos) < HEADER_SIZE) {
                    throw new CorruptLogException(swap, pos, "torn batch header in a compaction swap file");
                }
                int length = header.getInt(8);
                if (length < MIN_BATCH_LENGTH || length > size - pos - LOG_OVERHEAD || header.get(16) != MAGIC_V2) {
                    throw new CorruptLogException(swap, pos, "invalid batch in a compaction swap file");
                }
                ByteBuffer batch = ByteBuffer.allocate(length + LOG_OVERHEAD);
                ch.read(batch, pos);
                view.wrap(batch, 0);
                if (!view.isValid() || view.baseOffset() < next) {
                    throw new CorruptLogException(swap, pos, "batch fails its checks in a compaction swap file");
                }
                next = view.lastOffset() + 1;
                pos += batch.capacity();
            }
        }
        return next;
    }

    private static Path swapName(Path live) {
        return live.resolveSibling(live.getFileName() + SWAP_SUFFIX);
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot rename " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }
}
