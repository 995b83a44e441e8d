package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The oracle from our writer to Kafka's reader: every batch valid, every field equal. */
class KafkaReadsOurBatchesTest {

    private record Batch(BatchFields fields, List<TestRecord> records) {
    }

    private static List<Batch> variedBatches(Random random) {
        List<Batch> batches = new ArrayList<>();
        long offset = 0;
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
        Headers nullValues = Headers.of(new Header("ключ", null), new Header("鍵", new byte[0]),
                new Header("emoji-\uD83C\uDF89", new byte[] {1, 2, 3}), new Header("ключ", null));
        batches.add(new Batch(BatchFields.plain(offset), List.of(
                new TestRecord(5L, null, null, Headers.empty()),
                new TestRecord(4L, null, new byte[0], nullValues),
                new TestRecord(RecordBatch.NO_TIMESTAMP, new byte[0], null, Headers.empty()),
                new TestRecord(Long.MAX_VALUE / 2, new byte[] {9}, new byte[] {8}, nullValues))));
        offset += 4;
        byte[] large = RecordFixtures.randomBytes(random, 1 << 20);
        batches.add(new Batch(BatchFields.idempotent(offset), List.of(
                new TestRecord(1_700_000_000_000L, "big".getBytes(), large, nullValues),
                new TestRecord(1_700_000_000_001L, large, null, Headers.empty()))));
        offset += 2;
        batches.add(new Batch(BatchFields.plain(offset + 1_000_000),
                List.of(new TestRecord(1L, new byte[] {1}, new byte[] {2}, Headers.empty()))));
        return batches;
    }

    private static void assertKafkaReads(ByteBuffer buffer, List<Batch> expected) {
        int bytes = 0;
        Iterator<Batch> expectedBatches = expected.iterator();
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
            assertTrue(expectedBatches.hasNext(), "Kafka found more batches than written");
            Batch exp = expectedBatches.next();
            BatchFields f = exp.fields();
            String context = "batch at offset " + f.baseOffset();
            batch.ensureValid();
            assertTrue(batch.isValid(), context);
            assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic(), context);
            assertEquals(f.baseOffset(), batch.baseOffset(), context);
            assertEquals(f.baseOffset() + exp.records().size() - 1, batch.lastOffset(), context);
            assertEquals(exp.records().size(), batch.countOrNull(), context);
            long max = f.isLogAppendTime() ? f.logAppendTime()
                    : exp.records().stream().mapToLong(TestRecord::timestamp).max().orElseThrow();
            assertEquals(max, batch.maxTimestamp(), context);
            assertEquals(f.isLogAppendTime() ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
                    batch.timestampType(), context);
            assertEquals(f.producerId(), batch.producerId(), context);
            assertEquals(f.producerEpoch(), batch.producerEpoch(), context);
            assertEquals(f.baseSequence(), batch.baseSequence(), context);
            assertEquals(f.partitionLeaderEpoch(), batch.partitionLeaderEpoch(), context);
            assertEquals(f.transactional(), batch.isTransactional(), context);
            assertFalse(batch.isControlBatch(), context);
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
                if (f.producerId() != RecordBatch.NO_PRODUCER_ID) {
                    assertEquals(f.baseSequence() + i, record.sequence(), where);
                }
                i++;
            }
            assertEquals(exp.records().size(), i, context + ": record count");
            bytes += batch.sizeInBytes();
        }
        assertFalse(expectedBatches.hasNext(), "Kafka found fewer batches than written");
        assertEquals(buffer.remaining(), bytes, "Kafka consumed every byte");
    }

    private static ByteBuffer writeBackToBack(ByteBuffer target, List<Batch> batches) {
        RecordBatchWriter writer = new RecordBatchWriter();
        int position = target.position();
        for (Batch batch : batches) {
            int size = RecordFixtures.writeOurs(writer, target, position, batch.fields(), batch.records());
            assertEquals(batch.records().size(), writer.recordCount());
            assertEquals(size, writer.sizeInBytes());
            position += size;
        }
        assertEquals(0, target.position(), "the writer moved the target's position");
        ByteBuffer written = target.duplicate();
        written.limit(position);
        return written;
    }

    @Test
    void kafkaReadsEveryFieldOfOurBatchesWrittenBackToBackInAHeapBuffer() {
        Random random = new Random(RecordFixtures.seed("our batches, heap buffer"));
        List<Batch> batches = variedBatches(random);
        ByteBuffer written = writeBackToBack(ByteBuffer.allocate(8 << 20), batches);
        assertKafkaReads(written, batches);
    }

    @Test
    void kafkaReadsEveryFieldOfOurBatchesWrittenAtAnOddOffsetInADirectBuffer() {
        Random random = new Random(RecordFixtures.seed("our batches, direct buffer"));
        List<Batch> batches = variedBatches(random);
        ByteBuffer direct = ByteBuffer.allocateDirect(8 << 20);
        ByteBuffer region = direct.position(13).slice();
        ByteBuffer written = writeBackToBack(region, batches);
        assertKafkaReads(written, batches);
        // And our own reader agrees, walking the batches with one view.
        RecordBatchView view = new RecordBatchView();
        int position = 0;
        for (Batch batch : batches) {
            RecordFixtures.assertBatchReadsAs(written, position, batch.fields(), batch.records(), "ours, direct");
            position = view.wrap(written, position).end();
        }
        assertEquals(written.limit(), position);
    }

    @Test
    void kafkaReadsTheConvenienceEncoding() {
        Headers headers = Headers.of(new Header("h", null));
        ByteBuffer batch = RecordBatchWriter.encode(77L, 1234L, "k".getBytes(), "v".getBytes(), headers);
        assertEquals(RecordBatchWriter.maxBatchSizeFor(1, 1, headers), batch.remaining());
        assertKafkaReads(batch, List.of(new Batch(BatchFields.plain(77L),
                List.of(new TestRecord(1234L, "k".getBytes(), "v".getBytes(), headers)))));
    }

    /**
     * Kafka 4.1.0's own writer sizes a header key with {@code Utils.utf8Length}, which counts a lone
     * high surrogate as four bytes, but writes {@code getBytes(UTF_8)}, which replaces it with
     * {@code '?'}: its record length is then wrong under a valid CRC. Ours writes the bytes it sized.
     */
    @Test
    void kafkaReadsHeaderKeysWithLoneSurrogatesAsTheJdkEncodesThem() {
        Headers headers = Headers.of(new Header("a\uD800b", new byte[] {1}), new Header("\uDC00", null));
        ByteBuffer batch = RecordBatchWriter.encode(0L, 1L, null, "v".getBytes(), headers);
        Headers asEncoded = Headers.of(new Header("a?b", new byte[] {1}), new Header("?", null));
        assertKafkaReads(batch, List.of(new Batch(BatchFields.plain(0L),
                List.of(new TestRecord(1L, null, "v".getBytes(), asEncoded)))));
    }
}
