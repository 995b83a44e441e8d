package io.runnel.log;

/**
 * How the records of a batch are compressed (Kafka's {@code compression.type}). The
 * {@linkplain #id() id} is the codec stored in the low three bits of a record batch's attributes,
 * as in Kafka, so files move between Runnel and Kafka unchanged.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum CompressionType {
    /** No compression. */
    NONE(0, "none"),
    /** GZIP ({@link java.util.zip.GZIPOutputStream}'s format). */
    GZIP(1, "gzip"),
    /** Snappy, in the xerial framing Kafka uses. */
    SNAPPY(2, "snappy"),
    /** LZ4, in the frame format Kafka uses. */
    LZ4(3, "lz4"),
    /** Zstandard. */
    ZSTD(4, "zstd");

    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String configName;

    CompressionType(int id, String configName) {
        this.id = id;
        this.configName = configName;
    }

    /**
     * Kafka's codec id: the value of the low three bits of a record batch's attributes.
     *
     * @return the id, from 0 to 4
     */
    public int id() {
        return id;
    }

    /**
     * The value's name in Kafka's {@code compression.type} setting.
     *
     * @return {@code "none"}, {@code "gzip"}, {@code "snappy"}, {@code "lz4"} or {@code "zstd"}
     */
    public String configName() {
        return configName;
    }

    /**
     * The compression type with a codec id, as read from a batch's attributes.
     *
     * @param id the codec id
     * @return the compression type
     * @throws IllegalArgumentException if no compression type has that id; a reader of a batch
     *                                  reports that as corruption
     */
    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("unknown compression type id " + id
                    + ": expected 0 (none) to " + (BY_ID.length - 1) + " (" + BY_ID[BY_ID.length - 1].configName + ")");
        }
        return BY_ID[id];
    }

    /**
     * The compression type with a Kafka configuration name.
     *
     * @param configName {@code "none"}, {@code "gzip"}, {@code "snappy"}, {@code "lz4"} or {@code "zstd"}
     * @return the compression type
     * @throws InvalidConfigException if the name is none of those (or is null)
     */
    public static CompressionType forConfigName(String configName) {
        for (CompressionType t : BY_ID) {
            if (t.configName.equals(configName)) {
                return t;
            }
        }
        throw ConfigChecks.invalid("compressionType", "compression.type",
                "be one of none, gzip, snappy, lz4, zstd", configName == null ? null : "\"" + configName + "\"");
    }
}
