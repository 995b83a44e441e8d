package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_OFFSET;
import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runnel.log.Header;
import io.runnel.log.Headers;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Flipped, truncated and nonsensical bytes are reported as InvalidBatchException, never worse. */
class CorruptBatchesTest {

    private static final Headers HEADERS = Headers.of(new Header("ключ", null), new Header("trace", new byte[] {1, 2}));

    /** A small batch: three records, the first of which has a one-byte length. */
    private static ByteBuffer smallBatch() {
        return RecordFixtures.writeOurs(BatchFields.idempotent(100L), List.of(
                new TestRecord(1_000L, "key".getBytes(), "value".getBytes(), HEADERS),
                new TestRecord(1_001L, null, new byte[0], Headers.empty()),
                new TestRecord(999L, new byte[] {7}, null, HEADERS)));
    }

    private static ByteBuffer copyOf(ByteBuffer batch) {
        ByteBuffer copy = ByteBuffer.allocate(batch.remaining());
        copy.put(batch.duplicate()).flip();
        return copy;
    }

    /** Rewrites the stored CRC so that only the structure is wrong. */
    private static void fixCrc(ByteBuffer batch) {
        RecordBatchView view = new RecordBatchView().wrap(batch, 0);
        batch.putInt(CRC_OFFSET, (int) view.computeChecksum());
        assertTrue(view.isValid(), "CRC fixed");
    }

    /** Reads every record; returns normally only if the batch is well formed. */
    private static int readAll(ByteBuffer batch) {
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(batch, 0));
        int count = 0;
        while (cursor.next()) {
            cursor.key();
            cursor.value();
            cursor.headers();
            count++;
        }
        return count;
    }

    private static InvalidBatchException assertCursorRefuses(ByteBuffer batch, String why) {
        return assertThrows(InvalidBatchException.class, () -> readAll(batch), why);
    }

    @Test
    void theWellFormedBatchIsValidAndReadable() {
        ByteBuffer batch = smallBatch();
        assertTrue(new RecordBatchView().wrap(batch, 0).isValid());
        assertEquals(3, readAll(batch));
    }

    @Test
    void flippingAnySingleByteFromTheLengthToTheEndInvalidatesTheBatch() {
        ByteBuffer original = smallBatch();
        RecordBatchView view = new RecordBatchView();
        for (int index = BATCH_LENGTH_OFFSET; index < original.limit(); index++) {
            if (index >= PARTITION_LEADER_EPOCH_OFFSET && index < MAGIC_OFFSET) {
                continue; // the leader epoch is outside the CRC by design
            }
            for (int mask : new int[] {0x01, 0x80, 0xFF, 0x10}) {
                ByteBuffer batch = copyOf(original);
                batch.put(index, (byte) (batch.get(index) ^ mask));
                view.wrap(batch, 0);
                String what = "byte " + index + " ^ 0x" + Integer.toHexString(mask);
                assertFalse(view.isValid(), what);
                InvalidBatchException e = assertThrows(InvalidBatchException.class, view::ensureValid, what);
                if (index >= ATTRIBUTES_OFFSET || (index >= CRC_OFFSET && index < ATTRIBUTES_OFFSET)) {
                    assertTrue(e.getMessage().contains("CRC"), what + ": " + e.getMessage());
                    assertEquals(CRC_OFFSET, e.index(), what);
                }
            }
        }
    }

    @Test
    void theFieldsOutsideTheCrcCanBeStampedWithoutInvalidatingIt() {
        ByteBuffer batch = smallBatch();
        RecordBatchView view = new RecordBatchView().wrap(batch, 0);
        long crc = view.checksum();
        view.setBaseOffset(Long.MAX_VALUE - 10);
        view.setPartitionLeaderEpoch(Integer.MAX_VALUE);
        assertTrue(view.isValid());
        assertEquals(crc, view.checksum());
        assertEquals(Long.MAX_VALUE - 10, view.baseOffset());
        assertEquals(Integer.MAX_VALUE, view.partitionLeaderEpoch());
        assertEquals(3, readAll(batch));
    }

    @Test
    void aWrongMagicIsNamedWithItsIndex() {
        ByteBuffer batch = smallBatch();
        batch.put(MAGIC_OFFSET, (byte) 1);
        InvalidBatchException e = assertThrows(InvalidBatchException.class,
                () -> new RecordBatchView().wrap(batch, 0).ensureValid());
        assertEquals(MAGIC_OFFSET, e.index());
        assertTrue(e.getMessage().contains("magic is 1"), e.getMessage());
        assertThrows(InvalidBatchException.class, () -> readAll(batch));
    }

    @Test
    void truncatingABatchAnywhereIsDetectedByViewAndCursor() {
        ByteBuffer original = smallBatch();
        RecordBatchView view = new RecordBatchView();
        for (int length = 0; length < original.limit(); length++) {
            ByteBuffer truncated = copyOf(original).limit(length);
            view.wrap(truncated, 0);
            String what = "truncated to " + length + " bytes";
            assertFalse(view.isValid(), what);
            InvalidBatchException e = assertThrows(InvalidBatchException.class, view::ensureValid, what);
            assertTrue(e.getMessage().contains("truncated"), what + ": " + e.getMessage());
            assertThrows(InvalidBatchException.class, view::computeChecksum, what);
            assertCursorRefuses(truncated, what);
        }
    }

    @Test
    void aBatchWrappedPastTheLimitIsInvalidNotAnIndexError() {
        ByteBuffer batch = smallBatch();
        RecordBatchView view = new RecordBatchView().wrap(batch, batch.limit() + 5);
        assertFalse(view.isValid());
        assertThrows(InvalidBatchException.class, view::ensureValid);
        assertThrows(InvalidBatchException.class, () -> new RecordCursor().reset(view));
    }

    @Test
    void garbageRecordLengthsWithAValidCrcAreRefusedByTheCursor() {
        ByteBuffer original = smallBatch();
        int firstLength = new VarintReader().wrap(original, RECORDS_OFFSET, original.limit()).readVarint("length");
        assertTrue(firstLength < 64, "the first record's length takes one byte");
        int[] lengths = {0, 1, 5, firstLength - 1, firstLength + 1, firstLength + 2, 63, -1, -64};
        for (int length : lengths) {
            ByteBuffer batch = copyOf(original);
            Varints.writeVarint(batch, RECORDS_OFFSET, length);
            fixCrc(batch);
            InvalidBatchException e = assertCursorRefuses(batch, "record length " + length);
            assertTrue(e.index() >= RECORDS_OFFSET && e.index() <= batch.limit(), e.getMessage());
        }
        // A length whose varint never ends swallows the rest of the batch.
        ByteBuffer batch = copyOf(original);
        for (int i = RECORDS_OFFSET; i < RECORDS_OFFSET + 5; i++) {
            batch.put(i, (byte) 0xFF);
        }
        fixCrc(batch);
        InvalidBatchException e = assertCursorRefuses(batch, "endless varint");
        assertTrue(e.getMessage().contains("record length"), e.getMessage());
    }

    @Test
    void headerFieldsThatDisagreeWithTheRecordsAreRefused() {
        ByteBuffer original = smallBatch();

        ByteBuffer moreRecords = copyOf(original);
        moreRecords.putInt(RECORDS_COUNT_OFFSET, 4);
        fixCrc(moreRecords);
        assertTrue(assertCursorRefuses(moreRecords, "count 4").getMessage().contains("after 3 of 4"));

        ByteBuffer fewerRecords = copyOf(original);
        fewerRecords.putInt(RECORDS_COUNT_OFFSET, 2);
        fixCrc(fewerRecords);
        assertTrue(assertCursorRefuses(fewerRecords, "count 2").getMessage().contains("follow the last of 2"));

        ByteBuffer hugeCount = copyOf(original);
        hugeCount.putInt(RECORDS_COUNT_OFFSET, Integer.MAX_VALUE);
        fixCrc(hugeCount);
        assertEquals(RECORDS_COUNT_OFFSET, assertCursorRefuses(hugeCount, "huge count").index());

        ByteBuffer negativeCount = copyOf(original);
        negativeCount.putInt(RECORDS_COUNT_OFFSET, -1);
        fixCrc(negativeCount);
        assertCursorRefuses(negativeCount, "negative count");

        ByteBuffer smallLastDelta = copyOf(original);
        smallLastDelta.putInt(LAST_OFFSET_DELTA_OFFSET, 1);
        fixCrc(smallLastDelta);
        assertTrue(assertCursorRefuses(smallLastDelta, "last offset delta 1").getMessage().contains("offset delta 2"));

        ByteBuffer trailingBytes = ByteBuffer.allocate(original.limit() + 3);
        trailingBytes.put(original.duplicate()).flip().limit(original.limit() + 3);
        trailingBytes.putInt(BATCH_LENGTH_OFFSET, trailingBytes.limit() - RecordBatchDescriptor.LOG_OVERHEAD);
        fixCrc(trailingBytes);
        assertTrue(assertCursorRefuses(trailingBytes, "trailing bytes").getMessage().contains("3 bytes follow"));
    }

    @Test
    void repeatedOffsetDeltasAreRefused() {
        ByteBuffer batch = smallBatch();
        // The second record's offset delta follows its length (1 byte), attributes and timestamp delta (1 byte).
        int first = new VarintReader().wrap(batch, RECORDS_OFFSET, batch.limit()).readVarint("length");
        int second = RECORDS_OFFSET + 1 + first;
        int offsetDeltaIndex = second + 1 + 1 + 1;
        assertEquals(1, new VarintReader().wrap(batch, offsetDeltaIndex, batch.limit()).readVarint("delta"));
        Varints.writeVarint(batch, offsetDeltaIndex, 0);
        fixCrc(batch);
        InvalidBatchException e = assertCursorRefuses(batch, "offset delta 0 twice");
        assertEquals(offsetDeltaIndex, e.index());
    }

    @Test
    void randomGarbageInTheRecordsWithAValidCrcNeverEscapesAsAnotherException() {
        long seed = RecordFixtures.seed("record garbage fuzz");
        Random random = new Random(seed);
        ByteBuffer original = RecordFixtures.writeOurs(BatchFields.plain(0L),
                RecordFixtures.randomRecords(random, 20, true));
        int refused = 0;
        for (int round = 0; round < 20_000; round++) {
            ByteBuffer batch = copyOf(original);
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int index = RECORDS_OFFSET + random.nextInt(batch.limit() - RECORDS_OFFSET);
                batch.put(index, (byte) random.nextInt(256));
            }
            if (random.nextInt(10) == 0) {
                batch.putInt(RECORDS_COUNT_OFFSET, random.nextInt(40) - 5);
            }
            fixCrc(batch);
            try {
                readAll(batch);
            } catch (InvalidBatchException expected) {
                refused++;
            } catch (RuntimeException | Error e) {
                fail("seed " + seed + ", round " + round + ": " + e, e);
            }
        }
        assertTrue(refused > 1_000, "most garbage is refused: " + refused);
    }
}
