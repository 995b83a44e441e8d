package io.runnel.log.core.client;

/**
 * MurmurHash2 (Austin Appleby's 32-bit variant, seed {@code 0x9747b28c}), the hash Kafka's
 * default partitioner applies to serialized keys (DESIGN.md decision 2). A key maps to partition
 * {@code (murmur2(key) & 0x7fffffff) % partitions}, as in Kafka.
 *
 * <p>Thread-safe: stateless.
 */
public final class Murmur2 {
    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private Murmur2() {
    }

    /**
     * The 32-bit MurmurHash2 of the bytes, little-endian 4-byte blocks, as Kafka computes it.
     *
     * @param data the bytes
     * @return the hash
     */
    public static int hash(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int blocks = length >>> 2;
        for (int b = 0; b < blocks; b++) {
            int i = b << 2;
            int k = (data[i] & 0xff) | ((data[i + 1] & 0xff) << 8) | ((data[i + 2] & 0xff) << 16)
                    | ((data[i + 3] & 0xff) << 24);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
        }
        int tail = blocks << 2;
        int rest = length & 3;
        if (rest == 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (rest >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (rest >= 1) {
            h ^= data[tail] & 0xff;
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }

    /**
     * The partition Kafka's default partitioner picks for a serialized key.
     *
     * @param key        the serialized key
     * @param partitions the partition count
     * @return a partition from 0 to {@code partitions - 1}
     */
    public static int partition(byte[] key, int partitions) {
        return (hash(key) & 0x7fffffff) % partitions;
    }
}
