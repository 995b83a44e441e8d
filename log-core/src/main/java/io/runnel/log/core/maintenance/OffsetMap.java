package io.runnel.log.core.maintenance;

import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key map: the last offset of each key seen, with a bounded memory of 24 bytes a
 * key (as Kafka's {@code SkimpyOffsetMap}: a key is known by its 16-byte MD5 digest, not by its
 * bytes, so the map's size does not depend on key sizes; two keys with the same digest are
 * treated as one, a chance of about 2^-128 per pair). Open addressing with linear probing, filled
 * to at most {@link #LOAD_FACTOR}.
 *
 * <p>Not thread-safe: one per cleaning thread.
 */
final class OffsetMap {
    /** The most a map is filled before {@link #put} refuses new keys. */
    static final double LOAD_FACTOR = 0.9;
    /** Bytes of memory per slot: two longs of digest and one of offset. */
    static final int BYTES_PER_SLOT = 24;
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private final long[] hashHigh;
    private final long[] hashLow;
    /** Offset + 1; 0 marks an empty slot. */
    private final long[] offsets;
    private final int maxEntries;
    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private byte[] keyScratch = new byte[256];
    private int entries;
    private long lastHigh;
    private long lastLow;

    /**
     * A map that takes at most {@code memoryBytes} of heap.
     *
     * @param memoryBytes the memory bound
     */
    OffsetMap(long memoryBytes) {
        int slots = (int) Math.max(16, Math.min(Integer.MAX_VALUE - 8, memoryBytes / BYTES_PER_SLOT));
        hashHigh = new long[slots];
        hashLow = new long[slots];
        offsets = new long[slots];
        maxEntries = (int) (slots * LOAD_FACTOR);
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /**
     * The number of slots.
     *
     * @return the capacity in keys before the load factor
     */
    int slots() {
        return offsets.length;
    }

    /**
     * Distinct keys held.
     *
     * @return the count
     */
    int size() {
        return entries;
    }

    /** Forgets every key. */
    void clear() {
        Arrays.fill(offsets, 0L);
        entries = 0;
    }

    /**
     * Records {@code offset} as the latest of the key in {@code buf[keyOffset, keyOffset + keyLength)}.
     *
     * @return false, with nothing changed, when the key is new and the map is full
     */
    boolean put(ByteBuffer buf, int keyOffset, int keyLength, long offset) {
        hash(buf, keyOffset, keyLength);
        int slot = find();
        if (offsets[slot] == 0) {
            if (entries >= maxEntries) {
                return false;
            }
            entries++;
            hashHigh[slot] = lastHigh;
            hashLow[slot] = lastLow;
        }
        offsets[slot] = offset + 1;
        return true;
    }

    /**
     * The latest offset recorded for the key, or -1 when the map does not hold it.
     *
     * @return the offset or -1
     */
    long get(ByteBuffer buf, int keyOffset, int keyLength) {
        hash(buf, keyOffset, keyLength);
        return offsets[find()] - 1;
    }

    /** The slot of the last hashed key: where it is, or the empty slot where it would go. */
    private int find() {
        int mask = offsets.length;
        int slot = (int) ((lastLow ^ (lastLow >>> 32)) & 0x7fffffff) % mask;
        while (offsets[slot] != 0 && (hashHigh[slot] != lastHigh || hashLow[slot] != lastLow)) {
            slot = slot + 1 == mask ? 0 : slot + 1;
        }
        return slot;
    }

    private void hash(ByteBuffer buf, int keyOffset, int keyLength) {
        if (keyScratch.length < keyLength) {
            keyScratch = new byte[Math.max(keyLength, keyScratch.length * 2)];
        }
        buf.get(keyOffset, keyScratch, 0, keyLength);
        md5.update(keyScratch, 0, keyLength);
        try {
            md5.digest(digest, 0, 16);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        lastHigh = (long) LONGS.get(digest, 0);
        lastLow = (long) LONGS.get(digest, 8);
    }
}
