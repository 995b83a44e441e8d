package io.runnel.log.core.record;

import io.runnel.log.CompressionType;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;

/**
 * Codec 4: Zstandard frames (RFC 8878) through {@code com.github.luben:zstd-jni}, a JNI library.
 * Kafka writes one frame per batch with {@code ZstdOutputStreamNoFinalizer} at its default level
 * 3, without the content size (it streams); Runnel compresses the batch in one call at level 3,
 * which also stores the content size. Either reads the other's: reading decompresses everything
 * in the payload, one or more frames (skippable frames skipped), and refuses anything left over.
 *
 * <p>Decompression goes into the output as it is; when the frames do not fit, the output doubles
 * (up to the zip-bomb limit) and decompression starts again. A frame header that states a content
 * size sizes the first attempt and is checked against the limit before anything is decompressed.
 * Each call creates and frees its own zstd context (as Kafka does per batch).
 *
 * <p>Not thread-safe (stateless, but owned like every codec).
 */
final class ZstdCodec extends CompressionCodec {
    /** The zstd-jni version Runnel is built and tested with (kafka-clients 4.1.0's). */
    static final String VERSION = "1.5.6-10";
    /** Kafka's default zstd level. */
    static final int LEVEL = 3;

    private final long dstSizeTooSmall;

    ZstdCodec() {
        super(CompressionType.ZSTD);
        dstSizeTooSmall = Zstd.errDstSizeTooSmall(); // loads the native library now
    }

    @Override
    int compress(byte[] src, int length, ByteScratch out) {
        long bound = Zstd.compressBound(length);
        byte[] o = out.ensure((int) Math.min(bound, ByteScratch.MAX_CAPACITY), 0, ByteScratch.MAX_CAPACITY);
        long n = Zstd.compressByteArray(o, 0, o.length, src, 0, length, LEVEL);
        if (Zstd.isError(n)) {
            throw new IllegalStateException("zstd failed to compress: " + Zstd.getErrorName(n));
        }
        return (int) n;
    }

    @Override
    int decompress(byte[] src, int offset, int length, ByteScratch out, int maxSize, int errorIndex) {
        long declared;
        try {
            declared = Zstd.getFrameContentSize(src, offset, length);
        } catch (RuntimeException e) {
            declared = -1;
        }
        if (declared > maxSize) {
            throw tooLarge(maxSize, errorIndex);
        }
        int capacity = (int) Math.min(maxSize, Math.max(out.capacity(),
                declared > 0 ? declared : Math.min(4L * length, maxSize)));
        while (true) {
            byte[] o = out.ensure(capacity, 0, maxSize);
            int room = Math.min(o.length, maxSize); // a scratch grown by an earlier batch may exceed this one's limit
            try {
                return Math.toIntExact(Zstd.decompressByteArray(o, 0, room, src, offset, length));
            } catch (ZstdException e) {
                if (!isDstSizeTooSmall(e)) {
                    throw corrupt("invalid zstd data (" + e.getMessage() + ")", errorIndex);
                }
            } catch (RuntimeException e) {
                throw corrupt("invalid zstd data (" + e + ")", errorIndex);
            }
            if (room >= maxSize) {
                throw tooLarge(maxSize, errorIndex);
            }
            capacity = (int) Math.min(maxSize, 2L * room);
        }
    }

    private boolean isDstSizeTooSmall(ZstdException e) {
        long code = e.getErrorCode();
        return code == dstSizeTooSmall || Zstd.isError(code) && Zstd.getErrorCode(code) == dstSizeTooSmall;
    }
}
