package io.runnel.log.core.record;

import io.runnel.log.CompressionType;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Codec 3: LZ4, in the LZ4 frame format as Kafka writes and reads it, with the block compression
 * and xxHash32 of {@code org.lz4:lz4-java}. Runnel uses lz4-java's pure-Java "safe" instances: no
 * JNI library and no {@code sun.misc.Unsafe}, so nothing is printed on JDK 24+ and nothing needs
 * native access.
 *
 * <p>The frame Runnel writes (all integers little-endian), as Kafka's {@code Lz4BlockOutputStream}
 * does at its default level:
 * <pre>
 * magic        4  0x184D2204
 * FLG          1  0x60: version 01, blocks independent, no block checksum, no content size,
 *                 no content checksum, no dictionary id
 * BD           1  0x40: maximum block size 64 KiB
 * HC           1  (xxHash32(FLG BD, seed 0) &gt;&gt; 8) &amp; 0xFF
 * blocks          per 64 KiB of input: int32 size, then the data; the size's high bit set means
 *                 the data is stored uncompressed (when compressing did not make it smaller)
 * end mark     4  0
 * </pre>
 * Blocks are compressed with lz4-java's fast compressor, Kafka's choice at its default level.
 *
 * <p>Reading accepts every frame Kafka's {@code Lz4BlockInputStream} accepts: block sizes 64 KiB
 * to 4 MiB, optional block checksums (checked), an optional content size (checked against the
 * result) and an optional content checksum (checked). Like Kafka it refuses dependent blocks; it
 * also refuses a dictionary id and bytes after the frame. Before a block is decompressed, its
 * sequences are walked once: that gives its exact decompressed size (so the zip-bomb limit is
 * applied before anything is written) and refuses a match offset of 0 or one reaching before the
 * block, the malformed input with which lz4-java's Java decompressors up to 1.10.0 copy stale
 * bytes of a reused output buffer (CVE-2025-66566).
 *
 * <p>Not thread-safe (the lz4-java objects are, and are shared).
 */
final class Lz4Codec extends CompressionCodec {
    /** The lz4-java version Runnel is built and tested with (kafka-clients 4.1.0's). */
    static final String VERSION = "1.8.0";

    static final int MAGIC = 0x184D2204;
    static final int FLG_VERSION_MASK = 0xC0;
    static final int FLG_VERSION_01 = 0x40;
    static final int FLG_BLOCK_INDEPENDENCE = 0x20;
    static final int FLG_BLOCK_CHECKSUM = 0x10;
    static final int FLG_CONTENT_SIZE = 0x08;
    static final int FLG_CONTENT_CHECKSUM = 0x04;
    static final int FLG_RESERVED = 0x02;
    static final int FLG_DICT_ID = 0x01;
    static final int BD_RESERVED = 0x8F;
    /** BD value 4 (64 KiB) in bits 4-6. */
    static final int BD_64_KIB = 4 << 4;
    static final int BLOCK_SIZE = 64 * 1024;
    static final int UNCOMPRESSED_BIT = 0x80000000;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.safeInstance().hash32();

    Lz4Codec() {
        super(CompressionType.LZ4);
    }

    @Override
    int compress(byte[] src, int length, ByteScratch out) {
        int blocks = (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        long bound = 7L + (long) blocks * (4 + COMPRESSOR.maxCompressedLength(BLOCK_SIZE)) + 4;
        byte[] o = out.ensure((int) Math.min(bound, ByteScratch.MAX_CAPACITY), 0, ByteScratch.MAX_CAPACITY);
        putIntLE(o, 0, MAGIC);
        o[4] = (byte) (FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE);
        o[5] = (byte) BD_64_KIB;
        o[6] = headerChecksum(o, 4, 6);
        int p = 7;
        for (int from = 0; from < length; from += BLOCK_SIZE) {
            int n = Math.min(BLOCK_SIZE, length - from);
            int compressed = COMPRESSOR.compress(src, from, n, o, p + 4, o.length - p - 4);
            if (compressed < n) {
                putIntLE(o, p, compressed);
                p += 4 + compressed;
            } else {
                putIntLE(o, p, n | UNCOMPRESSED_BIT);
                System.arraycopy(src, from, o, p + 4, n);
                p += 4 + n;
            }
        }
        putIntLE(o, p, 0);
        return p + 4;
    }

    @Override
    int decompress(byte[] src, int offset, int length, ByteScratch out, int maxSize, int errorIndex) {
        int end = offset + length;
        int base = errorIndex - offset;
        if (length < 7) {
            throw corrupt("a frame header needs at least 7 bytes, the payload has " + length, errorIndex);
        }
        int magic = GzipCodec.getIntLE(src, offset);
        if (magic != MAGIC) {
            throw corrupt("frame magic 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC),
                    errorIndex);
        }
        int flg = src[offset + 4] & 0xff;
        int bd = src[offset + 5] & 0xff;
        if ((flg & FLG_VERSION_MASK) != FLG_VERSION_01) {
            throw corrupt("frame version " + (flg >>> 6) + ", expected 1", base + offset + 4);
        }
        if ((flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0) {
            throw corrupt("reserved bits set in the frame descriptor", base + offset + 4);
        }
        if ((flg & FLG_BLOCK_INDEPENDENCE) == 0) {
            throw corrupt("dependent blocks are not supported (nor by Kafka)", base + offset + 4);
        }
        if ((flg & FLG_DICT_ID) != 0) {
            throw corrupt("a dictionary id is not supported", base + offset + 4);
        }
        int sizeCode = bd >>> 4;
        if (sizeCode < 4) {
            throw corrupt("block size code " + sizeCode + ", expected 4 to 7", base + offset + 5);
        }
        int maxBlock = 1 << (8 + 2 * sizeCode);
        int p = offset + 6;
        long contentSize = -1;
        if ((flg & FLG_CONTENT_SIZE) != 0) {
            if (end - p < 9) {
                throw corrupt("the frame descriptor is truncated", base + p);
            }
            contentSize = (GzipCodec.getIntLE(src, p) & 0xFFFFFFFFL) | (long) GzipCodec.getIntLE(src, p + 4) << 32;
            p += 8;
        }
        if (end - p < 1) {
            throw corrupt("the frame descriptor is truncated", base + p);
        }
        byte checksum = headerChecksum(src, offset + 4, p);
        if (src[p] != checksum) {
            throw corrupt("frame descriptor checksum 0x" + Integer.toHexString(src[p] & 0xff) + ", computed 0x"
                    + Integer.toHexString(checksum & 0xff), base + p);
        }
        p++;
        boolean blockChecksums = (flg & FLG_BLOCK_CHECKSUM) != 0;
        int size = 0;
        while (true) {
            if (end - p < 4) {
                throw corrupt("the frame ends without an end mark", base + p);
            }
            int word = GzipCodec.getIntLE(src, p);
            int blockIndex = base + p;
            p += 4;
            if (word == 0) {
                break;
            }
            int blockSize = word & ~UNCOMPRESSED_BIT;
            if (blockSize > maxBlock || blockSize > end - p) {
                throw corrupt("block size " + blockSize + " exceeds the frame's maximum " + maxBlock
                        + " or the " + (end - p) + " bytes left", blockIndex);
            }
            if (blockChecksums) {
                if (end - p - blockSize < 4) {
                    throw corrupt("a block checksum is truncated", base + p + blockSize);
                }
                int stored = GzipCodec.getIntLE(src, p + blockSize);
                if (stored != XXHASH.hash(src, p, blockSize, 0)) {
                    throw corrupt("block checksum mismatch", base + p + blockSize);
                }
            }
            if ((word & UNCOMPRESSED_BIT) != 0) {
                byte[] o = room(out, (long) size + blockSize, size, maxSize, errorIndex);
                System.arraycopy(src, p, o, size, blockSize);
                size += blockSize;
            } else {
                int n = decompressedSize(src, p, p + blockSize, blockIndex);
                if (n > maxBlock) {
                    throw corrupt("block decompresses to " + n + " bytes, above the frame's maximum " + maxBlock,
                            blockIndex);
                }
                byte[] o = room(out, (long) size + n, size, maxSize, errorIndex);
                int written;
                try {
                    written = DECOMPRESSOR.decompress(src, p, blockSize, o, size, n);
                } catch (LZ4Exception | IndexOutOfBoundsException e) {
                    throw corrupt("invalid block (" + e.getMessage() + ")", blockIndex);
                }
                if (written != n) {
                    throw corrupt("block decompressed to " + written + " bytes, its sequences add up to " + n,
                            blockIndex);
                }
                size += n;
            }
            p += blockSize + (blockChecksums ? 4 : 0);
        }
        if ((flg & FLG_CONTENT_CHECKSUM) != 0) {
            if (end - p < 4) {
                throw corrupt("the content checksum is truncated", base + p);
            }
            if (GzipCodec.getIntLE(src, p) != XXHASH.hash(out.array(), 0, size, 0)) {
                throw corrupt("content checksum mismatch", base + p);
            }
            p += 4;
        }
        if (contentSize >= 0 && contentSize != size) {
            throw corrupt("the frame says " + contentSize + " bytes of content, its blocks hold " + size,
                    base + offset + 6);
        }
        if (p != end) {
            throw corrupt((end - p) + " bytes follow the frame", base + p);
        }
        return size;
    }

    /**
     * Walks the sequences of a compressed block (LZ4 block format) without copying anything and
     * returns the size it decompresses to. Each sequence is a token (literal length in the high
     * nibble, match length - 4 in the low one, 15 meaning more length bytes follow, each added,
     * until one is not 255), the literals, and, except in the last sequence, a two-byte match
     * offset, which must be at least 1 and at most the bytes produced so far in this block.
     */
    private int decompressedSize(byte[] src, int from, int to, int blockIndex) {
        long produced = 0;
        int p = from;
        while (true) {
            if (p >= to) {
                throw corrupt("a sequence is truncated", blockIndex);
            }
            int token = src[p++] & 0xff;
            long literals = token >>> 4;
            if (literals == 15) {
                int b;
                do {
                    if (p >= to) {
                        throw corrupt("a literal length is truncated", blockIndex);
                    }
                    b = src[p++] & 0xff;
                    literals += b;
                } while (b == 255);
            }
            if (literals > to - p) {
                throw corrupt("literals run past the block", blockIndex);
            }
            p += (int) literals;
            produced += literals;
            if (p == to) {
                break; // the last sequence has literals only
            }
            if (to - p < 2) {
                throw corrupt("a match offset is truncated", blockIndex);
            }
            int matchOffset = (src[p] & 0xff) | (src[p + 1] & 0xff) << 8;
            p += 2;
            if (matchOffset == 0 || matchOffset > produced) {
                throw corrupt("match offset " + matchOffset + " is 0 or reaches before the block, "
                        + produced + " bytes in", blockIndex);
            }
            long match = token & 0x0f;
            if (match == 15) {
                int b;
                do {
                    if (p >= to) {
                        throw corrupt("a match length is truncated", blockIndex);
                    }
                    b = src[p++] & 0xff;
                    match += b;
                } while (b == 255);
            }
            produced += match + 4;
            if (produced > Integer.MAX_VALUE) {
                throw corrupt("block decompresses to more than 2 GiB", blockIndex);
            }
        }
        if (produced > Integer.MAX_VALUE) {
            throw corrupt("block decompresses to more than 2 GiB", blockIndex);
        }
        return (int) produced;
    }

    private static byte headerChecksum(byte[] a, int from, int to) {
        return (byte) ((XXHASH.hash(a, from, to - from, 0) >> 8) & 0xff);
    }

    private static void putIntLE(byte[] a, int i, int v) {
        a[i] = (byte) v;
        a[i + 1] = (byte) (v >>> 8);
        a[i + 2] = (byte) (v >>> 16);
        a[i + 3] = (byte) (v >>> 24);
    }
}
