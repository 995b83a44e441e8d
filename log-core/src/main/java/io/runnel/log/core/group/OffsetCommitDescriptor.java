package io.runnel.log.core.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.runnel.log.TopicPartition;

/**
 * The key and value of a committed-offset record in the internal topic
 * {@value #TOPIC}: Kafka's own {@code OffsetCommitKey} (version 1) and {@code OffsetCommitValue}
 * (version 3) schemas, byte for byte, so that Kafka's tools decode Runnel's offsets topic.
 * Big-endian; a string is an int16 length followed by that many bytes of UTF-8.
 *
 * <pre>
 * key (version 1; Kafka also reads version 0, which has the same fields)
 *   version            int16    1
 *   group              string   the group id
 *   topic              string   the topic
 *   partition          int32    the partition
 *
 * value (version 3); a null value (a tombstone) deletes the commit
 *   version            int16    3
 *   offset             int64    the committed offset: the next record to read
 *   leaderEpoch        int32    -1 (unknown)
 *   metadata           string   "" (Runnel's API commits no metadata)
 *   commitTimestamp    int64    ms since the epoch, when the commit was made
 * </pre>
 *
 * <p>Values of versions 0 and 2 ({@code offset, metadata, commitTimestamp}) and 1 ({@code offset,
 * metadata, commitTimestamp, expireTimestamp}) are read too. Keys of other versions (2 is Kafka's
 * group metadata; later ones are newer coordinator records) are not offset commits and are skipped.
 *
 * <p>Thread-safe: stateless.
 */
final class OffsetCommitDescriptor {
    /** The internal topic of committed offsets, as Kafka's. */
    static final String TOPIC = "__consumer_offsets";
    /** The key version written. */
    static final short KEY_VERSION = 1;
    /** The value version written. */
    static final short VALUE_VERSION = 3;
    /** The longest string an int16 length can carry. */
    static final int MAX_STRING_BYTES = Short.MAX_VALUE;
    /** Leader epoch written: unknown. */
    static final int NO_LEADER_EPOCH = -1;

    private OffsetCommitDescriptor() {
    }

    /**
     * A decoded commit. Immutable.
     *
     * @param offset          the committed offset
     * @param commitTimestamp when it was committed, ms since the epoch
     */
    record Commit(long offset, long commitTimestamp) {
    }

    /**
     * A decoded key: the group and partition a commit belongs to. Immutable.
     *
     * @param group     the group id
     * @param partition the partition
     */
    record Key(String group, TopicPartition partition) {
    }

    /**
     * The UTF-8 bytes of a group id or topic, refused when an int16 length cannot carry them.
     *
     * @param what  what the string is, for the message
     * @param value the string
     * @return its bytes
     * @throws IllegalArgumentException when longer than {@value #MAX_STRING_BYTES} bytes
     */
    static byte[] utf8(String what, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is " + b.length + " bytes of UTF-8; at most "
                    + MAX_STRING_BYTES + " can be stored with a committed offset");
        }
        return b;
    }

    /**
     * Encodes a key.
     *
     * @param group     the group id's UTF-8 bytes
     * @param topic     the topic's UTF-8 bytes
     * @param partition the partition
     * @return the key bytes
     */
    static byte[] key(byte[] group, byte[] topic, int partition) {
        ByteBuffer b = ByteBuffer.allocate(keyLength(group, topic));
        writeKey(b, group, topic, partition);
        return b.array();
    }

    /**
     * The length of a key.
     *
     * @param group the group id's UTF-8 bytes
     * @param topic the topic's UTF-8 bytes
     * @return its length in bytes
     */
    static int keyLength(byte[] group, byte[] topic) {
        return 2 + 2 + group.length + 2 + topic.length + 4;
    }

    /**
     * Encodes a key at the start of a buffer, with absolute puts.
     *
     * @param dst       a big-endian buffer of at least {@link #keyLength} bytes
     * @param group     the group id's UTF-8 bytes
     * @param topic     the topic's UTF-8 bytes
     * @param partition the partition
     * @return the key's length
     */
    static int writeKey(ByteBuffer dst, byte[] group, byte[] topic, int partition) {
        int p = 0;
        dst.putShort(p, KEY_VERSION);
        dst.putShort(p + 2, (short) group.length);
        dst.put(p + 4, group);
        p += 4 + group.length;
        dst.putShort(p, (short) topic.length);
        dst.put(p + 2, topic);
        p += 2 + topic.length;
        dst.putInt(p, partition);
        return p + 4;
    }

    /**
     * Encodes a value of version {@value #VALUE_VERSION}.
     *
     * @param offset          the committed offset
     * @param commitTimestamp ms since the epoch
     * @return the value bytes
     */
    static byte[] value(long offset, long commitTimestamp) {
        ByteBuffer b = ByteBuffer.allocate(VALUE_LENGTH);
        writeValue(b, offset, commitTimestamp);
        return b.array();
    }

    /** The length of a value of version {@value #VALUE_VERSION}. */
    static final int VALUE_LENGTH = 2 + 8 + 4 + 2 + 8;

    /**
     * Encodes a value of version {@value #VALUE_VERSION} at the start of a buffer, with absolute puts.
     *
     * @param dst             a big-endian buffer of at least {@link #VALUE_LENGTH} bytes
     * @param offset          the committed offset
     * @param commitTimestamp ms since the epoch
     * @return the value's length
     */
    static int writeValue(ByteBuffer dst, long offset, long commitTimestamp) {
        dst.putShort(0, VALUE_VERSION);
        dst.putLong(2, offset);
        dst.putInt(10, NO_LEADER_EPOCH);
        dst.putShort(14, (short) 0);
        dst.putLong(16, commitTimestamp);
        return VALUE_LENGTH;
    }

    /**
     * Decodes a key.
     *
     * @param bytes the key bytes
     * @return the key, or null when it is not an offset commit key (another record type)
     * @throws IllegalArgumentException when an offset commit key is malformed
     */
    static Key decodeKey(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            short version = b.getShort();
            if (version != 0 && version != 1) {
                return null;
            }
            String group = string(b);
            String topic = string(b);
            int partition = b.getInt();
            if (b.hasRemaining() || partition < 0) {
                throw new IllegalArgumentException("offset commit key has " + b.remaining()
                        + " trailing bytes or a negative partition " + partition);
            }
            return new Key(group, new TopicPartition(topic, partition));
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("offset commit key of " + bytes.length + " bytes is truncated", e);
        }
    }

    /**
     * Decodes a value.
     *
     * @param bytes the value bytes, not null
     * @return the commit, or null for a version this code does not know
     * @throws IllegalArgumentException when a value of a known version is malformed
     */
    static Commit decodeValue(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            short version = b.getShort();
            if (version < 0 || version > 3) {
                return null;
            }
            long offset = b.getLong();
            if (version == 3) {
                b.getInt(); // leader epoch
            }
            string(b); // metadata
            long timestamp = b.getLong();
            if (version == 1) {
                b.getLong(); // expire timestamp
            }
            return new Commit(offset, timestamp);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("offset commit value of " + bytes.length + " bytes is truncated", e);
        }
    }

    private static String string(ByteBuffer b) {
        int length = b.getShort();
        if (length < 0) {
            throw new IllegalArgumentException("string length " + length + " in an offset commit record");
        }
        byte[] s = new byte[length];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
