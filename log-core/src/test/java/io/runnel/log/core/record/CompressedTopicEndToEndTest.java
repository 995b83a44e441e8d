package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.CommitLog;
import io.runnel.log.CompressionType;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.OffsetReset;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.kafka.common.record.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.FileRecords;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A compressed topic end to end: batches compressed by our writer and by Kafka's builder are
 * appended to a partition ({@code PartitionLog.append}; the interim producer writes one
 * uncompressed record per batch), read back through the public consumer API, found by
 * timestamp, read again after a reopen, and the segment files read by Kafka's
 * {@code FileRecords}.
 */
class CompressedTopicEndToEndTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aConsumerReadsCompressedBatchesAppendedToATopicBeforeAndAfterAReopen(CompressionType codec)
            throws IOException {
        long seed = RecordFixtures.seed(codec + " end to end");
        Random random = new Random(seed);
        Path dir = tmp.resolve(codec.configName());
        TopicPartition tp = new TopicPartition("events", 0);
        List<TestRecord> expected = new ArrayList<>();
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("events", TopicConfig.builder().partitions(1).segmentBytes(64 * 1024).build());
            PartitionLog partition = ((LogAccess) log).partitionLog(tp);
            for (int b = 0; b < 30; b++) {
                List<TestRecord> records = b % 2 == 0 ? CompressedBatchesTest.compressibleRecords(random, 200)
                        : RecordFixtures.randomRecords(random, 1 + random.nextInt(100), true);
                ByteBuffer batch = b % 3 == 0 ? RecordFixtures.writeKafka(BatchFields.plain(0L), records, codec)
                        : RecordFixtures.writeOurs(BatchFields.plain(0L), records, codec);
                assertEquals(expected.size(), partition.append(batch), "base offset of batch " + b);
                expected.addAll(records);
            }
            assertConsumerReads(log, tp, expected, "seed " + seed + ", " + codec);
            // A time lookup decompresses batches through the same cursor.
            long target = expected.get(expected.size() / 2).timestamp();
            OptionalLong found = log.topic("events").orElseThrow().partition(0).offsetForTimestamp(target);
            assertTrue(found.isPresent());
            assertTrue(expected.get((int) found.getAsLong()).timestamp() >= target);
        }
        try (CommitLog log = CommitLog.open(dir)) {
            assertConsumerReads(log, tp, expected, "after reopen, seed " + seed + ", " + codec);
        }
        assertKafkaReadsTheSegments(dir.resolve("events-0"), expected, codec);
    }

    private static void assertConsumerReads(CommitLog log, TopicPartition tp, List<TestRecord> expected,
            String context) {
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(777)
                .build();
        try (Consumer<byte[], byte[]> consumer = log.consumer(config, Serdes.bytes(), Serdes.bytes())) {
            consumer.assign(List.of(tp));
            int next = 0;
            while (next < expected.size()) {
                int before = next;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(5))) {
                    TestRecord r = expected.get(next);
                    String where = context + ", offset " + next;
                    assertEquals(next, record.offset(), where);
                    assertEquals(r.timestamp(), record.timestamp(), where);
                    assertArrayEquals(r.key(), record.key(), where);
                    assertArrayEquals(r.value(), record.value(), where);
                    assertEquals(r.headers(), record.headers(), where);
                    next++;
                }
                assertTrue(next > before, context + ": poll returned nothing at offset " + next);
            }
            assertEquals(expected.size(), consumer.position(tp));
        }
    }

    private static void assertKafkaReadsTheSegments(Path partitionDir, List<TestRecord> expected,
            CompressionType codec) throws IOException {
        List<Path> logs;
        try (Stream<Path> files = Files.list(partitionDir)) {
            logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(logs.size() > 1, "several segments: " + logs);
        int next = 0;
        for (Path file : logs) {
            try (FileRecords records = FileRecords.open(file.toFile())) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    batch.ensureValid();
                    assertEquals(codec.id(), batch.compressionType().id, file + ": codec");
                    for (Record record : batch) {
                        TestRecord r = expected.get(next);
                        assertEquals(next, record.offset(), file.toString());
                        assertArrayEquals(r.value(), RecordFixtures.bytes(record.value()), file + ", offset " + next);
                        next++;
                    }
                }
            }
        }
        assertEquals(expected.size(), next, "Kafka read every record");
    }
}
