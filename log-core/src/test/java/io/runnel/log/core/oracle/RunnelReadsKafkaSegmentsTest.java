package io.runnel.log.core.oracle;

import static io.runnel.log.core.oracle.Oracle.NO_TIME_ROLL;
import static io.runnel.log.core.oracle.Oracle.assertSameRecord;
import static io.runnel.log.core.oracle.Oracle.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.core.oracle.Oracle.Rec;
import io.runnel.log.core.storage.LogConfig;
import io.runnel.log.core.storage.PartitionLog;
import io.runnel.log.core.storage.SegmentFiles;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decision 1 of DESIGN.md, Runnel reading Kafka: batches built by Kafka's
 * {@link MemoryRecordsBuilder} and written by Kafka's {@link FileRecords} into segment files of a
 * partition directory open with {@link PartitionLog} (recovering, so the indexes are rebuilt
 * from Kafka's bytes), and every record reads back equal, from the start and from any offset.
 */
class RunnelReadsKafkaSegmentsTest {

    @TempDir
    Path tmp;

    /** Kafka's batch flavours: a producer's, an idempotent producer's, a broker's log-append time. */
    private enum Flavour { PLAIN, IDEMPOTENT, LOG_APPEND_TIME, LEADER_EPOCH }

    @Test
    void batchesKafkaWroteReadBackThroughPartitionLogRecordForRecord() throws Exception {
        Random random = new Random(Oracle.seed("RunnelReadsKafkaSegmentsTest"));
        Path dir = tmp.resolve("oracle-0");
        Files.createDirectories(dir);
        List<Rec> expected = new ArrayList<>();
        long clock = 1_700_000_000_000L;
        int segments = 3;
        for (int s = 0; s < segments; s++) {
            long base = expected.size();
            Path file = SegmentFiles.logFile(dir, base);
            try (FileRecords log = FileRecords.open(file.toFile())) {
                int batches = 20 + random.nextInt(30);
                for (int b = 0; b < batches; b++) {
                    Flavour flavour = Flavour.values()[random.nextInt(Flavour.values().length)];
                    long baseOffset = expected.size();
                    long appendTime = clock + 5;
                    MemoryRecordsBuilder builder = builder(flavour, baseOffset, appendTime, s);
                    int n = 1 + random.nextInt(20);
                    for (int i = 0; i < n; i++) {
                        long ts = random.nextInt(5) == 0 ? clock - random.nextInt(10_000) : (clock += random.nextInt(30));
                        byte[] key = Oracle.randomKey(random);
                        byte[] value = Oracle.randomValue(random);
                        Headers headers = Oracle.randomHeaders(random);
                        builder.append(ts, key, value, kafkaHeaders(headers));
                        long readTs = flavour == Flavour.LOG_APPEND_TIME ? appendTime : ts;
                        expected.add(new Rec(baseOffset + i, readTs, key, value, headers));
                    }
                    MemoryRecords records = builder.build();
                    log.append(records);
                }
                log.flush();
            }
        }
        // Every segment's index gets entries: an entry after every 256 bytes.
        LogConfig config = new LogConfig(1024 * 1024, NO_TIME_ROLL, 64 * 1024, 1024 * 1024, 256);
        try (PartitionLog log = Oracle.open(dir, config, false)) {
            assertEquals(segments, log.segmentCount(), "segments");
            assertEquals(expected.size(), log.endOffset(), "end offset");
            List<Rec> read = Oracle.readFrom(log, 0, Integer.MAX_VALUE);
            assertEquals(expected.size(), read.size(), "records read");
            for (int i = 0; i < read.size(); i++) {
                assertSameRecord(expected.get(i), read.get(i));
            }
            // Reads from anywhere go through the rebuilt offset indexes.
            for (int i = 0; i < 300; i++) {
                int offset = random.nextInt(expected.size());
                List<Rec> one = Oracle.readFrom(log, offset, 1);
                assertEquals(1, one.size(), "a record at offset " + offset);
                assertSameRecord(expected.get(offset), one.get(0));
            }
            // And the log continues after Kafka's batches.
            Headers headers = Headers.of(new Header("after", "kafka".getBytes()));
            long offset = log.appendRecord(clock + 1, "k".getBytes(), "v".getBytes(), headers);
            assertEquals(expected.size(), offset, "offset of the first record Runnel appends");
            expected.add(new Rec(offset, clock + 1, "k".getBytes(), "v".getBytes(), headers));
            assertSameRecord(expected.get((int) offset), Oracle.readFrom(log, offset, 1).get(0));
        }
        assertTrue(Files.size(SegmentFiles.indexFile(dir, 0)) > 0, "the first segment's offset index was rebuilt");
        // Kafka reads the last segment, now Kafka's and Runnel's batches, to its end.
        List<Path> logs = files(dir, ".log");
        Path last = logs.get(logs.size() - 1);
        try (FileRecords records = FileRecords.open(last.toFile())) {
            int next = (int) Oracle.baseOffsetOf(last);
            int position = 0;
            for (FileChannelRecordBatch batch : records.batches()) {
                batch.ensureValid();
                for (Record record : batch) {
                    assertSameRecord(expected.get(next), record, last.getFileName().toString());
                    next++;
                }
                position += batch.sizeInBytes();
            }
            assertEquals(expected.size(), next, "Kafka reads every record of the last segment");
            assertEquals(Files.size(last), position, "the last segment ends at its last batch");
        }
    }

    private static MemoryRecordsBuilder builder(Flavour flavour, long baseOffset, long appendTime, int epoch) {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        return switch (flavour) {
            case PLAIN -> MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                    TimestampType.CREATE_TIME, baseOffset);
            case IDEMPOTENT -> MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                    TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, 4711L, (short) 3,
                    (int) baseOffset);
            case LOG_APPEND_TIME -> MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                    TimestampType.LOG_APPEND_TIME, baseOffset, appendTime);
            case LEADER_EPOCH -> MemoryRecords.builder(buffer, RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE,
                    TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID,
                    RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, false, epoch);
        };
    }

    private static org.apache.kafka.common.header.Header[] kafkaHeaders(Headers headers) {
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
        }
        return out;
    }
}
