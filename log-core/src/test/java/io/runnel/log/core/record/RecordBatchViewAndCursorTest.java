package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.Test;

class RecordBatchViewAndCursorTest {

    private static final Headers HEADERS = Headers.of(new Header("ключ", "значение".getBytes(StandardCharsets.UTF_8)),
            new Header("empty", new byte[0]), new Header("null", null));

    private static ByteBuffer batch() {
        return RecordFixtures.writeOurs(BatchFields.idempotent(10L), List.of(
                new TestRecord(1L, "a".getBytes(), "b".getBytes(), HEADERS),
                new TestRecord(2L, null, null, Headers.empty())));
    }

    @Test
    void theDescriptorAgreesWithKafkasLayout() {
        assertEquals(DefaultRecordBatch.CRC_OFFSET, RecordBatchDescriptor.CRC_OFFSET);
        assertEquals(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET);
        assertEquals(DefaultRecordBatch.RECORDS_COUNT_OFFSET, RecordBatchDescriptor.RECORDS_COUNT_OFFSET);
        assertEquals(DefaultRecordBatch.RECORD_BATCH_OVERHEAD, RecordBatchDescriptor.HEADER_SIZE);
        assertEquals(org.apache.kafka.common.record.Records.LOG_OVERHEAD, RecordBatchDescriptor.LOG_OVERHEAD);
        assertEquals(RecordBatchDescriptor.HEADER_SIZE - RecordBatchDescriptor.LOG_OVERHEAD,
                RecordBatchDescriptor.MIN_BATCH_LENGTH);
    }

    @Test
    void theViewReportsTheSameHeaderAsKafka() {
        ByteBuffer batch = batch();
        RecordBatchView view = new RecordBatchView().wrap(batch, 0);
        MutableRecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator().next();
        assertEquals(kafka.checksum(), view.checksum());
        assertEquals(view.checksum(), view.computeChecksum());
        assertEquals(kafka.sizeInBytes(), view.sizeInBytes());
        assertEquals(kafka.sizeInBytes(), view.end());
        assertEquals(kafka.nextOffset(), view.nextOffset());
        assertEquals(kafka.magic(), view.magic());
        assertEquals(0, view.compressionCodec());
        assertFalse(view.isControl());
        assertFalse(view.hasDeleteHorizon());
        assertEquals(1, view.lastOffsetDelta());
        assertEquals(2, view.recordCount());
    }

    @Test
    void readingNeverMovesTheWrappedBuffer() {
        ByteBuffer source = batch();
        ByteBuffer buffer = ByteBuffer.allocate(source.remaining() + 40);
        buffer.put(20, source, 0, source.remaining());
        buffer.position(3).limit(20 + source.remaining());
        RecordBatchView view = new RecordBatchView().wrap(buffer, 20);
        assertTrue(view.isValid());
        view.ensureValid();
        view.computeChecksum();
        RecordCursor cursor = new RecordCursor().reset(view);
        while (cursor.next()) {
            cursor.key();
            cursor.headers();
        }
        assertEquals(3, buffer.position());
        assertEquals(20 + source.remaining(), buffer.limit());
        assertSame(buffer, view.buffer());
        assertEquals(20, view.offset());
    }

    @Test
    void aLittleEndianBufferIsRefused() {
        ByteBuffer little = batch().order(ByteOrder.LITTLE_ENDIAN);
        assertThrows(IllegalArgumentException.class, () -> new RecordBatchView().wrap(little, 0));
    }

    @Test
    void readOnlyAndDirectCopiesAreValidToo() {
        ByteBuffer heap = batch();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(heap.duplicate()).flip();
        RecordBatchView view = new RecordBatchView();
        assertTrue(view.wrap(heap.asReadOnlyBuffer(), 0).isValid());
        assertTrue(view.wrap(direct, 0).isValid());
        assertTrue(view.wrap(direct.asReadOnlyBuffer(), 0).isValid());
        view.clear();
        assertEquals(null, view.buffer());
    }

    @Test
    void headersCanBeReadInPlace() {
        ByteBuffer batch = batch();
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(batch, 0));
        assertTrue(cursor.next());
        assertEquals(3, cursor.headerCount());
        for (int i = 0; i < 3; i++) {
            Header expected = HEADERS.get(i);
            byte[] key = new byte[cursor.headerKeyLength(i)];
            cursor.buffer().get(cursor.headerKeyOffset(i), key);
            assertEquals(expected.key(), new String(key, StandardCharsets.UTF_8));
            if (expected.value() == null) {
                assertEquals(-1, cursor.headerValueLength(i));
            } else {
                byte[] value = new byte[cursor.headerValueLength(i)];
                cursor.buffer().get(cursor.headerValueOffset(i), value);
                assertArrayEquals(expected.value(), value);
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> cursor.headerKeyOffset(3));
        assertThrows(IndexOutOfBoundsException.class, () -> cursor.headerValueLength(-1));
        assertEquals('a', cursor.buffer().get(cursor.keyOffset()));
        assertEquals('b', cursor.buffer().get(cursor.valueOffset()));
        assertTrue(cursor.next());
        assertEquals(0, cursor.headerCount());
        assertSame(Headers.empty(), cursor.headers());
        assertEquals(null, cursor.key());
        assertEquals(null, cursor.value());
        assertFalse(cursor.next());
        assertFalse(cursor.next(), "still false after the end");
    }

    @Test
    void manyHeadersGrowTheCursorsTableOnce() {
        Header[] many = new Header[100];
        for (int i = 0; i < many.length; i++) {
            many[i] = new Header("h" + i, new byte[] {(byte) i});
        }
        Headers headers = Headers.of(many);
        ByteBuffer batch = RecordFixtures.writeOurs(BatchFields.plain(0L), List.of(
                new TestRecord(1L, null, null, Headers.empty()),
                new TestRecord(1L, null, null, headers),
                new TestRecord(1L, null, null, Headers.of(Arrays.copyOf(many, 2)))));
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(batch, 0));
        assertTrue(cursor.next());
        assertTrue(cursor.next());
        assertEquals(headers, cursor.headers());
        assertTrue(cursor.next());
        assertEquals(Headers.of(Arrays.copyOf(many, 2)), cursor.headers());
        assertFalse(cursor.next());
    }

    @Test
    void oneCursorIsReusedAcrossBatchesAndBuffers() {
        RecordCursor cursor = new RecordCursor();
        RecordBatchView view = new RecordBatchView();
        for (long base : new long[] {0L, 5L, Long.MAX_VALUE / 2}) {
            ByteBuffer batch = RecordFixtures.writeOurs(BatchFields.plain(base), List.of(
                    new TestRecord(9L, null, new byte[] {1}, Headers.empty()),
                    new TestRecord(9L, null, new byte[] {2}, Headers.empty())));
            cursor.reset(view.wrap(batch, 0));
            assertTrue(cursor.next());
            assertEquals(base, cursor.offset());
            cursor.reset(view);
            assertTrue(cursor.next(), "reset starts over");
            assertEquals(base, cursor.offset());
            assertTrue(cursor.next());
            assertEquals(base + 1, cursor.offset());
            assertEquals(1, cursor.offsetDelta());
            assertFalse(cursor.next());
        }
    }

    @Test
    void aFailedCursorStaysFailedUntilReset() {
        ByteBuffer batch = batch();
        batch.putInt(RecordBatchDescriptor.RECORDS_COUNT_OFFSET, 3);
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(batch, 0));
        assertTrue(cursor.next());
        assertTrue(cursor.next());
        assertThrows(InvalidBatchException.class, cursor::next);
        assertFalse(cursor.next());
    }
}
