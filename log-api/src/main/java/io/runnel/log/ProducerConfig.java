package io.runnel.log;

import java.util.Objects;

/**
 * The configuration of a {@link Producer}. Each setting is named as Kafka's producer
 * configuration in camel case, with the same units and defaults; every value is checked once, by
 * {@link Builder#build()}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ProducerConfig {

    /** Default {@link #batchSize()}: 16384 bytes, as Kafka's {@code batch.size}. */
    public static final int DEFAULT_BATCH_SIZE = 16384;
    /**
     * Default {@link #lingerMs()}: 0 ms. Kafka 4.0's default is 5 ms, which pays for itself over a
     * network; in process an append costs microseconds, concurrent sends are batched anyway
     * (flat combining), and a thread that waits for each send would wait 5 ms a record.
     */
    public static final long DEFAULT_LINGER_MS = 0L;
    /** Default {@link #compressionType()}: {@link CompressionType#NONE}, as Kafka's {@code compression.type}. */
    public static final CompressionType DEFAULT_COMPRESSION_TYPE = CompressionType.NONE;

    private static final ProducerConfig DEFAULTS = builder().build();

    private final int batchSize;
    private final long lingerMs;
    private final CompressionType compressionType;

    private ProducerConfig(Builder b) {
        this.batchSize = b.batchSize;
        this.lingerMs = b.lingerMs;
        this.compressionType = b.compressionType;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration with every setting at its default.
     *
     * @return the default configuration
     */
    public static ProducerConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder holding this configuration's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).lingerMs(lingerMs).compressionType(compressionType);
    }

    /**
     * The size up to which records for one partition are gathered into one batch
     * ({@code batch.size}); a record larger than this goes in a batch of its own.
     *
     * @return bytes, at least 0 (0 sends every record in its own batch); default {@link #DEFAULT_BATCH_SIZE}
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * How long a batch that is not full waits for more records before it is appended
     * ({@code linger.ms}). A send completes only once its batch is appended, so this bounds the
     * latency it adds; {@link Producer#flush()} appends at once.
     *
     * @return milliseconds, at least 0; default {@link #DEFAULT_LINGER_MS}
     */
    public long lingerMs() {
        return lingerMs;
    }

    /**
     * How batches are compressed before they are appended ({@code compression.type}).
     *
     * @return the compression type; default {@link #DEFAULT_COMPRESSION_TYPE}
     */
    public CompressionType compressionType() {
        return compressionType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProducerConfig c
                && batchSize == c.batchSize && lingerMs == c.lingerMs && compressionType == c.compressionType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(batchSize, lingerMs, compressionType);
    }

    @Override
    public String toString() {
        return "ProducerConfig[batchSize=" + batchSize + ", lingerMs=" + lingerMs
                + ", compressionType=" + compressionType.configName() + "]";
    }

    /**
     * Builds a {@link ProducerConfig}. The setters only record values; {@link #build()} checks
     * them all and names the first that is out of range.
     *
     * <p>This class is not thread-safe: use a builder from one thread.
     */
    public static final class Builder {
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long lingerMs = DEFAULT_LINGER_MS;
        private CompressionType compressionType = DEFAULT_COMPRESSION_TYPE;

        private Builder() {
        }

        /**
         * Sets the batch size ({@code batch.size}).
         *
         * @param batchSize bytes, at least 0
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets how long a batch waits for more records ({@code linger.ms}).
         *
         * @param lingerMs milliseconds, at least 0
         * @return this builder
         */
        public Builder lingerMs(long lingerMs) {
            this.lingerMs = lingerMs;
            return this;
        }

        /**
         * Sets how batches are compressed ({@code compression.type}).
         *
         * @param compressionType the compression type, not null
         * @return this builder
         */
        public Builder compressionType(CompressionType compressionType) {
            this.compressionType = compressionType;
            return this;
        }

        /**
         * Checks every value and builds the configuration.
         *
         * @return the configuration
         * @throws InvalidConfigException naming the first setting out of range, what it must be,
         *                                and the value it was
         */
        public ProducerConfig build() {
            ConfigChecks.atLeast("batchSize", "batch.size", batchSize, 0);
            ConfigChecks.atLeast("lingerMs", "linger.ms", lingerMs, 0L);
            ConfigChecks.notNull("compressionType", "compression.type", compressionType);
            return new ProducerConfig(this);
        }
    }
}
