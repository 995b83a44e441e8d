package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.NO_TIMESTAMP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import org.apache.kafka.common.record.DefaultRecord;
import org.junit.jupiter.api.Test;

class RecordBatchWriterTest {
    private static final byte SENTINEL = 0x55;
    private static final Headers HEADERS = Headers.of(new Header("ключ", new byte[] {1}), new Header("n", null));

    private static ByteBuffer filled(int size) {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        Arrays.fill(buffer.array(), SENTINEL);
        return buffer;
    }

    private static void assertUntouched(ByteBuffer buffer, int from, int to) {
        for (int i = from; i < to; i++) {
            assertEquals(SENTINEL, buffer.get(i), "byte " + i + " was written");
        }
    }

    @Test
    void aRecordThatDoesNotFitIsRefusedWithNothingWritten() {
        byte[] key = "key".getBytes();
        byte[] value = new byte[1000];
        int needed = RecordBatchWriter.maxBatchSizeFor(key.length, value.length, HEADERS);
        ByteBuffer buffer = filled(needed + 20);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 10, needed - 1, 0L, NO_TIMESTAMP);
        assertFalse(writer.append(5L, key, value, HEADERS));
        assertFalse(writer.append(5L, ByteBuffer.wrap(key), ByteBuffer.wrap(value), HEADERS));
        assertEquals(0, writer.recordCount());
        assertEquals(0, writer.sizeInBytes());
        assertEquals(0, writer.finish(), "an empty batch is not written");
        assertUntouched(buffer, 0, buffer.capacity());

        writer.begin(buffer, 10, needed, 0L, NO_TIMESTAMP);
        assertTrue(writer.append(5L, key, value, HEADERS), "maxBatchSizeFor is enough");
        assertEquals(needed, writer.finish());
        assertUntouched(buffer, 0, 10);
        assertUntouched(buffer, 10 + needed, buffer.capacity());
        assertTrue(new RecordBatchView().wrap(buffer, 10).isValid());
    }

    @Test
    void recordsAreAppendedUntilTheCapacityIsFullAndTheEarlierOnesKept() {
        ByteBuffer buffer = filled(5_000);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 0, 4_000, 1_000L, NO_TIMESTAMP);
        byte[] value = new byte[90];
        int appended = 0;
        while (writer.append(1_000L + appended, null, value, null)) {
            appended++;
            assertTrue(writer.sizeInBytes() <= 4_000);
            assertEquals(4_000 - writer.sizeInBytes(), writer.remaining());
        }
        assertTrue(appended > 30, "appended " + appended);
        assertEquals(appended, writer.recordCount());
        int size = writer.finish();
        assertTrue(size <= 4_000 && size > 4_000 - 100, "size " + size);
        assertUntouched(buffer, size, buffer.capacity());
        RecordBatchView view = new RecordBatchView().wrap(buffer, 0);
        view.ensureValid();
        assertEquals(1_000L + appended - 1, view.lastOffset());
        assertEquals(1_000L + appended - 1, view.maxTimestamp());
    }

    @Test
    void neitherTheTargetNorTheKeyAndValueBuffersAreMoved() {
        ByteBuffer target = ByteBuffer.allocate(1_000).position(7).limit(900);
        ByteBuffer key = ByteBuffer.wrap("xxkeyxx".getBytes()).position(2).limit(5);
        ByteBuffer value = ByteBuffer.allocateDirect(20).position(3).limit(13);
        RecordBatchWriter writer = new RecordBatchWriter().begin(target, 100, 800, 0L, NO_TIMESTAMP);
        assertTrue(writer.append(1L, key, value, HEADERS));
        writer.finish();
        assertEquals(7, target.position());
        assertEquals(900, target.limit());
        assertEquals(2, key.position());
        assertEquals(5, key.limit());
        assertEquals(3, value.position());
        assertEquals(13, value.limit());
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(target, 100));
        assertTrue(cursor.next());
        assertArrayEquals("key".getBytes(), cursor.key());
        assertEquals(10, cursor.valueLength());
    }

    @Test
    void arrayRangesAreEncodedAsTheirBytesOnly() {
        byte[] key = "..key..".getBytes();
        byte[] value = "--value--".getBytes();
        ByteBuffer buffer = ByteBuffer.allocate(200);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 0, 200, 0L, NO_TIMESTAMP);
        assertTrue(writer.append(1L, key, 2, 3, value, 2, 5, null));
        assertTrue(writer.append(2L, null, 0, 0, value, 0, 0, null));
        assertThrows(IndexOutOfBoundsException.class, () -> writer.append(3L, key, 5, 3, null, 0, 0, null));
        writer.finish();
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(buffer, 0));
        assertTrue(cursor.next());
        assertArrayEquals("key".getBytes(), cursor.key());
        assertArrayEquals("value".getBytes(), cursor.value());
        assertTrue(cursor.next());
        assertEquals(-1, cursor.keyLength());
        assertArrayEquals(new byte[0], cursor.value());
        assertFalse(cursor.next());
    }

    @Test
    void theFirstRecordsTimestampBecomesTheBaseTimestamp() {
        ByteBuffer buffer = ByteBuffer.allocate(300);
        RecordBatchWriter writer = new RecordBatchWriter().begin(buffer, 0, 300, 0L, 5L);
        writer.append(100L, (byte[]) null, null, null);
        writer.append(50L, (byte[]) null, null, null);
        writer.append(NO_TIMESTAMP, (byte[]) null, null, null);
        writer.append(70L, (byte[]) null, null, null);
        writer.finish();
        RecordBatchView view = new RecordBatchView().wrap(buffer, 0);
        assertEquals(100L, view.baseTimestamp());
        assertEquals(100L, view.maxTimestamp());
        RecordCursor cursor = new RecordCursor().reset(view);
        for (long expected : new long[] {100L, 50L, NO_TIMESTAMP, 70L}) {
            assertTrue(cursor.next());
            assertEquals(expected, cursor.timestamp());
        }
    }

    @Test
    void negativeTimestampsOtherThanNoTimestampAreRefusedAsKafkaDoes() {
        RecordBatchWriter writer = new RecordBatchWriter().begin(ByteBuffer.allocate(300), 0, 300, 0L, NO_TIMESTAMP);
        assertThrows(IllegalArgumentException.class, () -> writer.append(-2L, (byte[]) null, null, null));
        assertTrue(writer.append(NO_TIMESTAMP, (byte[]) null, null, null));
    }

    @Test
    void theWriterRefusesUnusableTargetsAndUseOutsideABatch() {
        RecordBatchWriter writer = new RecordBatchWriter();
        assertThrows(IllegalStateException.class, () -> writer.append(1L, (byte[]) null, null, null));
        assertThrows(IllegalStateException.class, writer::finish);
        ByteBuffer buffer = ByteBuffer.allocate(100);
        assertThrows(IllegalArgumentException.class, () -> writer.begin(buffer, 50, 51, 0L, NO_TIMESTAMP));
        assertThrows(IllegalArgumentException.class, () -> writer.begin(buffer, -1, 10, 0L, NO_TIMESTAMP));
        assertThrows(IllegalArgumentException.class,
                () -> writer.begin(buffer.asReadOnlyBuffer(), 0, 100, 0L, NO_TIMESTAMP));
        assertThrows(IllegalArgumentException.class,
                () -> writer.begin(ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN), 0, 100, 0L, NO_TIMESTAMP));
        writer.begin(buffer, 0, 100, 0L, NO_TIMESTAMP);
        writer.append(1L, (byte[]) null, null, null);
        writer.finish();
        assertThrows(IllegalStateException.class, () -> writer.append(1L, (byte[]) null, null, null));
    }

    @Test
    void beginResetsTheHeaderFieldsOfThePreviousBatch() {
        ByteBuffer buffer = ByteBuffer.allocate(300);
        RecordBatchWriter writer = new RecordBatchWriter();
        writer.begin(buffer, 0, 150, 0L, NO_TIMESTAMP).producerId(5L).producerEpoch((short) 1).baseSequence(9)
                .partitionLeaderEpoch(4).transactional(true).logAppendTime(77L);
        writer.append(1L, (byte[]) null, null, null);
        int size = writer.finish();
        writer.begin(buffer, size, 150, 1L, NO_TIMESTAMP);
        writer.append(2L, (byte[]) null, null, null);
        writer.finish();
        RecordBatchView view = new RecordBatchView().wrap(buffer, size);
        view.ensureValid();
        assertEquals(RecordBatchDescriptor.NO_PRODUCER_ID, view.producerId());
        assertEquals(RecordBatchDescriptor.NO_PRODUCER_EPOCH, view.producerEpoch());
        assertEquals(RecordBatchDescriptor.NO_SEQUENCE, view.baseSequence());
        assertEquals(RecordBatchDescriptor.NO_PARTITION_LEADER_EPOCH, view.partitionLeaderEpoch());
        assertFalse(view.isTransactional());
        assertFalse(view.isLogAppendTime());
        assertEquals(0, view.attributes());
        assertEquals(2L, view.maxTimestamp());
    }

    @Test
    void recordSizesMatchKafkasForRandomShapes() {
        long seed = RecordFixtures.seed("record sizes");
        Random random = new Random(seed);
        for (int i = 0; i < 10_000; i++) {
            long timestampDelta = random.nextLong() >> random.nextInt(64);
            int offsetDelta = random.nextInt() >>> random.nextInt(32);
            int keyLength = random.nextInt(5) == 0 ? -1 : random.nextInt(1 << random.nextInt(20));
            int valueLength = random.nextInt(5) == 0 ? -1 : random.nextInt(1 << random.nextInt(24));
            Headers headers = RecordFixtures.randomHeaders(random);
            assertEquals(DefaultRecord.sizeInBytes(offsetDelta, timestampDelta, keyLength, valueLength,
                            RecordFixtures.kafkaHeaders(headers)),
                    RecordBatchWriter.sizeOfRecord(timestampDelta, offsetDelta, keyLength, valueLength, headers),
                    "seed " + seed + ", round " + i);
        }
    }

    @Test
    void theOneRecordBatchSizeIsExact() {
        assertEquals(HEADER_SIZE + 7, RecordBatchWriter.maxBatchSizeFor(-1, -1, null));
        ByteBuffer batch = RecordBatchWriter.encode(0L, 1_700_000_000_000L, null, null, null);
        assertEquals(HEADER_SIZE + 7, batch.remaining());
        assertThrows(IllegalArgumentException.class, () -> RecordBatchWriter.maxBatchSizeFor(-2, 0, null));
        assertThrows(IllegalArgumentException.class,
                () -> RecordBatchWriter.maxBatchSizeFor(Integer.MAX_VALUE, Integer.MAX_VALUE, null));
    }
}
