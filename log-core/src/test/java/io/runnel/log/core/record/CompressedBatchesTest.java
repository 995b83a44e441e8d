package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.CompressionType;
import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compression oracle, per codec: Kafka 4.1.0's reader decompresses and validates the batches
 * our writer compresses, and our view and cursor read every field of the batches Kafka's builder
 * compresses.
 */
class CompressedBatchesTest {

    private record Batch(BatchFields fields, List<TestRecord> records) {
    }

    /** Text-like records that compress: repeated words, counters, a few headers. */
    static List<TestRecord> compressibleRecords(Random random, int count) {
        String[] words = {"order", "created", "customer", "amount", "EUR", "status", "shipped", "id"};
        List<TestRecord> records = new ArrayList<>(count);
        long time = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            StringBuilder value = new StringBuilder("{");
            for (int w = 0; w < 6 + random.nextInt(10); w++) {
                value.append('"').append(words[random.nextInt(words.length)]).append("\":").append(random.nextInt(1000))
                        .append(',');
            }
            value.append('}');
            Headers headers = random.nextInt(3) == 0 ? Headers.empty()
                    : Headers.of(new Header("trace-id", ("t-" + random.nextInt(100)).getBytes(StandardCharsets.UTF_8)));
            records.add(new TestRecord(time + i, ("customer-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8),
                    value.toString().getBytes(StandardCharsets.UTF_8), headers));
        }
        return records;
    }

    private static List<Batch> variedBatches(Random random) {
        List<Batch> batches = new ArrayList<>();
        long offset = 0;
        batches.add(new Batch(BatchFields.plain(offset), compressibleRecords(random, 2_000)));
        offset += 2_000;
        batches.add(new Batch(BatchFields.plain(offset), RecordFixtures.randomRecords(random, 1_000, true)));
        offset += 1_000;
        batches.add(new Batch(BatchFields.idempotent(offset), RecordFixtures.randomRecords(random, 300, false)));
        offset += 300;
        batches.add(new Batch(new BatchFields(offset, 99L, (short) 3, 0, 7, true, RecordBatch.NO_TIMESTAMP),
                RecordFixtures.randomRecords(random, 10, true)));
        offset += 10;
        batches.add(new Batch(new BatchFields(offset, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, 12, false, 1_800_000_000_000L), RecordFixtures.randomRecords(random, 50, true)));
        offset += 50;
        Headers nulls = Headers.of(new Header("ключ", null), new Header("鍵", new byte[0]),
                new Header("emoji-\uD83C\uDF89", new byte[] {1, 2, 3}));
        batches.add(new Batch(BatchFields.plain(offset), List.of(
                new TestRecord(5L, null, null, Headers.empty()),
                new TestRecord(4L, null, new byte[0], nulls),
                new TestRecord(RecordBatch.NO_TIMESTAMP, new byte[0], null, Headers.empty()),
                new TestRecord(Long.MAX_VALUE / 2, new byte[] {9}, new byte[] {8}, nulls))));
        offset += 4;
        // Large values: one that does not compress (stored blocks, raw LZ4 blocks) and one that does,
        // both spanning many codec blocks.
        byte[] random1m = RecordFixtures.randomBytes(random, 1 << 20);
        byte[] text = new byte[3 << 20];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + (i * 7 + i / 4096) % 26);
        }
        batches.add(new Batch(BatchFields.idempotent(offset), List.of(
                new TestRecord(1_700_000_000_000L, "big".getBytes(), random1m, nulls),
                new TestRecord(1_700_000_000_001L, text, null, Headers.empty()),
                new TestRecord(1_700_000_000_002L, null, text, Headers.empty()))));
        offset += 3;
        batches.add(new Batch(BatchFields.plain(offset + 1_000_000),
                List.of(new TestRecord(1L, new byte[] {1}, new byte[] {2}, Headers.empty()))));
        return batches;
    }

    private static ByteBuffer writeBackToBack(ByteBuffer target, List<Batch> batches, CompressionType codec) {
        RecordBatchWriter writer = new RecordBatchWriter();
        int position = 0;
        for (Batch batch : batches) {
            int size = RecordFixtures.writeOurs(writer, target, position, batch.fields(), batch.records(), codec);
            assertTrue(size > 0, "batch at " + batch.fields().baseOffset() + " did not fit: " + size);
            assertEquals(size, writer.sizeInBytes());
            assertEquals(codec.id(), new RecordBatchView().wrap(target, position).compressionCodec());
            position += size;
        }
        ByteBuffer written = target.duplicate();
        written.position(0).limit(position);
        return written;
    }

    private static void assertKafkaReads(ByteBuffer buffer, List<Batch> expected, CompressionType codec) {
        int bytes = 0;
        Iterator<Batch> expectedBatches = expected.iterator();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
            assertTrue(expectedBatches.hasNext(), "Kafka found more batches than written");
            Batch exp = expectedBatches.next();
            BatchFields f = exp.fields();
            String context = codec + " batch at offset " + f.baseOffset();
            batch.ensureValid();
            assertEquals(codec.id(), batch.compressionType().id, context);
            assertEquals(f.baseOffset(), batch.baseOffset(), context);
            assertEquals(f.baseOffset() + exp.records().size() - 1, batch.lastOffset(), context);
            assertEquals(exp.records().size(), batch.countOrNull(), context);
            assertEquals(f.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                    batch.timestampType(), context);
            assertEquals(f.producerId(), batch.producerId(), context);
            assertEquals(f.producerEpoch(), batch.producerEpoch(), context);
            assertEquals(f.baseSequence(), batch.baseSequence(), context);
            assertEquals(f.partitionLeaderEpoch(), batch.partitionLeaderEpoch(), context);
            assertEquals(f.transactional(), batch.isTransactional(), context);
            int i = 0;
            for (Record record : batch) {
                TestRecord r = exp.records().get(i);
                String where = context + ", record " + i;
                record.ensureValid();
                assertEquals(f.baseOffset() + i, record.offset(), where);
                assertEquals(f.isLogAppendTime() ? f.logAppendTime() : r.timestamp(), record.timestamp(), where);
                assertArrayEquals(r.key(), RecordFixtures.bytes(record.key()), where);
                assertArrayEquals(r.value(), RecordFixtures.bytes(record.value()), where);
                assertEquals(r.headers(), RecordFixtures.runnelHeaders(record.headers()), where);
                i++;
            }
            assertEquals(exp.records().size(), i, context + ": record count");
            bytes += batch.sizeInBytes();
        }
        assertFalse(expectedBatches.hasNext(), "Kafka found fewer batches than written");
        assertEquals(buffer.remaining(), bytes, "Kafka consumed every byte");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void kafkaDecompressesAndReadsEveryFieldOfOurCompressedBatches(CompressionType codec) {
        Random random = new Random(RecordFixtures.seed("our " + codec + " batches read by Kafka"));
        List<Batch> batches = variedBatches(random);
        ByteBuffer written = writeBackToBack(ByteBuffer.allocate(32 << 20), batches, codec);
        assertKafkaReads(written, batches, codec);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void ourCompressedBatchesInADirectBufferReadBackThroughKafkaAndThroughUs(CompressionType codec) {
        Random random = new Random(RecordFixtures.seed("our " + codec + " batches, direct buffer"));
        List<Batch> batches = variedBatches(random);
        ByteBuffer region = ByteBuffer.allocateDirect(32 << 20).position(13).slice();
        ByteBuffer written = writeBackToBack(region, batches, codec);
        assertKafkaReads(written, batches, codec);
        RecordBatchView view = new RecordBatchView();
        int position = 0;
        for (Batch batch : batches) {
            RecordFixtures.assertBatchReadsAs(written, position, batch.fields(), batch.records(), "ours, " + codec);
            position = view.wrap(written, position).end();
        }
        assertEquals(written.limit(), position);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void ourViewAndCursorReadEveryFieldOfKafkasCompressedBatches(CompressionType codec) {
        long seed = RecordFixtures.seed("Kafka " + codec + " batches read by us");
        Random random = new Random(seed);
        for (Batch batch : variedBatches(random)) {
            ByteBuffer kafka = RecordFixtures.writeKafka(batch.fields(), batch.records(), codec);
            assertEquals(codec.id(), new RecordBatchView().wrap(kafka, 0).compressionCodec());
            RecordFixtures.assertBatchReadsAs(kafka, 0, batch.fields(), batch.records(),
                    "seed " + seed + ", Kafka " + codec + ", " + batch.fields());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void oneCursorWalksKafkasCompressedAndPlainBatchesBackToBack(CompressionType codec) {
        long seed = RecordFixtures.seed("Kafka " + codec + " and plain batches back to back");
        Random random = new Random(seed);
        ByteBuffer all = ByteBuffer.allocate(16 << 20);
        List<List<TestRecord>> expected = new ArrayList<>();
        long offset = 0;
        for (int b = 0; b < 12; b++) {
            // Sizes going up and down, so the cursor's scratch is reused larger than needed.
            int count = b % 3 == 0 ? 2_000 : 1 + random.nextInt(50);
            List<TestRecord> records = b % 2 == 0 ? compressibleRecords(random, count)
                    : RecordFixtures.randomRecords(random, count, true);
            all.put(RecordFixtures.writeKafka(BatchFields.plain(offset), records,
                    b % 4 == 3 ? CompressionType.NONE : codec));
            expected.add(records);
            offset += count;
        }
        all.flip();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        int position = 0;
        long next = 0;
        for (List<TestRecord> records : expected) {
            view.wrap(all, position).ensureValid();
            cursor.reset(view);
            for (TestRecord r : records) {
                assertTrue(cursor.next(), "seed " + seed);
                assertEquals(next++, cursor.offset(), "seed " + seed);
                assertArrayEquals(r.key(), cursor.key(), "seed " + seed);
                assertArrayEquals(r.value(), cursor.value(), "seed " + seed);
                assertEquals(r.headers(), cursor.headers(), "seed " + seed);
            }
            assertFalse(cursor.next(), "seed " + seed);
            position = view.end();
        }
        assertEquals(all.limit(), position);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void compressibleRecordsTakeLessSpaceThanUncompressed(CompressionType codec) {
        List<TestRecord> records = compressibleRecords(new Random(7), 1_000);
        int plain = RecordFixtures.writeOurs(BatchFields.plain(0), records).remaining();
        int compressed = RecordFixtures.writeOurs(BatchFields.plain(0), records, codec).remaining();
        System.out.println(codec + ": 1000 text records, " + plain + " bytes plain, " + compressed + " compressed");
        assertTrue(compressed < plain / 2, codec + ": " + compressed + " bytes, plain " + plain);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void incompressibleRecordsDoNotFitCompressedAndTheWriterFallsBackToUncompressed(CompressionType codec) {
        Random random = new Random(RecordFixtures.seed(codec + " fallback"));
        List<TestRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(new TestRecord(1_700_000_000_000L + i, null, RecordFixtures.randomBytes(random, 2_000),
                    Headers.empty()));
        }
        int plainSize = RecordFixtures.writeOurs(BatchFields.plain(0), records).remaining();
        ByteBuffer target = ByteBuffer.allocate(plainSize + 10);
        RecordBatchWriter writer = new RecordBatchWriter().begin(target, 5, plainSize, 0L, RecordBatch.NO_TIMESTAMP)
                .compression(codec);
        for (TestRecord r : records) {
            assertTrue(writer.append(r.timestamp(), r.key(), r.value(), r.headers()));
        }
        assertEquals(plainSize, writer.sizeInBytes(), "the uncompressed size while in progress");
        assertEquals(RecordBatchWriter.DOES_NOT_FIT, writer.finish(), "random bytes grow when compressed");
        assertTrue(Arrays.equals(new byte[plainSize + 10], target.array()), "nothing was written");
        assertEquals(plainSize, writer.compression(CompressionType.NONE).finish());
        RecordBatchView view = new RecordBatchView().wrap(target, 5);
        assertEquals(0, view.compressionCodec());
        RecordFixtures.assertBatchReadsAs(target, 5, BatchFields.plain(0), records, codec + " fallback");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aLargerUncompressedBoundPacksMoreRecordsIntoTheSameRegion(CompressionType codec) {
        List<TestRecord> records = compressibleRecords(new Random(11), 5_000);
        int capacity = 16 * 1024;
        ByteBuffer target = ByteBuffer.allocate(capacity);
        RecordBatchWriter writer = new RecordBatchWriter().begin(target, 0, capacity, 0L, RecordBatch.NO_TIMESTAMP)
                .compression(codec).maxUncompressedSize(3 * capacity / 2); // each codec more than halves these
        int appended = 0;
        while (appended < records.size()) {
            TestRecord r = records.get(appended);
            if (!writer.append(r.timestamp(), r.key(), r.value(), r.headers())) {
                break;
            }
            appended++;
        }
        assertTrue(writer.sizeInBytes() > 4 * capacity / 3, "uncompressed " + writer.sizeInBytes());
        assertEquals(3 * capacity / 2 - writer.sizeInBytes(), writer.remaining());
        int size = writer.finish();
        assertTrue(size > 0 && size <= capacity, codec + ": " + size);
        assertEquals(size, writer.sizeInBytes());
        RecordFixtures.assertBatchReadsAs(target, 0, BatchFields.plain(0), records.subList(0, appended),
                codec + " packed");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void compressionChosenAfterTheFirstRecordsStillCoversThemAll(CompressionType codec) {
        List<TestRecord> records = compressibleRecords(new Random(3), 100);
        ByteBuffer target = ByteBuffer.allocate(64 * 1024);
        RecordBatchWriter writer = new RecordBatchWriter().begin(target, 0, target.capacity(), 0L,
                RecordBatch.NO_TIMESTAMP);
        for (int i = 0; i < records.size(); i++) {
            if (i == 40) {
                writer.compression(codec);
            }
            TestRecord r = records.get(i);
            assertTrue(writer.append(r.timestamp(), r.key(), r.value(), r.headers()));
        }
        int size = writer.finish();
        assertEquals(codec.id(), new RecordBatchView().wrap(target, 0).compressionCodec());
        ByteBuffer batch = target.duplicate().limit(size);
        assertKafkaReads(batch, List.of(new Batch(BatchFields.plain(0), records)), codec);
        RecordFixtures.assertBatchReadsAs(batch, 0, BatchFields.plain(0), records, codec + " late");
    }
}
