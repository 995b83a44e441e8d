package io.runnel.log.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.CompressionType;
import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/** Shared test data: random records, batch fields, and writers for both sides of the oracle. */
final class RecordFixtures {

    /** Header keys, non-ASCII and supplementary characters included. */
    static final String[] HEADER_KEYS = {
        "trace-id", "", "ключ", "鍵", "clé", "emoji-\uD83C\uDF89", "a".repeat(200), "k"
    };

    private RecordFixtures() {
    }

    /** One record as the application gives it. */
    record TestRecord(long timestamp, byte[] key, byte[] value, Headers headers) {
    }

    /**
     * The header fields of a batch.
     *
     * @param logAppendTime {@code NO_TIMESTAMP} for a create-time batch
     */
    record BatchFields(long baseOffset, long producerId, short producerEpoch, int baseSequence,
            int partitionLeaderEpoch, boolean transactional, long logAppendTime) {

        static BatchFields plain(long baseOffset) {
            return new BatchFields(baseOffset, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                    RecordBatch.NO_SEQUENCE, RecordBatch.NO_PARTITION_LEADER_EPOCH, false, RecordBatch.NO_TIMESTAMP);
        }

        static BatchFields idempotent(long baseOffset) {
            return new BatchFields(baseOffset, 4_000_000_123L, (short) 7, 1_000, 42, false, RecordBatch.NO_TIMESTAMP);
        }

        boolean isLogAppendTime() {
            return logAppendTime != RecordBatch.NO_TIMESTAMP;
        }
    }

    /** A seed to print and to replay with {@code -Drunnel.test.seed=...}. */
    static long seed(String test) {
        long seed = Long.getLong("runnel.test.seed", System.nanoTime());
        System.out.println(test + ": seed " + seed + " (replay with -Drunnel.test.seed=" + seed + ")");
        return seed;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Null, empty, short and medium keys and values, timestamps going up and down. */
    static List<TestRecord> randomRecords(Random random, int count, boolean withHeaders) {
        List<TestRecord> records = new ArrayList<>(count);
        long time = 1_700_000_000_000L + random.nextInt(1_000_000);
        for (int i = 0; i < count; i++) {
            long timestamp = random.nextInt(50) == 0 ? RecordBatch.NO_TIMESTAMP
                    : time + random.nextInt(20_000) - 10_000;
            time += random.nextInt(100);
            records.add(new TestRecord(timestamp, randomPayload(random), randomPayload(random),
                    withHeaders ? randomHeaders(random) : Headers.empty()));
        }
        return records;
    }

    static byte[] randomPayload(Random random) {
        switch (random.nextInt(6)) {
            case 0:
                return null;
            case 1:
                return new byte[0];
            case 2:
                return randomBytes(random, 1 + random.nextInt(8));
            case 3:
                return randomBytes(random, 60 + random.nextInt(80)); // lengths around the 1/2-byte varint edge
            default:
                return randomBytes(random, random.nextInt(400));
        }
    }

    static Headers randomHeaders(Random random) {
        int count = random.nextInt(4);
        Header[] headers = new Header[count];
        for (int i = 0; i < count; i++) {
            String key = HEADER_KEYS[random.nextInt(HEADER_KEYS.length)];
            byte[] value = random.nextInt(4) == 0 ? null : randomBytes(random, random.nextInt(30));
            headers[i] = new Header(key, value);
        }
        return Headers.of(headers);
    }

    static org.apache.kafka.common.header.Header[] kafkaHeaders(Headers headers) {
        org.apache.kafka.common.header.Header[] kafka = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < kafka.length; i++) {
            kafka[i] = new RecordHeader(headers.get(i).key(), headers.get(i).value());
        }
        return kafka;
    }

    static Headers runnelHeaders(org.apache.kafka.common.header.Header[] kafka) {
        Header[] headers = new Header[kafka.length];
        for (int i = 0; i < kafka.length; i++) {
            headers[i] = new Header(kafka[i].key(), kafka[i].value());
        }
        return Headers.of(headers);
    }

    /** The bytes from position to limit, or null. */
    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Capacity for a batch of these records, generously. */
    static int capacityFor(List<TestRecord> records) {
        long size = RecordBatchDescriptor.HEADER_SIZE;
        for (TestRecord r : records) {
            // A one-record batch, plus the widest timestamp delta (10 bytes) and offset delta (5).
            size += RecordBatchWriter.maxBatchSizeFor(r.key() == null ? -1 : r.key().length,
                    r.value() == null ? -1 : r.value().length, r.headers()) + 10 + 5;
        }
        return Math.toIntExact(size);
    }

    /** Writes one batch with our writer at {@code offset} and returns its size. */
    static int writeOurs(RecordBatchWriter writer, ByteBuffer target, int offset, BatchFields fields,
            List<TestRecord> records) {
        return writeOurs(writer, target, offset, fields, records, CompressionType.NONE);
    }

    /** Writes one batch with our writer and a codec at {@code offset} and returns its size. */
    static int writeOurs(RecordBatchWriter writer, ByteBuffer target, int offset, BatchFields fields,
            List<TestRecord> records, CompressionType compression) {
        writer.begin(target, offset, target.limit() - offset, fields.baseOffset(), RecordBatch.NO_TIMESTAMP)
                .compression(compression)
                .producerId(fields.producerId())
                .producerEpoch(fields.producerEpoch())
                .baseSequence(fields.baseSequence())
                .partitionLeaderEpoch(fields.partitionLeaderEpoch())
                .transactional(fields.transactional());
        if (fields.isLogAppendTime()) {
            writer.logAppendTime(fields.logAppendTime());
        }
        for (TestRecord r : records) {
            if (!writer.append(r.timestamp(), r.key(), r.value(), r.headers())) {
                throw new AssertionError("record did not fit");
            }
        }
        return writer.finish();
    }

    /** One batch written by our writer, in a buffer of exactly its size. */
    static ByteBuffer writeOurs(BatchFields fields, List<TestRecord> records) {
        return writeOurs(fields, records, CompressionType.NONE);
    }

    /** One batch written by our writer with a codec, in a buffer of exactly its size. */
    static ByteBuffer writeOurs(BatchFields fields, List<TestRecord> records, CompressionType compression) {
        int capacity = capacityFor(records);
        // Room for incompressible records, which a codec's framing makes a little larger.
        ByteBuffer buffer = ByteBuffer.allocate(capacity + capacity / 32 + 1024);
        int size = writeOurs(new RecordBatchWriter(), buffer, 0, fields, records, compression);
        if (size <= 0) {
            throw new AssertionError("the batch did not fit: " + size);
        }
        buffer.limit(size);
        return buffer.slice();
    }

    /** Kafka's compression for a codec, at Kafka's default level. */
    static Compression kafkaCompression(CompressionType type) {
        return type == CompressionType.NONE ? Compression.NONE
                : Compression.of(org.apache.kafka.common.record.CompressionType.forId(type.id())).build();
    }

    /** One batch written by Kafka's {@link MemoryRecordsBuilder}, in a buffer of exactly its size. */
    static ByteBuffer writeKafka(BatchFields fields, List<TestRecord> records) {
        return writeKafka(fields, records, CompressionType.NONE);
    }

    /** One batch written by Kafka's {@link MemoryRecordsBuilder} with a codec, in a buffer of exactly its size. */
    static ByteBuffer writeKafka(BatchFields fields, List<TestRecord> records, CompressionType compression) {
        TimestampType type = fields.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(capacityFor(records)),
                RecordBatch.MAGIC_VALUE_V2, kafkaCompression(compression), type, fields.baseOffset(),
                fields.logAppendTime(),
                fields.producerId(), fields.producerEpoch(), fields.baseSequence(), fields.transactional(),
                fields.partitionLeaderEpoch());
        for (TestRecord r : records) {
            builder.append(r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
        }
        ByteBuffer built = builder.build().buffer();
        ByteBuffer copy = ByteBuffer.allocate(built.remaining());
        copy.put(built.duplicate()).flip();
        return copy;
    }

    /** Reads a batch with our view and cursor and checks every field against the inputs. */
    static void assertBatchReadsAs(ByteBuffer buffer, int offset, BatchFields fields, List<TestRecord> records,
            String context) {
        RecordBatchView view = new RecordBatchView().wrap(buffer, offset);
        view.ensureValid();
        assertEquals(fields.baseOffset(), view.baseOffset(), context);
        assertEquals(fields.baseOffset() + records.size() - 1, view.lastOffset(), context);
        assertEquals(records.size(), view.recordCount(), context);
        assertEquals(fields.producerId(), view.producerId(), context);
        assertEquals(fields.producerEpoch(), view.producerEpoch(), context);
        assertEquals(fields.baseSequence(), view.baseSequence(), context);
        assertEquals(fields.partitionLeaderEpoch(), view.partitionLeaderEpoch(), context);
        assertEquals(fields.transactional(), view.isTransactional(), context);
        assertEquals(fields.isLogAppendTime(), view.isLogAppendTime(), context);
        assertEquals(records.get(0).timestamp(), view.baseTimestamp(), context);
        long max = fields.isLogAppendTime() ? fields.logAppendTime()
                : records.stream().mapToLong(TestRecord::timestamp).max().orElseThrow();
        assertEquals(max, view.maxTimestamp(), context);
        RecordCursor cursor = new RecordCursor().reset(view);
        for (int i = 0; i < records.size(); i++) {
            TestRecord expected = records.get(i);
            String where = context + ", record " + i;
            assertTrue(cursor.next(), where);
            assertEquals(fields.baseOffset() + i, cursor.offset(), where);
            assertEquals(fields.isLogAppendTime() ? fields.logAppendTime() : expected.timestamp(), cursor.timestamp(),
                    where);
            assertArrayEquals(expected.key(), cursor.key(), where);
            assertArrayEquals(expected.value(), cursor.value(), where);
            assertEquals(expected.key() == null ? -1 : expected.key().length, cursor.keyLength(), where);
            assertEquals(expected.value() == null ? -1 : expected.value().length, cursor.valueLength(), where);
            assertEquals(expected.headers(), cursor.headers(), where);
            assertEquals(expected.headers().size(), cursor.headerCount(), where);
        }
        assertFalse(cursor.next(), context + ": more records than written");
    }
}
