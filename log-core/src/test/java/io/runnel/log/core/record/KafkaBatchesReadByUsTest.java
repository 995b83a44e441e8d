package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The oracle from Kafka's writer to our reader, and byte identity of the two writers. */
class KafkaBatchesReadByUsTest {

    private static List<BatchFields> fieldVariants() {
        return List.of(
                BatchFields.plain(0L),
                BatchFields.plain(123_456_789_012L),
                BatchFields.idempotent(1_000L),
                new BatchFields(5L, 77L, (short) 0, Integer.MAX_VALUE - 5_000, 3, true, RecordBatch.NO_TIMESTAMP),
                new BatchFields(5L, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                        RecordBatch.NO_SEQUENCE, 0, false, 1_750_000_000_000L),
                new BatchFields(9L, 11L, (short) 2, 0, 2, false, 1_750_000_000_000L));
    }

    @Test
    void ourViewAndCursorReadEveryFieldOfKafkasBatches() {
        long seed = RecordFixtures.seed("Kafka batches read by us");
        Random random = new Random(seed);
        for (BatchFields fields : fieldVariants()) {
            for (boolean withHeaders : new boolean[] {false, true}) {
                List<TestRecord> records = RecordFixtures.randomRecords(random, 1 + random.nextInt(500), withHeaders);
                ByteBuffer kafka = RecordFixtures.writeKafka(fields, records);
                RecordFixtures.assertBatchReadsAs(kafka, 0, fields, records,
                        "seed " + seed + ", " + fields + ", headers " + withHeaders);
            }
        }
    }

    @Test
    void ourBytesAreIdenticalToKafkasForTheSameRecordsAndFields() {
        long seed = RecordFixtures.seed("byte identity");
        Random random = new Random(seed);
        for (BatchFields fields : fieldVariants()) {
            for (int count : new int[] {1, 2, 17, 1_000}) {
                List<TestRecord> records = RecordFixtures.randomRecords(random, count, random.nextBoolean());
                assertArrayEquals(RecordFixtures.bytes(RecordFixtures.writeKafka(fields, records)),
                        RecordFixtures.bytes(RecordFixtures.writeOurs(fields, records)),
                        "seed " + seed + ", " + fields + ", " + count + " records");
            }
        }
    }

    @Test
    void ourBytesAreIdenticalToKafkasForEdgeCaseRecords() {
        Headers odd = Headers.of(new Header("ключ", null), new Header("", new byte[0]),
                new Header("emoji-\uD83C\uDF89", new byte[300]));
        byte[] large = RecordFixtures.randomBytes(new Random(1), (1 << 20) + 3);
        List<TestRecord> records = List.of(
                new TestRecord(1_700_000_000_000L, null, null, odd),
                new TestRecord(RecordBatch.NO_TIMESTAMP, new byte[0], new byte[0], Headers.empty()),
                new TestRecord(0L, large, new byte[127], odd),
                new TestRecord(Long.MAX_VALUE, new byte[128], large, Headers.empty()),
                new TestRecord(1_699_999_999_000L, new byte[] {1}, null, Headers.empty()));
        for (BatchFields fields : fieldVariants()) {
            ByteBuffer ours = RecordFixtures.writeOurs(fields, records);
            assertArrayEquals(RecordFixtures.bytes(RecordFixtures.writeKafka(fields, records)),
                    RecordFixtures.bytes(ours), fields.toString());
            RecordFixtures.assertBatchReadsAs(ours, 0, fields, records, fields.toString());
        }
    }

    @Test
    void oneViewAndCursorWalkKafkasBatchesBackToBack() {
        Random random = new Random(RecordFixtures.seed("Kafka batches back to back"));
        List<List<TestRecord>> expected = new ArrayList<>();
        List<BatchFields> fields = new ArrayList<>();
        ByteBuffer all = ByteBuffer.allocate(4 << 20);
        long offset = 0;
        for (BatchFields variant : fieldVariants()) {
            BatchFields f = new BatchFields(offset, variant.producerId(), variant.producerEpoch(),
                    variant.baseSequence(), variant.partitionLeaderEpoch(), variant.transactional(),
                    variant.logAppendTime());
            List<TestRecord> records = RecordFixtures.randomRecords(random, 1 + random.nextInt(200), true);
            all.put(RecordFixtures.writeKafka(f, records));
            expected.add(records);
            fields.add(f);
            offset += records.size();
        }
        all.flip();
        RecordBatchView view = new RecordBatchView();
        RecordCursor cursor = new RecordCursor();
        int position = 0;
        long nextOffset = 0;
        for (int b = 0; b < expected.size(); b++) {
            view.wrap(all, position);
            assertTrue(view.isValid(), "batch " + b);
            assertEquals(nextOffset, view.baseOffset(), "batch " + b);
            cursor.reset(view);
            while (cursor.next()) {
                assertEquals(nextOffset++, cursor.offset());
            }
            assertEquals(view.nextOffset(), nextOffset);
            RecordFixtures.assertBatchReadsAs(all, position, fields.get(b), expected.get(b), "batch " + b);
            position = view.end();
        }
        assertEquals(all.limit(), position);
    }

    @Test
    void aBatchWithAnUnknownCodecIdIsRefusedNamingTheCodec() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.gzip().build(),
                TimestampType.CREATE_TIME, 0L);
        builder.append(1L, "k".getBytes(), "v".getBytes());
        ByteBuffer batch = builder.build().buffer();
        int at = batch.position() + RecordBatchDescriptor.ATTRIBUTES_OFFSET;
        for (int codec = 5; codec <= 7; codec++) {
            batch.putShort(at, (short) ((batch.getShort(at) & ~RecordBatchDescriptor.COMPRESSION_CODEC_MASK) | codec));
            RecordBatchView view = new RecordBatchView().wrap(batch, batch.position());
            assertEquals(codec, view.compressionCodec());
            InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> new RecordCursor().reset(view));
            assertTrue(e.getMessage().contains("unknown compression codec " + codec), e.getMessage());
            assertEquals(at, e.index());
        }
    }

    @Test
    void anEmptyBatchLeftByCompactionIsValidAndHasNoRecords() {
        ByteBuffer empty = ByteBuffer.allocate(RecordBatchDescriptor.HEADER_SIZE);
        DefaultRecordBatch.writeEmptyHeader(empty, RecordBatch.MAGIC_VALUE_V2, 12L, (short) 1, 40, 100L, 109L, 5,
                TimestampType.CREATE_TIME, 1_700_000_000_000L, true, false);
        empty.flip();
        RecordBatchView view = new RecordBatchView().wrap(empty, 0);
        view.ensureValid();
        assertEquals(100L, view.baseOffset());
        assertEquals(109L, view.lastOffset());
        assertEquals(0, view.recordCount());
        assertTrue(view.isTransactional());
        RecordCursor cursor = new RecordCursor().reset(view);
        assertFalse(cursor.next());
    }

    @Test
    void aTransactionMarkerIsAValidControlBatch() {
        ByteBuffer marker = MemoryRecords.withEndTransactionMarker(500L, 1_700_000_000_000L, 3, 77L, (short) 2,
                new EndTransactionMarker(ControlRecordType.COMMIT, 9)).buffer();
        RecordBatchView view = new RecordBatchView().wrap(marker, marker.position());
        view.ensureValid();
        assertTrue(view.isControl());
        assertTrue(view.isTransactional());
        assertEquals(77L, view.producerId());
        assertEquals(3, view.partitionLeaderEpoch());
        RecordCursor cursor = new RecordCursor().reset(view);
        assertTrue(cursor.next());
        assertEquals(500L, cursor.offset());
        assertEquals(4, cursor.keyLength(), "a control record key: version and type, two int16");
        assertFalse(cursor.next());
    }
}
