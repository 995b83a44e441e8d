package io.runnel.log.core.record;

import io.runnel.log.CompressionType;

import java.util.function.Predicate;

/**
 * One codec of Kafka's batch compression: compresses the records of a batch as a whole and
 * decompresses them again, in the framing Kafka's own reader and writer use (the framings are in
 * {@code docs/FORMAT.md}). One instance per {@link RecordBatchWriter} or {@link RecordCursor}:
 * an instance may hold reusable state (a {@code Deflater}, a checksum).
 *
 * <p>Both directions work on heap arrays. Decompression is bounded: it never produces more than
 * the {@code maxSize} it is given, and reports anything malformed as an
 * {@link InvalidBatchException}, whatever the library underneath throws.
 *
 * <p>Not thread-safe.
 */
abstract class CompressionCodec {

    /** The codec's type, for messages. */
    final CompressionType type;

    CompressionCodec(CompressionType type) {
        this.type = type;
    }

    /**
     * Compresses {@code src[0, length)} into {@code out} from index 0, growing it as needed.
     *
     * @param src    the uncompressed records
     * @param length how many bytes of {@code src}
     * @param out    where the compressed bytes go
     * @return the compressed length
     */
    abstract int compress(byte[] src, int length, ByteScratch out);

    /**
     * Decompresses {@code src[offset, offset + length)} into {@code out} from index 0, growing it
     * as needed but never past {@code maxSize} bytes of output.
     *
     * @param src        the compressed payload
     * @param offset     its first byte in {@code src}
     * @param length     its length
     * @param out        where the records go
     * @param maxSize    the most bytes the payload may decompress to
     * @param errorIndex the index to report in an {@link InvalidBatchException}: where the payload
     *                   starts in the buffer the batch was read from
     * @return the decompressed length
     * @throws InvalidBatchException if the payload is malformed, or decompresses to more than
     *                               {@code maxSize} bytes
     */
    abstract int decompress(byte[] src, int offset, int length, ByteScratch out, int maxSize, int errorIndex);

    /**
     * A malformed payload.
     *
     * @param detail what is wrong
     * @param index  where, as an index in the batch's buffer
     * @return the exception to throw
     */
    final InvalidBatchException corrupt(String detail, int index) {
        return new InvalidBatchException(type.configName() + " payload is corrupt: " + detail, index);
    }

    /**
     * A payload that decompresses past the limit: a zip bomb, or a batch larger than Runnel reads.
     *
     * @param maxSize the limit
     * @param index   where the payload starts in the batch's buffer
     * @return the exception to throw
     */
    final InvalidBatchException tooLarge(int maxSize, int index) {
        return new InvalidBatchException(type.configName() + " payload decompresses to more than " + maxSize
                + " bytes, the limit for its compressed size (a zip-bomb guard: max("
                + RecordCursor.DECOMPRESSED_SIZE_FLOOR + ", " + RecordCursor.MAX_COMPRESSION_RATIO
                + " x the compressed size))", index);
    }

    /**
     * Makes room for {@code needed} bytes of output, or fails with {@link #tooLarge}.
     *
     * @return the output array
     */
    final byte[] room(ByteScratch out, long needed, int keep, int maxSize, int errorIndex) {
        if (needed > maxSize) {
            throw tooLarge(maxSize, errorIndex);
        }
        return out.ensure((int) needed, keep, maxSize);
    }

    /**
     * Creates the codec for a compression type, checking first that its library is there.
     *
     * @param type         not {@link CompressionType#NONE}
     * @param classPresent whether a class can be loaded (a test seam; normally a class lookup)
     * @return a new codec
     * @throws CodecUnavailableException naming the Maven artifact to add when the library is
     *                                   missing or its native part does not load
     */
    static CompressionCodec create(CompressionType type, Predicate<String> classPresent) {
        switch (type) {
            case GZIP:
                return new GzipCodec();
            case SNAPPY:
                require(type, classPresent, "org.xerial.snappy.Snappy", "org.xerial.snappy", "snappy-java",
                        SnappyCodec.VERSION, "snappy.java");
                return construct(type, SnappyCodec::new, "org.xerial.snappy", "snappy-java", SnappyCodec.VERSION);
            case LZ4:
                require(type, classPresent, "net.jpountz.lz4.LZ4Factory", "org.lz4", "lz4-java", Lz4Codec.VERSION,
                        "org.lz4.java");
                return construct(type, Lz4Codec::new, "org.lz4", "lz4-java", Lz4Codec.VERSION);
            case ZSTD:
                require(type, classPresent, "com.github.luben.zstd.Zstd", "com.github.luben", "zstd-jni",
                        ZstdCodec.VERSION, "com.github.luben.zstd_jni");
                return construct(type, ZstdCodec::new, "com.github.luben", "zstd-jni", ZstdCodec.VERSION);
            default:
                throw new IllegalArgumentException("no codec for " + type);
        }
    }

    /**
     * Whether a class can be loaded by the loader of this package, without initializing it.
     *
     * @param name the binary class name
     * @return true when it can
     */
    static boolean classPresent(String name) {
        try {
            Class.forName(name, false, CompressionCodec.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void require(CompressionType type, Predicate<String> classPresent, String className,
            String groupId, String artifactId, String version, String module) {
        if (!classPresent.test(className)) {
            throw new CodecUnavailableException(missing(type, groupId, artifactId, version)
                    + " (class " + className + " not found; on the module path, also resolve module " + module
                    + ": requires " + module + " in your module-info, or --add-modules " + module + ")", null);
        }
    }

    private interface Constructor {
        CompressionCodec create();
    }

    private static CompressionCodec construct(CompressionType type, Constructor constructor, String groupId,
            String artifactId, String version) {
        try {
            return constructor.create();
        } catch (LinkageError | IllegalStateException e) {
            // NoClassDefFoundError (a partial or mismatched jar), UnsatisfiedLinkError or
            // ExceptionInInitializerError (the native library did not load); the codecs turn a
            // library's own load failure (SnappyError) into IllegalStateException.
            throw new CodecUnavailableException(missing(type, groupId, artifactId, version)
                    + " (it failed to load: " + e + ")", e);
        }
    }

    private static String missing(CompressionType type, String groupId, String artifactId, String version) {
        return type.configName() + " compression (codec " + type.id() + ") needs the library " + groupId + ":"
                + artifactId + ":" + version + ": add <dependency><groupId>" + groupId + "</groupId><artifactId>"
                + artifactId + "</artifactId><version>" + version + "</version></dependency> to your pom";
    }
}
