package io.runnel.log.core.record;

import io.runnel.log.CompressionType;

import java.io.IOException;

import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Codec 2: snappy, in the framing of snappy-java's {@code SnappyOutputStream}, which Kafka writes
 * and reads with {@code SnappyInputStream}. Needs {@code org.xerial.snappy:snappy-java}, whose
 * compression is a JNI library.
 *
 * <p>The framing: a 16-byte header (the magic {@code 82 53 4e 41 50 50 59 00}, that is
 * {@code 0x82 "SNAPPY" 0x00}, then the int32 big-endian version 1 and minimum compatible version
 * 1), then chunks of at most 32 KiB of input each, as an int32 big-endian compressed length and a
 * raw snappy block. Reading also accepts, as {@code SnappyInputStream} does, a header repeated
 * between chunks (streams written back to back) and a payload without the header, which is one raw
 * snappy block (what librdkafka writes).
 *
 * <p>Not thread-safe (stateless, but owned like every codec).
 */
final class SnappyCodec extends CompressionCodec {
    /** The snappy-java version Runnel is built and tested with (kafka-clients 4.1.0's). */
    static final String VERSION = "1.1.10.7";

    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = MAGIC.length + 8;
    private static final int VERSION_1 = 1;
    /** {@code SnappyOutputStream}'s default block size, which Kafka uses. */
    private static final int BLOCK_SIZE = 32 * 1024;

    SnappyCodec() {
        super(CompressionType.SNAPPY);
        try {
            Snappy.maxCompressedLength(1); // loads the native library now, not in the middle of a batch
        } catch (SnappyError e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    int compress(byte[] src, int length, ByteScratch out) {
        int blocks = (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long bound = HEADER_SIZE + (long) blocks * (4 + Snappy.maxCompressedLength(BLOCK_SIZE));
        byte[] o = out.ensure((int) Math.min(bound, ByteScratch.MAX_CAPACITY), 0, ByteScratch.MAX_CAPACITY);
        System.arraycopy(MAGIC, 0, o, 0, MAGIC.length);
        putIntBE(o, MAGIC.length, VERSION_1);
        putIntBE(o, MAGIC.length + 4, VERSION_1);
        int p = HEADER_SIZE;
        try {
            for (int from = 0; from < length; from += BLOCK_SIZE) {
                int n = Math.min(BLOCK_SIZE, length - from);
                int compressed = Snappy.compress(src, from, n, o, p + 4);
                putIntBE(o, p, compressed);
                p += 4 + compressed;
            }
        } catch (IOException e) {
            throw new IllegalStateException("snappy failed to compress: " + e.getMessage(), e);
        }
        return p;
    }

    @Override
    int decompress(byte[] src, int offset, int length, ByteScratch out, int maxSize, int errorIndex) {
        int end = offset + length;
        if (!startsWithMagic(src, offset, end)) {
            return uncompressBlock(src, offset, length, out, 0, maxSize, errorIndex, errorIndex);
        }
        int base = errorIndex - offset;
        int size = 0;
        int p = offset;
        while (p < end) {
            if (startsWithMagic(src, p, end)) {
                if (end - p < HEADER_SIZE) {
                    throw corrupt("the stream header is truncated", base + p);
                }
                int compatible = getIntBE(src, p + MAGIC.length + 4);
                if (compatible < VERSION_1) {
                    throw corrupt("the stream header's minimum compatible version is " + compatible,
                            base + p + MAGIC.length + 4);
                }
                p += HEADER_SIZE;
                continue;
            }
            if (end - p < 4) {
                throw corrupt("a chunk length is truncated", base + p);
            }
            int chunk = getIntBE(src, p);
            if (chunk <= 0 || chunk > end - p - 4) {
                throw corrupt("chunk length " + chunk + " does not fit the " + (end - p - 4) + " bytes left",
                        base + p);
            }
            size += uncompressBlock(src, p + 4, chunk, out, size, maxSize, base + p + 4, errorIndex);
            p += 4 + chunk;
        }
        return size;
    }

    /** Uncompresses one raw snappy block to {@code out[at...]}; returns its uncompressed length. */
    private int uncompressBlock(byte[] src, int from, int length, ByteScratch out, int at, int maxSize,
            int blockIndex, int payloadIndex) {
        try {
            int n = Snappy.uncompressedLength(src, from, length);
            if (n < 0) {
                throw corrupt("block claims " + n + " uncompressed bytes", blockIndex);
            }
            byte[] o = room(out, (long) at + n, at, maxSize, payloadIndex);
            int written = Snappy.uncompress(src, from, length, o, at);
            if (written != n) {
                throw corrupt("block uncompressed to " + written + " bytes, its preamble says " + n, blockIndex);
            }
            return n;
        } catch (IOException | SnappyError | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw corrupt("invalid snappy block (" + e.getMessage() + ")", blockIndex);
        }
    }

    private static boolean startsWithMagic(byte[] src, int p, int end) {
        if (end - p < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (src[p + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static void putIntBE(byte[] a, int i, int v) {
        a[i] = (byte) (v >>> 24);
        a[i + 1] = (byte) (v >>> 16);
        a[i + 2] = (byte) (v >>> 8);
        a[i + 3] = (byte) v;
    }

    private static int getIntBE(byte[] a, int i) {
        return (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
    }
}
