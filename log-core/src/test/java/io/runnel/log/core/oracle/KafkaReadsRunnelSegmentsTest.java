package io.runnel.log.core.oracle;

import static io.runnel.log.core.oracle.Oracle.NO_TIME_ROLL;
import static io.runnel.log.core.oracle.Oracle.assertSameRecord;
import static io.runnel.log.core.oracle.Oracle.baseOffsetOf;
import static io.runnel.log.core.oracle.Oracle.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.core.oracle.Oracle.Rec;
import io.runnel.log.core.oracle.Oracle.Timestamps;
import io.runnel.log.core.oracle.Oracle.Workload;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision 1 of DESIGN.md, Kafka reading Runnel: every {@code .log} segment {@link PartitionLog}
 * writes opens with Kafka's {@link FileRecords} (kafka-clients 4.1.0), every batch passes
 * Kafka's {@code ensureValid()} (CRC-32C, sizes), offsets run dense across segments, every
 * record reads back equal, and each file ends exactly at its last batch.
 */
class KafkaReadsRunnelSegmentsTest {

    @TempDir
    Path tmp;

    @Test
    void everySegmentWeWriteReadsBackThroughKafkasFileRecordsWithEveryBatchValidAndEveryRecordEqual()
            throws Exception {
        Random random = new Random(Oracle.seed("KafkaReadsRunnelSegmentsTest"));
        // 64 KiB segments (a 512 KiB record gets a segment of its own), 1 MiB + 4 KiB max batch.
        LogConfig config = new LogConfig(64 * 1024, NO_TIME_ROLL, 64 * 1024, 1024 * 1024 + 4096, 4096);
        Path dir = tmp.resolve("oracle-0");
        Workload workload = new Workload(random, Timestamps.JUMPY);
        long end;
        try (PartitionLog log = Oracle.open(dir, config, true)) {
            // The corner cases first, each as a record of its own.
            workload.appendOne(log, null, null, Headers.empty());
            workload.appendOne(log, null, new byte[0], Headers.empty());
            workload.appendOne(log, new byte[0], new byte[0], Headers.empty());
            workload.appendOne(log, "k".getBytes(), null, Headers.of(new Header("null-value", null)));
            workload.appendOne(log, null, "v".getBytes(),
                    Headers.of(new Header("a", null), new Header("a", new byte[0]), new Header("", "x".getBytes())));
            workload.run(log, 1500);
            for (int i = 0; i < 3; i++) {
                workload.appendOne(log, Oracle.randomKey(random), Oracle.randomBytes(random, 512 * 1024 + i),
                        Oracle.randomHeaders(random));
                workload.run(log, 300);
            }
            workload.appendBatches(log, 3, 15);
            end = log.endOffset();
            assertTrue(log.segmentCount() >= 10, "several segments: " + log.segmentCount());
        }
        List<Rec> written = workload.written();
        assertEquals(end, written.size(), "records written");

        List<Path> logs = files(dir, ".log");
        assertTrue(logs.size() >= 10, "segment files: " + logs);
        int next = 0;
        long batches = 0;
        long multiRecordBatches = 0;
        for (Path file : logs) {
            long fileLength = Files.size(file);
            assertEquals(next, baseOffsetOf(file), file + " is named by the offset following the previous segment");
            try (FileRecords records = FileRecords.open(file.toFile())) {
                assertEquals(fileLength, records.sizeInBytes(), "Kafka's view of the size of " + file);
                long position = 0;
                boolean first = true;
                for (FileChannelRecordBatch batch : records.batches()) {
                    String where = file.getFileName() + ", batch at position " + position;
                    assertEquals(position, batch.position(), "position, " + where);
                    batch.ensureValid();
                    assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic(), "magic, " + where);
                    assertEquals(Compression.NONE.type(), batch.compressionType(), "compression, " + where);
                    assertEquals(TimestampType.CREATE_TIME, batch.timestampType(), "timestamp type, " + where);
                    assertFalse(batch.isTransactional() || batch.isControlBatch(), "plain data batch, " + where);
                    assertEquals(RecordBatch.NO_PRODUCER_ID, batch.producerId(), "producer id, " + where);
                    assertEquals(next, batch.baseOffset(), "base offset (dense offsets), " + where);
                    if (first) {
                        assertEquals(baseOffsetOf(file), batch.baseOffset(), "first batch of " + file);
                        first = false;
                    }
                    long maxTimestamp = RecordBatch.NO_TIMESTAMP;
                    int count = 0;
                    for (Record record : batch) {
                        record.ensureValid();
                        assertTrue(next < written.size(), "Kafka reads more records than were written, " + where);
                        Rec expected = written.get(next++);
                        assertSameRecord(expected, record, where);
                        maxTimestamp = Math.max(maxTimestamp, expected.timestamp());
                        count++;
                    }
                    assertEquals(count, batch.countOrNull(), "record count, " + where);
                    assertEquals(next - 1, batch.lastOffset(), "last offset, " + where);
                    assertEquals(maxTimestamp, batch.maxTimestamp(), "max timestamp, " + where);
                    if (count > 1) {
                        multiRecordBatches++;
                    }
                    batches++;
                    position += batch.sizeInBytes();
                }
                assertEquals(fileLength, position, file + " ends exactly at its last batch (no preallocated tail)");
                assertFalse(first, file + " holds at least one batch");
            }
        }
        assertEquals(written.size(), next, "Kafka read every record written");
        assertTrue(multiRecordBatches > 50, "multi-record batches read: " + multiRecordBatches);
        assertNull(written.get(0).key(), "the workload started with the null-key record");
        System.out.println("Kafka read " + next + " records in " + batches + " batches from " + logs.size()
                + " segments");
    }

    @Test
    void aMultiBatchAppendThatRollsNamesEachNewSegmentByTheBatchItStartsWith() throws Exception {
        // 2 KiB segments; ten batches of about 1 KiB in one append roll several times within it.
        LogConfig config = new LogConfig(2048, NO_TIME_ROLL, 1024, 1024 * 1024, 4096);
        Path dir = tmp.resolve("oracle-0");
        Workload workload = new Workload(new Random(42), Timestamps.INCREASING);
        try (PartitionLog log = Oracle.open(dir, config, true)) {
            workload.appendOne(log, null, new byte[100], Headers.empty());
            java.nio.ByteBuffer batches = java.nio.ByteBuffer.allocate(16 * 1024);
            io.runnel.log.core.record.RecordBatchWriter writer = new io.runnel.log.core.record.RecordBatchWriter();
            for (int b = 0; b < 10; b++) {
                writer.begin(batches, batches.position(), batches.remaining(), 0, 1000L + b);
                for (int i = 0; i < 3; i++) {
                    assertTrue(writer.append(1000L + b, null, new byte[300], Headers.empty()));
                }
                batches.position(batches.position() + writer.finish());
            }
            batches.flip();
            assertEquals(1, log.append(batches), "base offset of the append");
            assertEquals(31, log.endOffset(), "end offset");
            assertTrue(log.segmentCount() >= 5, "rolled within the append: " + log.segmentCount());
        }
        long next = 0;
        for (Path file : files(dir, ".log")) {
            assertEquals(next, baseOffsetOf(file), file.getFileName() + " is named by the offset after the previous");
            try (FileRecords records = FileRecords.open(file.toFile())) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    batch.ensureValid();
                    assertEquals(next, batch.baseOffset(), "base offset in " + file.getFileName());
                    next = batch.nextOffset();
                }
            }
        }
        assertEquals(31, next, "Kafka read every offset");
    }
}
