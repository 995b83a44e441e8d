package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A segment opened after a clean close reads its size from the file on first use, not at open. */
class LazySegmentSizeTest {
    static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private List<String> writeRolledLog(Path partition) {
        List<String> written = new ArrayList<>();
        try (PartitionLog log = PartitionLog.open(TP, partition, PartitionLogTest.smallSegments(), FlushPolicy.none(),
                PartitionLogTest.DIRECT, true, 0)) {
            for (int i = 0; log.segmentCount() < 4; i++) {
                String v = "value-" + i;
                log.appendRecord(i, null, v.getBytes(StandardCharsets.UTF_8), Headers.empty());
                written.add(v);
            }
        }
        return written;
    }

    @Test
    void sizesAndRecordsAfterACleanOpenMatchTheFiles() throws Exception {
        Path partition = dir.resolve("t-0");
        List<String> written = writeRolledLog(partition);
        try (PartitionLog log = PartitionLog.open(TP, partition, PartitionLogTest.smallSegments(), FlushPolicy.none(),
                PartitionLogTest.DIRECT, true, 0)) {
            long total = 0;
            for (LogSegment s : log.segments()) {
                if (!s.isActive()) { // the active one is preallocated past its size
                    assertEquals(Files.size(s.logFile()), s.size(), s.toString());
                }
                total += s.size();
            }
            assertEquals(total, log.sizeInBytes());
            List<String> values = new ArrayList<>();
            PartitionLogTest.readAll(log, 0, values);
            assertEquals(written, values);
        }
    }

    @Test
    void theSizeIsReadOnFirstUseAndSurvivesTheRenameForDeletion() throws Exception {
        Path partition = dir.resolve("t-0");
        writeRolledLog(partition);
        long base = 0;
        Path file = SegmentFiles.logFile(partition, base);
        assertTrue(Files.size(file) > 0);
        LogSegment first = LogSegment.open(partition, base, PartitionLogTest.smallSegments());
        // Not read at open: cutting the file short (whole batches only are ever there) before the
        // first use shows up in the size.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        assertEquals(0, first.size(), "read on first use");
        first.release();

        Files.delete(file);
        writeRolledLog(dir.resolve("again-0"));
        Path again = dir.resolve("again-0");
        long againLength = Files.size(SegmentFiles.logFile(again, base));
        assertTrue(againLength > 0);
        LogSegment unread = LogSegment.open(again, base, PartitionLogTest.smallSegments());
        unread.renameForDelete();
        assertTrue(Files.exists(SegmentFiles.logFile(again, base).resolveSibling(
                SegmentFiles.logFile(again, base).getFileName() + SegmentFiles.DELETED_SUFFIX)));
        assertEquals(againLength, unread.size(), "known from before the rename");
        unread.release();
    }
}
