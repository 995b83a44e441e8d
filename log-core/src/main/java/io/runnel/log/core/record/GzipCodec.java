package io.runnel.log.core.record;

import io.runnel.log.CompressionType;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Codec 1: gzip (RFC 1952) through {@code java.util.zip}, as Kafka writes it with
 * {@code GZIPOutputStream} and reads it with {@code GZIPInputStream}. No library needed.
 *
 * <p>Writes one member: the 10-byte header {@code 1f 8b 08 00 00000000 00 ff} (deflate, no flags,
 * no time, unknown OS), raw deflate at Kafka's default level ({@link Deflater#DEFAULT_COMPRESSION},
 * 6), then the CRC-32 and the length modulo 2^32 of the records, both little-endian. Reads one or
 * more members back to back, with any of the optional header fields, and checks each member's CRC-32
 * and length. The {@link Deflater} and {@link Inflater} are reused from batch to batch (the JDK
 * frees their native memory when the codec becomes unreachable).
 *
 * <p>Not thread-safe.
 */
final class GzipCodec extends CompressionCodec {
    private static final int HEADER_SIZE = 10;
    private static final int TRAILER_SIZE = 8;
    private static final int ID1 = 0x1f;
    private static final int ID2 = 0x8b;
    private static final int CM_DEFLATE = 8;
    private static final int OS_UNKNOWN = 0xff;
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int FRESERVED = 0xe0;

    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private Inflater inflater;

    GzipCodec() {
        super(CompressionType.GZIP);
    }

    @Override
    int compress(byte[] src, int length, ByteScratch out) {
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        Deflater d = deflater;
        d.reset();
        d.setInput(src, 0, length);
        d.finish();
        // Deflate grows incompressible input by 5 bytes per 16 KiB stored block at most.
        byte[] o = out.ensure(HEADER_SIZE + length + length / 1024 + 64 + TRAILER_SIZE, 0, ByteScratch.MAX_CAPACITY);
        o[0] = (byte) ID1;
        o[1] = (byte) ID2;
        o[2] = CM_DEFLATE;
        for (int i = 3; i < 9; i++) {
            o[i] = 0; // flags, modification time, extra flags
        }
        o[9] = (byte) OS_UNKNOWN;
        int p = HEADER_SIZE;
        while (!d.finished()) {
            if (p == o.length) {
                o = out.ensure(o.length + 1, p, ByteScratch.MAX_CAPACITY);
            }
            p += d.deflate(o, p, o.length - p);
        }
        crc.reset();
        crc.update(src, 0, length);
        o = out.ensure(p + TRAILER_SIZE, p, ByteScratch.MAX_CAPACITY);
        putIntLE(o, p, (int) crc.getValue());
        putIntLE(o, p + 4, length);
        return p + TRAILER_SIZE;
    }

    @Override
    int decompress(byte[] src, int offset, int length, ByteScratch out, int maxSize, int errorIndex) {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        int end = offset + length;
        int p = offset;
        int size = 0;
        do {
            p = readHeader(src, p, end, errorIndex - offset);
            int memberStart = size;
            Inflater inf = inflater;
            inf.reset();
            inf.setInput(src, p, end - p);
            byte[] o = out.array();
            try {
                while (!inf.finished()) {
                    // A scratch grown by an earlier batch may exceed this one's limit.
                    int limit = Math.min(o.length, maxSize);
                    if (size == limit) {
                        o = room(out, (long) size + 1, size, maxSize, errorIndex);
                        limit = Math.min(o.length, maxSize);
                    }
                    int n = inf.inflate(o, size, limit - size);
                    size += n;
                    if (n == 0 && !inf.finished()) {
                        if (inf.needsDictionary()) {
                            throw corrupt("the deflate stream asks for a preset dictionary", errorIndex + p - offset);
                        }
                        if (inf.needsInput()) {
                            throw corrupt("the deflate stream is truncated", errorIndex + length);
                        }
                        if (size < limit) {
                            throw corrupt("the deflate stream makes no progress", errorIndex + p - offset);
                        }
                    }
                }
            } catch (DataFormatException e) {
                throw corrupt("invalid deflate data (" + e.getMessage() + ")", errorIndex + p - offset);
            }
            p = end - inf.getRemaining();
            if (end - p < TRAILER_SIZE) {
                throw corrupt("the member trailer is truncated", errorIndex + p - offset);
            }
            crc.reset();
            crc.update(o, memberStart, size - memberStart);
            if (getIntLE(src, p) != (int) crc.getValue()) {
                throw corrupt("CRC-32 mismatch: stored 0x" + Integer.toHexString(getIntLE(src, p)) + ", computed 0x"
                        + Long.toHexString(crc.getValue()), errorIndex + p - offset);
            }
            if (getIntLE(src, p + 4) != size - memberStart) {
                throw corrupt("the trailer's length " + Integer.toUnsignedString(getIntLE(src, p + 4))
                        + " is not the " + (size - memberStart) + " bytes inflated", errorIndex + p + 4 - offset);
            }
            p += TRAILER_SIZE;
        } while (p < end);
        return size;
    }

    /**
     * Checks a member header and skips its optional fields.
     *
     * @param base the error index of {@code src[0]}
     * @return the index of the deflate data
     */
    private int readHeader(byte[] src, int start, int end, int base) {
        if (end - start < HEADER_SIZE) {
            throw corrupt("a member header needs " + HEADER_SIZE + " bytes, " + (end - start) + " remain",
                    base + start);
        }
        if ((src[start] & 0xff) != ID1 || (src[start + 1] & 0xff) != ID2) {
            throw corrupt(String.format("bad magic %02x %02x, expected 1f 8b", src[start] & 0xff,
                    src[start + 1] & 0xff), base + start);
        }
        if (src[start + 2] != CM_DEFLATE) {
            throw corrupt("compression method " + (src[start + 2] & 0xff) + ", expected 8 (deflate)",
                    base + start + 2);
        }
        int flags = src[start + 3] & 0xff;
        if ((flags & FRESERVED) != 0) {
            throw corrupt("reserved flag bits set in 0x" + Integer.toHexString(flags), base + start + 3);
        }
        int p = start + HEADER_SIZE;
        if ((flags & FEXTRA) != 0) {
            if (end - p < 2) {
                throw corrupt("the extra field is truncated", base + p);
            }
            int extra = (src[p] & 0xff) | (src[p + 1] & 0xff) << 8;
            p += 2;
            if (end - p < extra) {
                throw corrupt("the extra field is truncated", base + p);
            }
            p += extra;
        }
        if ((flags & FNAME) != 0) {
            p = skipZeroTerminated(src, p, end, "file name", base);
        }
        if ((flags & FCOMMENT) != 0) {
            p = skipZeroTerminated(src, p, end, "comment", base);
        }
        if ((flags & FHCRC) != 0) {
            if (end - p < 2) {
                throw corrupt("the header CRC is truncated", base + p);
            }
            crc.reset();
            crc.update(src, start, p - start);
            int stored = (src[p] & 0xff) | (src[p + 1] & 0xff) << 8;
            if (stored != ((int) crc.getValue() & 0xffff)) {
                throw corrupt("header CRC mismatch", base + p);
            }
            p += 2;
        }
        return p;
    }

    private int skipZeroTerminated(byte[] src, int p, int end, String field, int base) {
        for (int i = p; i < end; i++) {
            if (src[i] == 0) {
                return i + 1;
            }
        }
        throw corrupt("the " + field + " is not terminated", base + p);
    }

    private static void putIntLE(byte[] a, int i, int v) {
        a[i] = (byte) v;
        a[i + 1] = (byte) (v >>> 8);
        a[i + 2] = (byte) (v >>> 16);
        a[i + 3] = (byte) (v >>> 24);
    }

    static int getIntLE(byte[] a, int i) {
        return (a[i] & 0xff) | (a[i + 1] & 0xff) << 8 | (a[i + 2] & 0xff) << 16 | (a[i + 3] & 0xff) << 24;
    }
}
