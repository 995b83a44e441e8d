package io.runnel.log.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

class VarintsTest {

    private static final int[] INT_EDGES = {
        0, 1, -1, 2, -2, 63, -64, 64, -65, 127, 128, -128, 8191, -8192, 8192, -8193,
        1 << 20, -(1 << 20), (1 << 27) - 1, 1 << 27, -(1 << 27), -(1 << 27) - 1,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1
    };

    private static final long[] LONG_EDGES = {
        0, 1, -1, 63, -64, 64, -65, 1L << 34, -(1L << 34), (1L << 62) - 1, 1L << 62, -(1L << 62), -(1L << 62) - 1,
        Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 1_700_000_000_000L
    };

    private static int[] intsToTest() {
        Random random = new Random(RecordFixtures.seed("varint values"));
        IntStream randoms = IntStream.range(0, 20_000).map(i -> random.nextInt() >> random.nextInt(32));
        return IntStream.concat(Arrays.stream(INT_EDGES), randoms).toArray();
    }

    private static long[] longsToTest() {
        Random random = new Random(RecordFixtures.seed("varlong values"));
        LongStream randoms = LongStream.range(0, 20_000).map(i -> random.nextLong() >> random.nextInt(64));
        return LongStream.concat(Arrays.stream(LONG_EDGES), randoms).toArray();
    }

    @Test
    void varintsMatchKafkasBytesAndSizesAndReadBack() {
        ByteBuffer ours = ByteBuffer.allocate(16);
        ByteBuffer kafka = ByteBuffer.allocate(16);
        VarintReader reader = new VarintReader();
        for (int value : intsToTest()) {
            int end = Varints.writeVarint(ours, 3, value);
            assertEquals(0, ours.position(), "the writer moved the position");
            kafka.clear();
            ByteUtils.writeVarint(value, kafka);
            int size = kafka.position();
            assertEquals(size, end - 3, "size written for " + value);
            assertEquals(ByteUtils.sizeOfVarint(value), Varints.sizeOfVarint(value), "sizeOfVarint " + value);
            assertEquals(size, Varints.sizeOfVarint(value), "sizeOfVarint vs written " + value);
            assertArrayEquals(Arrays.copyOfRange(kafka.array(), 0, size), Arrays.copyOfRange(ours.array(), 3, end),
                    "bytes of " + value);
            reader.wrap(ours, 3, end);
            assertEquals(value, reader.readVarint("test"), "read back");
            assertEquals(end, reader.index());
        }
    }

    @Test
    void varlongsMatchKafkasBytesAndSizesAndReadBack() {
        ByteBuffer ours = ByteBuffer.allocate(16);
        ByteBuffer kafka = ByteBuffer.allocate(16);
        VarintReader reader = new VarintReader();
        for (long value : longsToTest()) {
            int end = Varints.writeVarlong(ours, 2, value);
            kafka.clear();
            ByteUtils.writeVarlong(value, kafka);
            int size = kafka.position();
            assertEquals(size, end - 2, "size written for " + value);
            assertEquals(ByteUtils.sizeOfVarlong(value), Varints.sizeOfVarlong(value), "sizeOfVarlong " + value);
            assertArrayEquals(Arrays.copyOfRange(kafka.array(), 0, size), Arrays.copyOfRange(ours.array(), 2, end),
                    "bytes of " + value);
            reader.wrap(ours, 2, end);
            assertEquals(value, reader.readVarlong("test"), "read back");
            assertEquals(end, reader.index());
        }
    }

    @Test
    void extremeValuesTakeFiveAndTenBytes() {
        assertEquals(1, Varints.sizeOfVarint(0));
        assertEquals(1, Varints.sizeOfVarint(-64));
        assertEquals(2, Varints.sizeOfVarint(64));
        assertEquals(5, Varints.sizeOfVarint(Integer.MIN_VALUE));
        assertEquals(5, Varints.sizeOfVarint(Integer.MAX_VALUE));
        assertEquals(10, Varints.sizeOfVarlong(Long.MIN_VALUE));
        assertEquals(10, Varints.sizeOfVarlong(Long.MAX_VALUE));
    }

    @Test
    void readsKafkasOverlongEncodingOfZero() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {(byte) 0x80, (byte) 0x80, 0x00, 0x2A});
        VarintReader reader = new VarintReader().wrap(buffer, 0, 4);
        assertEquals(0, reader.readVarint("zero"));
        assertEquals(3, reader.index());
        assertEquals(21, reader.readVarint("21"));
    }

    @Test
    void rejectsAVarintOfMoreThanFiveBytes() {
        byte[] six = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
        VarintReader reader = new VarintReader().wrap(ByteBuffer.wrap(six), 0, six.length);
        InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> reader.readVarint("key length"));
        assertEquals(0, e.index());
        assertTrue(e.getMessage().contains("key length"), e.getMessage());
        assertTrue(e.getMessage().contains("5 bytes"), e.getMessage());
        assertEquals(0, reader.index(), "a failed read does not advance");
    }

    @Test
    void rejectsAVarlongOfMoreThanTenBytes() {
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0x80);
        eleven[10] = 1;
        VarintReader reader = new VarintReader().wrap(ByteBuffer.wrap(eleven), 0, eleven.length);
        InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> reader.readVarlong("timestamp"));
        assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
    }

    @Test
    void writingPastTheBufferLimitFailsLikeAnAbsolutePut() {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        assertThrows(IndexOutOfBoundsException.class, () -> Varints.writeVarint(buffer, 5, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> Varints.writeVarlong(buffer, 0, Long.MAX_VALUE));
    }

    @Test
    void rejectsVarintsCutByTheLimitWithoutTouchingBytesBeyondIt() {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        int end = Varints.writeVarint(buffer, 4, Integer.MIN_VALUE);
        assertEquals(9, end);
        for (int limit = 4; limit < end; limit++) {
            VarintReader reader = new VarintReader().wrap(buffer, 4, limit);
            InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> reader.readVarint("value"));
            assertEquals(4, e.index());
            assertTrue(e.getMessage().contains("past the limit " + limit), e.getMessage());
        }
        int longEnd = Varints.writeVarlong(buffer, 0, Long.MIN_VALUE);
        assertEquals(10, longEnd);
        for (int limit = 0; limit < longEnd; limit++) {
            VarintReader reader = new VarintReader().wrap(buffer, 0, limit);
            assertThrows(InvalidBatchException.class, () -> reader.readVarlong("value"));
        }
    }

    @Test
    void skipAndReadByteStayWithinTheLimit() {
        ByteBuffer buffer = ByteBuffer.allocate(10);
        VarintReader reader = new VarintReader().wrap(buffer, 2, 6);
        reader.skip("key", 3);
        assertEquals(5, reader.index());
        assertThrows(InvalidBatchException.class, () -> reader.skip("value", 2));
        assertThrows(InvalidBatchException.class, () -> reader.skip("value", -1));
        reader.readByte("attributes");
        assertThrows(InvalidBatchException.class, () -> reader.readByte("attributes"));
        assertThrows(IllegalArgumentException.class, () -> reader.wrap(buffer, 0, 11));
    }
}
