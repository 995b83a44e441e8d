package io.runnel.log;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerdesTest {

    @Test
    void stringsRoundTripAsUtf8() {
        String s = "héllo – 世界 🌊";
        byte[] bytes = Serdes.string().serialize(s);
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), bytes);
        assertEquals(s, Serdes.string().deserialize(bytes));
        assertEquals("", Serdes.string().deserialize(new byte[0]));
    }

    @Test
    void bytesPassThroughUnchanged() {
        byte[] b = {1, 2, 3};
        assertSame(b, Serdes.bytes().serialize(b));
        assertSame(b, Serdes.bytes().deserialize(b));
    }

    @Test
    void everySerdeMapsNullToNullBothWays() {
        assertNull(Serdes.string().serialize(null));
        assertNull(Serdes.string().deserialize(null));
        assertNull(Serdes.bytes().serialize(null));
        assertNull(Serdes.bytes().deserialize(null));
        assertNull(Serdes.longs().serialize(null));
        assertNull(Serdes.longs().deserialize(null));
        assertNull(Serdes.ints().serialize(null));
        assertNull(Serdes.ints().deserialize(null));
    }

    @Test
    void longsAreEightBytesBigEndian() {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, Serdes.longs().serialize(1L));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, Serdes.longs().serialize(0x0102030405060708L));
        assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, Serdes.longs().serialize(-1L));
    }

    @Test
    void intsAreFourBytesBigEndian() {
        assertArrayEquals(new byte[] {0, 0, 0, 1}, Serdes.ints().serialize(1));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Serdes.ints().serialize(0x01020304));
        assertArrayEquals(new byte[] {-128, 0, 0, 0}, Serdes.ints().serialize(Integer.MIN_VALUE));
    }

    @Test
    void longsAndIntsRoundTripTheirExtremes() {
        for (long v : new long[] {0, 1, -1, 255, 256, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L}) {
            assertEquals(v, Serdes.longs().deserialize(Serdes.longs().serialize(v)));
            assertEquals(v, ByteBuffer.wrap(Serdes.longs().serialize(v)).getLong());
        }
        for (int v : new int[] {0, 1, -1, 255, 256, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertEquals(v, Serdes.ints().deserialize(Serdes.ints().serialize(v)));
            assertEquals(v, ByteBuffer.wrap(Serdes.ints().serialize(v)).getInt());
        }
    }

    @Test
    void deserialisingTheWrongNumberOfBytesSaysTheExpectedSize() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> Serdes.longs().deserialize(new byte[3]));
        assertTrue(e.getMessage().contains("expected 8 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("was 3"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> Serdes.ints().deserialize(new byte[5]));
        assertTrue(e.getMessage().contains("expected 4 bytes"), e.getMessage());
        assertNull(e.topicPartition());
        assertEquals(-1, e.offset());
    }
}
