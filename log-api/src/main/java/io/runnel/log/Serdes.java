package io.runnel.log;

import java.nio.charset.StandardCharsets;

/**
 * The common {@link Serde}s, each writing the same bytes as Kafka's matching serializer so that
 * data moves between Runnel and Kafka unchanged. Each maps null to null both ways.
 *
 * <p>This class is stateless and thread-safe, and so is every serde it returns.
 */
public final class Serdes {

    private static final Serde<String> STRING = new Serde<>() {
        @Override
        public byte[] serialize(String value) {
            return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(byte[] bytes) {
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Serdes.string()";
        }
    };

    private static final Serde<byte[]> BYTES = new Serde<>() {
        @Override
        public byte[] serialize(byte[] value) {
            return value;
        }

        @Override
        public byte[] deserialize(byte[] bytes) {
            return bytes;
        }

        @Override
        public String toString() {
            return "Serdes.bytes()";
        }
    };

    private static final Serde<Long> LONGS = new Serde<>() {
        @Override
        public byte[] serialize(Long value) {
            if (value == null) {
                return null;
            }
            long v = value;
            byte[] b = new byte[Long.BYTES];
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                b[i] = (byte) v;
                v >>>= 8;
            }
            return b;
        }

        @Override
        public Long deserialize(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            checkLength(bytes, Long.BYTES, "a long");
            long v = 0;
            for (byte b : bytes) {
                v = (v << 8) | (b & 0xFF);
            }
            return v;
        }

        @Override
        public String toString() {
            return "Serdes.longs()";
        }
    };

    private static final Serde<Integer> INTS = new Serde<>() {
        @Override
        public byte[] serialize(Integer value) {
            if (value == null) {
                return null;
            }
            int v = value;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }

        @Override
        public Integer deserialize(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            checkLength(bytes, Integer.BYTES, "an int");
            return (bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF);
        }

        @Override
        public String toString() {
            return "Serdes.ints()";
        }
    };

    private Serdes() {
    }

    private static void checkLength(byte[] bytes, int expected, String what) {
        if (bytes.length != expected) {
            throw new SerializationException("expected " + expected + " bytes for " + what + ", was "
                    + bytes.length);
        }
    }

    /**
     * Strings as UTF-8, as Kafka's {@code StringSerializer}. Bytes that are not valid UTF-8
     * deserialise with replacement characters.
     *
     * @return the serde
     */
    public static Serde<String> string() {
        return STRING;
    }

    /**
     * Byte arrays as they are, as Kafka's {@code ByteArraySerializer}; the arrays are passed
     * through, not copied.
     *
     * @return the serde
     */
    public static Serde<byte[]> bytes() {
        return BYTES;
    }

    /**
     * Longs as 8 bytes, big-endian, as Kafka's {@code LongSerializer}.
     *
     * @return the serde; deserialising other than 8 bytes throws {@link SerializationException}
     */
    public static Serde<Long> longs() {
        return LONGS;
    }

    /**
     * Integers as 4 bytes, big-endian, as Kafka's {@code IntegerSerializer}.
     *
     * @return the serde; deserialising other than 4 bytes throws {@link SerializationException}
     */
    public static Serde<Integer> ints() {
        return INTS;
    }
}
