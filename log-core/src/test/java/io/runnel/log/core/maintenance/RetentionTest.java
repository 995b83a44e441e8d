package io.runnel.log.core.maintenance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.Headers;
import io.runnel.log.MaintenanceResult;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordCursor;
import io.runnel.log.core.storage.LogSegment;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.testing.PartitionRecords;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention (issue 4, acceptance 1): bounds kept under appends, readers finish or get a clean out-of-range. */
class RetentionTest {
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final int SEGMENT = 8 << 10;

    @TempDir
    Path dir;

    private static PartitionLog partition(CommitLog log) {
        return ((LogAccess) log).partitionLog(TP);
    }

    private static byte[] value(long i) {
        return ("event-" + i + "-" + "p".repeat((int) (i % 50))).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void retentionBytesKeepsThePartitionWithinItsBoundWhileAppendsGoOn() throws Exception {
        long retention = 5L * SEGMENT;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionBytes(retention).build());
            PartitionLog plog = partition(log);
            long deleted = 0;
            for (int round = 0; round < 60; round++) {
                for (int i = 0; i < 200; i++) {
                    long next = plog.endOffset();
                    plog.appendRecord(System.currentTimeMillis(), null, value(next), Headers.empty());
                }
                deleted += log.runMaintenance().segmentsDeleted();
                assertTrue(plog.sizeInBytes() <= retention + SEGMENT, "round " + round + ": " + plog.sizeInBytes()
                        + " bytes > retention.bytes " + retention + " + one segment");
                LogSegment first = plog.segments()[0];
                assertEquals(first.baseOffset(), plog.startOffset());
                assertTrue(plog.sizeInBytes() - first.size() < retention || plog.segmentCount() == 1,
                        "no segment left that could go");
            }
            assertTrue(deleted > 10, "segments deleted: " + deleted);
            assertEquals(12_000, plog.endOffset());
            // What is left is exactly the tail of what was written.
            AtomicLong expected = new AtomicLong(plog.startOffset());
            PartitionRecords.forEach(plog, (offset, timestamp, key, value) -> {
                assertEquals(expected.getAndIncrement(), offset);
                assertArrayEquals(value(offset), value);
            });
            assertEquals(plog.endOffset(), expected.get());
        }
    }

    @Test
    void retentionMsDeletesSegmentsWhoseNewestRecordIsOlderThanIt() throws Exception {
        long now = System.currentTimeMillis();
        long hour = 60 * 60 * 1000L;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionMs(hour).build());
            PartitionLog plog = partition(log);
            for (int i = 0; i < 2_000; i++) {
                plog.appendRecord(now - 3 * hour + i, null, value(i), Headers.empty());
            }
            plog.roll(0);
            long firstRecent = plog.endOffset();
            for (int i = 0; i < 2_000; i++) {
                plog.appendRecord(now - hour / 2, null, value(i), Headers.empty());
            }
            MaintenanceResult r = log.runMaintenance();
            assertTrue(r.segmentsDeleted() > 1, r.toString());
            assertEquals(firstRecent, plog.startOffset(), "every old segment went, no recent one");
            for (LogSegment s : plog.segments()) {
                assertTrue(s.isActive() || now - s.largestTimestamp() <= hour, s + " is within retention.ms");
            }
            assertEquals(0, log.runMaintenance().segmentsDeleted(), "nothing more to delete");
        }
        // The start offset is checkpointed and survives a reopen.
        List<String> checkpoint = Files.readAllLines(dir.resolve(LogMaintenance.LOG_START_OFFSET_CHECKPOINT));
        assertTrue(checkpoint.contains("events 0 " + partitionStart(dir)), checkpoint.toString());
    }

    private static long partitionStart(Path dir) {
        try (CommitLog log = CommitLog.open(dir)) {
            return partition(log).startOffset();
        }
    }

    @Test
    void retentionMsKeepsExactlyTheSegmentsItMustWhileTimeAndAppendsGoOn() throws Exception {
        long minute = 60_000L;
        long retention = 10 * minute;
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        try (CommitLog log = CommitLog.open(dir)) {
            ((io.runnel.log.core.RunnelCommitLog) log).maintenance().setClock(now::get);
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionMs(retention).build());
            PartitionLog plog = partition(log);
            List<Long> timestamps = new ArrayList<>();
            int deleted = 0;
            for (int round = 0; round < 60; round++) {
                for (int i = 0; i < 100; i++) {
                    timestamps.add(now.get());
                    plog.appendRecord(now.get(), null, value(plog.endOffset()), Headers.empty());
                }
                deleted += log.runMaintenance().segmentsDeleted();
                LogSegment[] segs = plog.segments();
                for (int i = 0; i < segs.length - 1; i++) {
                    assertTrue(now.get() - segs[i].largestTimestamp() <= retention, "round " + round + ": " + segs[i]
                            + " outlived retention.ms");
                }
                // Nothing within retention.ms was deleted: the first kept offset is at or below the
                // first record younger than it.
                long firstYoung = 0;
                while (now.get() - timestamps.get((int) firstYoung) > retention) {
                    firstYoung++;
                }
                assertTrue(plog.startOffset() <= firstYoung, "round " + round + ": start " + plog.startOffset()
                        + " is past the first record within retention.ms, " + firstYoung);
                now.addAndGet(minute);
            }
            assertTrue(deleted > 5, "segments deleted as time went on: " + deleted);
        }
    }

    @Test
    void consumersBeforeTheStartAreResetOrGetOffsetOutOfRange() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionBytes(2L * SEGMENT).build());
            PartitionLog plog = partition(log);
            for (int i = 0; i < 3_000; i++) {
                plog.appendRecord(System.currentTimeMillis(), null, value(i), Headers.empty());
            }
            assertTrue(log.runMaintenance().segmentsDeleted() > 0);
            long start = plog.startOffset();
            assertTrue(start > 0);
            try (Consumer<byte[], String> earliest = log.consumer(ConsumerConfig.builder()
                    .autoOffsetReset(OffsetReset.EARLIEST).build(), Serdes.bytes(), Serdes.string())) {
                earliest.assign(List.of(TP));
                earliest.seek(TP, 0);
                ConsumerRecords<byte[], String> records = earliest.poll(Duration.ofSeconds(5));
                assertEquals(start, records.iterator().next().offset(), "reset to the new start");
            }
            try (Consumer<byte[], String> none = log.consumer(ConsumerConfig.builder()
                    .autoOffsetReset(OffsetReset.NONE).build(), Serdes.bytes(), Serdes.string())) {
                none.assign(List.of(TP));
                none.seek(TP, 0);
                OffsetOutOfRangeException e = assertThrows(OffsetOutOfRangeException.class,
                        () -> none.poll(Duration.ofSeconds(5)));
                assertTrue(e.getMessage().contains(Long.toString(start)), e.getMessage());
            }
        }
    }

    @Test
    void aDeletedSegmentsFilesStayUntilItsLastReaderLetsGo() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionBytes(0).build());
            PartitionLog plog = partition(log);
            for (int i = 0; i < 1_000; i++) {
                plog.appendRecord(System.currentTimeMillis(), null, value(i), Headers.empty());
            }
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch deleted = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Long> offsets = new ArrayList<>();
            Thread reader = new Thread(() -> {
                try {
                    RecordBatchView view = new RecordBatchView();
                    RecordCursor cursor = new RecordCursor();
                    plog.read(0, Integer.MAX_VALUE, true, view, b -> {
                        if (b.baseOffset() == 0) {
                            reading.countDown();
                            awaitQuietly(deleted);
                        }
                        cursor.reset(b);
                        while (cursor.next()) {
                            offsets.add(cursor.offset());
                            if (!java.util.Arrays.equals(value(cursor.offset()), cursor.value())) {
                                throw new AssertionError("wrong value at " + cursor.offset());
                            }
                        }
                        return true;
                    });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            reader.start();
            assertTrue(reading.await(10, TimeUnit.SECONDS));
            Path firstLog = plog.segments()[0].logFile();
            long firstSegmentEnd = plog.segments()[0].nextOffset();
            assertTrue(log.runMaintenance().segmentsDeleted() > 0);
            assertFalse(Files.exists(firstLog), "renamed at once");
            assertTrue(Files.exists(firstLog.resolveSibling(firstLog.getFileName() + ".deleted")),
                    "kept while a reader holds the segment");
            deleted.countDown();
            reader.join(10_000);
            // It finished the segment it held; the next ones were deleted before it got there.
            assertTrue(failure.get() == null || failure.get() instanceof OffsetOutOfRangeException,
                    "finished, or a clean out-of-range: " + failure.get());
            assertTrue(offsets.size() >= firstSegmentEnd, "read the whole held segment: " + offsets.size());
            assertEquals(0, offsets.get(0));
            for (int i = 1; i < offsets.size(); i++) {
                assertEquals(offsets.get(i - 1) + 1, offsets.get(i), "dense offsets while reading");
            }
            assertFalse(Files.exists(firstLog.resolveSibling(firstLog.getFileName() + ".deleted")),
                    "removed when the last reader let go");
        }
    }

    @Test
    void readersRacingRetentionFinishOrGetOffsetOutOfRangeNeverAnythingElse() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionBytes(3L * SEGMENT).build());
            PartitionLog plog = partition(log);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong outOfRange = new AtomicLong();
            AtomicLong recordsChecked = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread reader = new Thread(() -> {
                    RecordBatchView view = new RecordBatchView();
                    RecordCursor cursor = new RecordCursor();
                    while (!stop.get() && failure.get() == null) {
                        long next = plog.startOffset();
                        try {
                            while (next < plog.endOffset()) {
                                long from = next;
                                next = plog.read(next, 64 << 10, true, view, b -> {
                                    cursor.reset(b);
                                    while (cursor.next()) {
                                        if (cursor.offset() >= from
                                                && !java.util.Arrays.equals(value(cursor.offset()), cursor.value())) {
                                            throw new AssertionError("wrong value at " + cursor.offset());
                                        }
                                        recordsChecked.incrementAndGet();
                                    }
                                    return true;
                                });
                            }
                        } catch (OffsetOutOfRangeException e) {
                            outOfRange.incrementAndGet();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    }
                });
                reader.start();
                readers.add(reader);
            }
            for (int round = 0; round < 200 && failure.get() == null; round++) {
                for (int i = 0; i < 100; i++) {
                    long next = plog.endOffset();
                    plog.appendRecord(System.currentTimeMillis(), null, value(next), Headers.empty());
                }
                log.runMaintenance();
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join(10_000);
            }
            assertEquals(null, failure.get());
            System.out.println("readers racing retention: " + recordsChecked.get() + " records checked, "
                    + outOfRange.get() + " clean OffsetOutOfRangeException");
            assertTrue(plog.sizeInBytes() <= 4L * SEGMENT, "within bounds: " + plog.sizeInBytes());
        }
    }

    @Test
    void theBackgroundThreadEnforcesRetentionOnItsOwn() throws Exception {
        try (CommitLog log = CommitLog.builder(dir).retentionCheckIntervalMs(20).open()) {
            log.createTopic(TP.topic(), TopicConfig.builder().segmentBytes(SEGMENT).retentionBytes(SEGMENT).build());
            PartitionLog plog = partition(log);
            for (int i = 0; i < 2_000; i++) {
                plog.appendRecord(System.currentTimeMillis(), null, value(i), Headers.empty());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (plog.startOffset() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(plog.startOffset() > 0, "the maintenance thread deleted old segments");
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("runnel-log-maintenance-")), "one maintenance thread");
        }
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("runnel-log-maintenance-") && t.isAlive()), "stopped on close");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
