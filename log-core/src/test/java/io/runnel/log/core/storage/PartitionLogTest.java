package io.runnel.log.core.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executor;

import io.runnel.log.FlushPolicy;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
    static final TopicPartition TP = new TopicPartition("t", 0);
    static final Executor DIRECT = Runnable::run;

    @TempDir
    Path dir;

    static LogConfig smallSegments() {
        return new LogConfig(4096, Long.MAX_VALUE / 2, 1024, 1 << 20, 256);
    }

    PartitionLog open(LogConfig config, boolean clean) {
        return PartitionLog.open(TP, dir.resolve("t-0"), config, FlushPolicy.none(), DIRECT, clean, 0);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads every record from {@code from} to the end: offsets and values. */
    static List<long[]> readAll(PartitionLog log, long from, List<String> values) {
        List<long[]> out = new ArrayList<>();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        long next = from;
        while (next < log.endOffset()) {
            long start = next;
            next = log.read(next, 1 << 16, true, view, batch -> {
                cursor.reset(batch);
                while (cursor.next()) {
                    if (cursor.offset() >= start) {
                        out.add(new long[] {cursor.offset(), cursor.timestamp()});
                        values.add(new String(cursor.value(), StandardCharsets.UTF_8));
                    }
                }
                return true;
            });
            assertTrue(next > start, "read made progress from " + start);
        }
        return out;
    }

    @Test
    void appendedRecordsReadBackInOrderWithDenseOffsets() {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 500; i++) {
                assertEquals(i, log.appendRecord(1000 + i, bytes("k" + i), bytes("v" + i), Headers.empty()));
            }
            assertEquals(500, log.endOffset());
            assertTrue(log.segmentCount() > 3, "small segments rolled: " + log.segmentCount());
            List<String> values = new ArrayList<>();
            List<long[]> recs = readAll(log, 0, values);
            assertEquals(500, recs.size());
            for (int i = 0; i < 500; i++) {
                assertEquals(i, recs.get(i)[0]);
                assertEquals(1000 + i, recs.get(i)[1]);
                assertEquals("v" + i, values.get(i));
            }
        }
    }

    @Test
    void readFromEveryOffsetStartsAtThatOffsetAcrossSegmentBoundaries() {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 300; i++) {
                log.appendRecord(i, null, bytes("value-" + i), Headers.empty());
            }
            for (long from = 0; from < 300; from++) {
                List<String> values = new ArrayList<>();
                List<long[]> recs = readAll(log, from, values);
                assertEquals(300 - from, recs.size(), "records from " + from);
                assertEquals(from, recs.get(0)[0]);
                assertEquals("value-" + from, values.get(0));
            }
        }
    }

    @Test
    void readOutsideTheLogIsOffsetOutOfRange() {
        try (PartitionLog log = open(smallSegments(), true)) {
            log.appendRecord(1, null, bytes("a"), Headers.empty());
            RecordBatchView view = new RecordBatchView();
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(5, 100, true, view, b -> true));
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 100, true, view, b -> true));
            assertEquals(1, log.read(1, 100, true, view, b -> true), "at the end: nothing, no error");
        }
    }

    @Test
    void timeLookupFindsTheFirstRecordAtOrAfterTheTimestamp() {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 400; i++) {
                log.appendRecord(10_000 + i * 10L, null, bytes("x" + i), Headers.empty());
            }
            for (int i = 0; i < 400; i++) {
                assertEquals(OptionalLong.of(i), log.offsetForTimestamp(10_000 + i * 10L), "exact " + i);
                if (i > 0) {
                    assertEquals(OptionalLong.of(i), log.offsetForTimestamp(10_000 + i * 10L - 5), "between " + i);
                }
            }
            assertEquals(OptionalLong.of(0), log.offsetForTimestamp(0));
            assertEquals(OptionalLong.empty(), log.offsetForTimestamp(10_000 + 400 * 10L));
        }
    }

    @Test
    void reopenAfterCleanCloseKeepsEverythingWithoutRecovery() {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 200; i++) {
                log.appendRecord(i, bytes("k"), bytes("v" + i), Headers.empty());
            }
        }
        long before = PartitionLogLoader.RECOVERIES.get();
        try (PartitionLog log = open(smallSegments(), true)) {
            assertEquals(before, PartitionLogLoader.RECOVERIES.get(), "no segment was recovered");
            assertEquals(200, log.endOffset());
            assertEquals(200, log.appendRecord(5, null, bytes("after"), Headers.empty()));
            List<String> values = new ArrayList<>();
            assertEquals(201, readAll(log, 0, values).size());
            assertEquals("after", values.get(200));
        }
    }

    @Test
    void closedSegmentsAreTrimmedToWholeBatches() throws Exception {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 100; i++) {
                log.appendRecord(i, null, bytes("v" + i), Headers.empty());
            }
        }
        Path pdir = dir.resolve("t-0");
        try (var files = Files.list(pdir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".index")) {
                    assertEquals(0, Files.size(f) % 8, name);
                } else if (name.endsWith(".timeindex")) {
                    assertEquals(0, Files.size(f) % 12, name);
                } else if (name.endsWith(".log")) {
                    assertTrue(Files.size(f) <= 4096 + 200, name + " was trimmed: " + Files.size(f));
                    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f));
                    RecordBatchView v = new RecordBatchView();
                    int pos = 0;
                    while (pos < buf.limit()) {
                        v.wrap(buf, pos);
                        assertTrue(v.isValid(), name + " batch at " + pos);
                        pos += v.sizeInBytes();
                    }
                    assertEquals(buf.limit(), pos, name + " ends on a batch boundary");
                }
            }
        }
    }

    @Test
    void batchesAppendAsOneAndGetConsecutiveOffsets() {
        ByteBuffer two = ByteBuffer.allocate(4096);
        RecordBatchWriter w = new RecordBatchWriter();
        w.begin(two, 0, 2048, 0, 100);
        for (int i = 0; i < 5; i++) {
            assertTrue(w.append(100 + i, (byte[]) null, bytes("a" + i), Headers.empty()));
        }
        int first = w.finish();
        w.begin(two, first, 2048, 0, 200);
        for (int i = 0; i < 3; i++) {
            assertTrue(w.append(200 + i, (byte[]) null, bytes("b" + i), Headers.empty()));
        }
        int second = w.finish();
        two.limit(first + second);
        try (PartitionLog log = open(smallSegments(), true)) {
            log.appendRecord(1, null, bytes("x"), Headers.empty());
            assertEquals(1, log.append(two));
            assertEquals(9, log.endOffset());
            assertEquals(0, two.position(), "caller's buffer untouched");
            List<String> values = new ArrayList<>();
            readAll(log, 0, values);
            assertEquals(List.of("x", "a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"), values);
        }
    }

    @Test
    void aCorruptBatchIsRefusedAndNothingIsAppended() {
        ByteBuffer buf = RecordBatchWriter.encode(0, 1, null, bytes("ok"), Headers.empty());
        ByteBuffer bad = RecordBatchWriter.encode(0, 1, null, bytes("bad"), Headers.empty());
        bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 1));
        ByteBuffer both = ByteBuffer.allocate(buf.remaining() + bad.remaining());
        both.put(buf.duplicate()).put(bad.duplicate()).flip();
        try (PartitionLog log = open(smallSegments(), true)) {
            assertThrows(io.runnel.log.CorruptLogException.class, () -> log.append(both));
            assertEquals(0, log.endOffset());
        }
    }

    @Test
    void skippingTheCrcCheckStillChecksTheStructure() {
        ByteBuffer stale = RecordBatchWriter.encode(0, 1, null, bytes("crc"), Headers.empty());
        stale.put(stale.limit() - 1, (byte) (stale.get(stale.limit() - 1) ^ 1));
        ByteBuffer badMagic = RecordBatchWriter.encode(0, 1, null, bytes("magic"), Headers.empty());
        badMagic.put(RecordBatchDescriptor.MAGIC_OFFSET, (byte) 1);
        try (PartitionLog log = open(smallSegments(), true)) {
            assertThrows(io.runnel.log.CorruptLogException.class, () -> log.append(stale.duplicate(), true));
            assertThrows(io.runnel.log.CorruptLogException.class, () -> log.append(badMagic.duplicate(), false),
                    "the structure is checked even when the CRC is not");
            assertEquals(0, log.endOffset());
            // The producer's path: its own batch, sealed a moment before, is not checked again.
            assertEquals(0, log.append(stale.duplicate(), false));
            assertEquals(1, log.endOffset());
        }
    }

    @Test
    void oversizedRecordIsRefusedWithoutAppendingAnything() {
        LogConfig config = new LogConfig(1 << 20, Long.MAX_VALUE / 2, 1024, 1000, 4096);
        try (PartitionLog log = open(config, true)) {
            log.appendRecord(1, null, new byte[10], Headers.empty());
            int segments = log.segmentCount();
            long size = log.sizeInBytes();
            assertThrows(RecordTooLargeException.class, () -> log.appendRecord(1, null, new byte[2_000_000], Headers.empty()));
            assertThrows(RecordTooLargeException.class, () -> log.appendRecord(1, null, new byte[2000], Headers.empty()));
            assertEquals(1, log.endOffset());
            assertEquals(segments, log.segmentCount(), "a refused record rolls nothing");
            assertEquals(size, log.sizeInBytes());
            assertEquals(1, log.appendRecord(1, null, new byte[10], Headers.empty()));
        }
    }

    @Test
    void aRecordLargerThanTheSegmentSizeGetsASegmentOfItsOwn() {
        LogConfig config = new LogConfig(1024, Long.MAX_VALUE / 2, 1024, 1 << 20, 4096);
        try (PartitionLog log = open(config, true)) {
            log.appendRecord(1, null, new byte[10], Headers.empty());
            byte[] big = new byte[5000];
            big[4999] = 7;
            assertEquals(1, log.appendRecord(1, null, big, Headers.empty()));
            assertEquals(2, log.appendRecord(1, null, new byte[10], Headers.empty()));
            RecordBatchView view = new RecordBatchView();
            RecordCursor c = new RecordCursor();
            byte[][] got = new byte[1][];
            log.read(1, 10, true, view, b -> {
                c.reset(b);
                assertTrue(c.next());
                got[0] = c.value();
                return false;
            });
            assertArrayEquals(big, got[0]);
        }
    }

    @Test
    void truncateToRemovesWholeBatchesAndAppendsContinue() {
        try (PartitionLog log = open(smallSegments(), true)) {
            for (int i = 0; i < 300; i++) {
                log.appendRecord(i, null, bytes("v" + i), Headers.empty());
            }
            int segs = log.segmentCount();
            assertEquals(120, log.truncateTo(120));
            assertTrue(log.segmentCount() < segs);
            assertEquals(120, log.appendRecord(1, null, bytes("new"), Headers.empty()));
            List<String> values = new ArrayList<>();
            List<long[]> recs = readAll(log, 0, values);
            assertEquals(121, recs.size());
            assertEquals("v119", values.get(119));
            assertEquals("new", values.get(120));
            assertEquals(OptionalLong.of(119), log.offsetForTimestamp(119));
        }
        try (PartitionLog log = open(smallSegments(), true)) {
            assertEquals(121, log.endOffset());
        }
    }

    @Test
    void useAfterCloseFailsWithLogClosed() {
        PartitionLog log = open(smallSegments(), true);
        log.appendRecord(1, null, bytes("a"), Headers.empty());
        log.close();
        assertThrows(LogClosedException.class, () -> log.appendRecord(1, null, bytes("a"), Headers.empty()));
        assertThrows(LogClosedException.class, () -> log.read(0, 100, true, new RecordBatchView(), b -> true));
        assertFalse(!log.isClosed());
    }

    @Test
    void alwaysFlushPolicyAdvancesTheRecoveryPointWithEveryAppend() {
        try (PartitionLog log = PartitionLog.open(TP, dir.resolve("t-0"), smallSegments(), FlushPolicy.always(),
                DIRECT, true, 0)) {
            for (int i = 0; i < 20; i++) {
                log.appendRecord(i, null, bytes("v"), Headers.empty());
                assertEquals(i + 1, log.recoveryPoint());
            }
        }
    }

    @Test
    void everyMessagesFlushPolicyFlushesAfterNRecords() {
        try (PartitionLog log = PartitionLog.open(TP, dir.resolve("t-0"), LogConfig.defaults(),
                FlushPolicy.everyMessages(10), DIRECT, true, 0)) {
            long initial = log.recoveryPoint();
            for (int i = 0; i < 9; i++) {
                log.appendRecord(i, null, bytes("v"), Headers.empty());
            }
            assertEquals(initial, log.recoveryPoint());
            log.appendRecord(9, null, bytes("v"), Headers.empty());
            assertEquals(10, log.recoveryPoint());
        }
    }

    @Test
    void segmentRollsWhenOlderThanSegmentMs() {
        LogConfig config = new LogConfig(1 << 20, 1000, 1024, 1 << 20, 4096);
        long[] now = {1_000_000};
        try (PartitionLog log = open(config, true)) {
            log.setClock(() -> now[0]);
            log.appendRecord(1, null, bytes("a"), Headers.empty());
            now[0] += 1000;
            log.appendRecord(2, null, bytes("b"), Headers.empty());
            assertEquals(1, log.segmentCount(), "not older than segment.ms yet");
            now[0] += 1;
            log.appendRecord(3, null, bytes("c"), Headers.empty());
            assertEquals(2, log.segmentCount(), "rolled after segment.ms");
            assertEquals(2, log.segments()[1].baseOffset());
            now[0] += 5000;
            log.appendRecord(4, null, bytes("d"), Headers.empty());
            assertEquals(3, log.segmentCount());
        }
    }
}
