package io.runnel.log;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExceptionsTest {

    @Test
    void serializationExceptionNamesTopicPartitionAndOffset() {
        Throwable cause = new IllegalStateException("bad json");
        SerializationException e = new SerializationException(new TopicPartition("orders", 3), 42, "bad value", cause);
        assertEquals("record at offset 42 of orders-3: bad value", e.getMessage());
        assertEquals(new TopicPartition("orders", 3), e.topicPartition());
        assertEquals(42L, e.offset());
        assertSame(cause, e.getCause());
        assertInstanceOf(LogException.class, e);
    }

    @Test
    void serializationExceptionForARecordNotYetAppendedHasNoOffset() {
        SerializationException e = new SerializationException(new TopicPartition("orders", 0), -1, "bad key", null);
        assertEquals("record for orders-0: bad key", e.getMessage());
        assertEquals(-1L, e.offset());
    }

    @Test
    void noOffsetForPartitionNamesThePartition() {
        NoOffsetForPartitionException e = new NoOffsetForPartitionException(new TopicPartition("t", 1));
        assertTrue(e.getMessage().contains("t-1"), e.getMessage());
        assertEquals(new TopicPartition("t", 1), e.topicPartition());
    }

    @Test
    void offsetOutOfRangeNamesTheOffsetAndTheValidRange() {
        OffsetOutOfRangeException e = new OffsetOutOfRangeException(new TopicPartition("t", 0), 99, 10, 50);
        assertEquals("offset 99 is out of range for t-0: expected 10 <= offset <= 50", e.getMessage());
        assertEquals(99L, e.offset());
        assertEquals(new TopicPartition("t", 0), e.partition());
    }

    @Test
    void exceptionsThatNameAPlaceSurviveJavaSerialisation() throws Exception {
        TopicPartition tp = new TopicPartition("t", 2);
        OffsetOutOfRangeException outOfRange = roundTrip(new OffsetOutOfRangeException(tp, 9, 0, 5));
        assertEquals(tp, outOfRange.partition());
        assertEquals(9L, outOfRange.offset());
        SerializationException serde = roundTrip(new SerializationException(tp, 4, "bad", null));
        assertEquals(tp, serde.topicPartition());
        assertEquals(4L, serde.offset());
        assertEquals(tp, roundTrip(new NoOffsetForPartitionException(tp)).topicPartition());
        CorruptLogException corrupt = roundTrip(new CorruptLogException(Path.of("x.log"), 7, "torn"));
        assertEquals(Path.of("x.log"), corrupt.file());
        assertEquals(7L, corrupt.position());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Exception> T roundTrip(T e) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            T read = (T) in.readObject();
            assertEquals(e.getMessage(), read.getMessage());
            return read;
        }
    }

    @Test
    void corruptLogExceptionNamesFileAndPosition() {
        Path file = Path.of("t-0", "00000000000000000000.log");
        CorruptLogException e = new CorruptLogException(file, 4096, "CRC mismatch", new IOException("x"));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("4096"), e.getMessage());
        assertEquals(file, e.file());
        assertEquals(4096L, e.position());
    }

    @Test
    void wakeupIsALogException() {
        assertInstanceOf(LogException.class, new WakeupException("woken"));
    }
}
