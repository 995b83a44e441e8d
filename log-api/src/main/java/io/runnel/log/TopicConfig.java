package io.runnel.log;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration of a topic: partition count, segment size, retention and compaction. Each
 * setting is named as Kafka's topic configuration in camel case, with the same units and
 * defaults (for example {@code segmentBytes} is Kafka's {@code segment.bytes}), so a topic moves
 * to Kafka with the same behaviour. Every value is checked once, by {@link Builder#build()}.
 *
 * <pre>{@code
 * TopicConfig snapshots = TopicConfig.builder()
 *         .partitions(8)
 *         .cleanupPolicy(CleanupPolicy.COMPACT)
 *         .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class TopicConfig {

    /** The value of a size or time limit that means "no limit": -1. */
    public static final long UNLIMITED = -1L;

    /** Default {@link #partitions()}: 1, as Kafka's {@code num.partitions}. */
    public static final int DEFAULT_PARTITIONS = 1;
    /** The largest {@link #partitions()} allowed: 1,000,000. */
    public static final int MAX_PARTITIONS = 1_000_000;

    /** Default {@link #segmentBytes()}: 1 GiB (1073741824), as Kafka's {@code segment.bytes}. */
    public static final int DEFAULT_SEGMENT_BYTES = 1024 * 1024 * 1024;
    /**
     * The smallest {@link #segmentBytes()} allowed: 1024. Kafka itself requires at least 1 MiB;
     * smaller segments are allowed here so that tests can roll segments quickly.
     */
    public static final int MIN_SEGMENT_BYTES = 1024;

    /** Default {@link #segmentMs()}: 7 days (604800000 ms), as Kafka's {@code segment.ms}. */
    public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;

    /** Default {@link #segmentIndexBytes()}: 10 MiB (10485760), as Kafka's {@code segment.index.bytes}. */
    public static final int DEFAULT_SEGMENT_INDEX_BYTES = 10 * 1024 * 1024;
    /** The smallest {@link #segmentIndexBytes()} allowed: 12, room for one time index entry. */
    public static final int MIN_SEGMENT_INDEX_BYTES = 12;

    /** Default {@link #retentionMs()}: 7 days (604800000 ms), as Kafka's {@code retention.ms}. */
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 60 * 60 * 1000;

    /** Default {@link #retentionBytes()}: {@link #UNLIMITED}, as Kafka's {@code retention.bytes}. */
    public static final long DEFAULT_RETENTION_BYTES = UNLIMITED;

    /** Default {@link #cleanupPolicy()}: {@link CleanupPolicy#DELETE} only, as Kafka's {@code cleanup.policy}. */
    public static final Set<CleanupPolicy> DEFAULT_CLEANUP_POLICY =
            Collections.unmodifiableSet(EnumSet.of(CleanupPolicy.DELETE));

    /**
     * Default {@link #maxMessageBytes()}: 1048588 (1 MiB plus Kafka's 12-byte log overhead), as
     * Kafka's {@code max.message.bytes}.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
    /** The smallest {@link #maxMessageBytes()} allowed: 64, a little more than a record batch's 61-byte header. */
    public static final int MIN_MAX_MESSAGE_BYTES = 64;

    /** Default {@link #indexIntervalBytes()}: 4096, as Kafka's {@code index.interval.bytes}. */
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    /** Default {@link #deleteRetentionMs()}: 1 day (86400000 ms), as Kafka's {@code delete.retention.ms}. */
    public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;

    /** Default {@link #minCompactionLagMs()}: 0, as Kafka's {@code min.compaction.lag.ms}. */
    public static final long DEFAULT_MIN_COMPACTION_LAG_MS = 0L;

    /** Default {@link #minCleanableDirtyRatio()}: 0.5, as Kafka's {@code min.cleanable.dirty.ratio}. */
    public static final double DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

    private static final TopicConfig DEFAULTS = builder().build();

    private final int partitions;
    private final int segmentBytes;
    private final long segmentMs;
    private final int segmentIndexBytes;
    private final long retentionMs;
    private final long retentionBytes;
    private final Set<CleanupPolicy> cleanupPolicy;
    private final int maxMessageBytes;
    private final int indexIntervalBytes;
    private final long deleteRetentionMs;
    private final long minCompactionLagMs;
    private final double minCleanableDirtyRatio;

    private TopicConfig(Builder b, Set<CleanupPolicy> cleanupPolicy) {
        this.partitions = b.partitions;
        this.segmentBytes = b.segmentBytes;
        this.segmentMs = b.segmentMs;
        this.segmentIndexBytes = b.segmentIndexBytes;
        this.retentionMs = b.retentionMs;
        this.retentionBytes = b.retentionBytes;
        this.cleanupPolicy = cleanupPolicy;
        this.maxMessageBytes = b.maxMessageBytes;
        this.indexIntervalBytes = b.indexIntervalBytes;
        this.deleteRetentionMs = b.deleteRetentionMs;
        this.minCompactionLagMs = b.minCompactionLagMs;
        this.minCleanableDirtyRatio = b.minCleanableDirtyRatio;
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
    public static TopicConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder holding this configuration's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.partitions = partitions;
        b.segmentBytes = segmentBytes;
        b.segmentMs = segmentMs;
        b.segmentIndexBytes = segmentIndexBytes;
        b.retentionMs = retentionMs;
        b.retentionBytes = retentionBytes;
        b.cleanupPolicy = cleanupPolicy.toArray(new CleanupPolicy[0]);
        b.maxMessageBytes = maxMessageBytes;
        b.indexIntervalBytes = indexIntervalBytes;
        b.deleteRetentionMs = deleteRetentionMs;
        b.minCompactionLagMs = minCompactionLagMs;
        b.minCleanableDirtyRatio = minCleanableDirtyRatio;
        return b;
    }

    /**
     * The number of partitions.
     *
     * @return from 1 to {@link #MAX_PARTITIONS}; default {@link #DEFAULT_PARTITIONS}
     */
    public int partitions() {
        return partitions;
    }

    /**
     * The size at which the active segment of a partition is rolled ({@code segment.bytes}).
     *
     * @return bytes, at least {@link #MIN_SEGMENT_BYTES}; default {@link #DEFAULT_SEGMENT_BYTES}
     */
    public int segmentBytes() {
        return segmentBytes;
    }

    /**
     * The age at which the active segment is rolled even if not full ({@code segment.ms}).
     *
     * @return milliseconds, at least 1; default {@link #DEFAULT_SEGMENT_MS}
     */
    public long segmentMs() {
        return segmentMs;
    }

    /**
     * The maximum size of a segment's offset index and of its time index
     * ({@code segment.index.bytes}); a segment is rolled when either is full.
     *
     * @return bytes, at least {@link #MIN_SEGMENT_INDEX_BYTES}; default {@link #DEFAULT_SEGMENT_INDEX_BYTES}
     */
    public int segmentIndexBytes() {
        return segmentIndexBytes;
    }

    /**
     * How long records are kept before their segment may be deleted, when the cleanup policy
     * includes {@link CleanupPolicy#DELETE} ({@code retention.ms}).
     *
     * @return milliseconds, or {@link #UNLIMITED}; default {@link #DEFAULT_RETENTION_MS}
     */
    public long retentionMs() {
        return retentionMs;
    }

    /**
     * The size a partition may grow to before its oldest segments are deleted, when the cleanup
     * policy includes {@link CleanupPolicy#DELETE} ({@code retention.bytes}).
     *
     * @return bytes per partition, or {@link #UNLIMITED}; default {@link #DEFAULT_RETENTION_BYTES}
     */
    public long retentionBytes() {
        return retentionBytes;
    }

    /**
     * What happens to old records ({@code cleanup.policy}).
     *
     * @return an immutable, non-empty set; default {@link #DEFAULT_CLEANUP_POLICY}
     */
    public Set<CleanupPolicy> cleanupPolicy() {
        return cleanupPolicy;
    }

    /**
     * The largest record batch the topic accepts ({@code max.message.bytes}); a larger send
     * fails with {@link RecordTooLargeException}.
     *
     * @return bytes, at least {@link #MIN_MAX_MESSAGE_BYTES}; default {@link #DEFAULT_MAX_MESSAGE_BYTES}
     */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * How many bytes of records are appended between two index entries ({@code index.interval.bytes}).
     *
     * @return bytes, at least 0 (0 indexes every batch); default {@link #DEFAULT_INDEX_INTERVAL_BYTES}
     */
    public int indexIntervalBytes() {
        return indexIntervalBytes;
    }

    /**
     * How long a tombstone (a record with a null value) is kept after compaction reached it, so
     * that consumers see the delete ({@code delete.retention.ms}).
     *
     * @return milliseconds, at least 0; default {@link #DEFAULT_DELETE_RETENTION_MS}
     */
    public long deleteRetentionMs() {
        return deleteRetentionMs;
    }

    /**
     * The minimum age of a record before compaction may remove it ({@code min.compaction.lag.ms}).
     *
     * @return milliseconds, at least 0; default {@link #DEFAULT_MIN_COMPACTION_LAG_MS}
     */
    public long minCompactionLagMs() {
        return minCompactionLagMs;
    }

    /**
     * The share of a partition's bytes, not yet compacted, above which compaction runs
     * ({@code min.cleanable.dirty.ratio}).
     *
     * @return a ratio from 0 to 1; default {@link #DEFAULT_MIN_CLEANABLE_DIRTY_RATIO}
     */
    public double minCleanableDirtyRatio() {
        return minCleanableDirtyRatio;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicConfig c
                && partitions == c.partitions
                && segmentBytes == c.segmentBytes
                && segmentMs == c.segmentMs
                && segmentIndexBytes == c.segmentIndexBytes
                && retentionMs == c.retentionMs
                && retentionBytes == c.retentionBytes
                && cleanupPolicy.equals(c.cleanupPolicy)
                && maxMessageBytes == c.maxMessageBytes
                && indexIntervalBytes == c.indexIntervalBytes
                && deleteRetentionMs == c.deleteRetentionMs
                && minCompactionLagMs == c.minCompactionLagMs
                && Double.compare(minCleanableDirtyRatio, c.minCleanableDirtyRatio) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(partitions, segmentBytes, segmentMs, segmentIndexBytes, retentionMs, retentionBytes,
                cleanupPolicy, maxMessageBytes, indexIntervalBytes, deleteRetentionMs, minCompactionLagMs,
                minCleanableDirtyRatio);
    }

    @Override
    public String toString() {
        return "TopicConfig[partitions=" + partitions
                + ", segmentBytes=" + segmentBytes
                + ", segmentMs=" + segmentMs
                + ", segmentIndexBytes=" + segmentIndexBytes
                + ", retentionMs=" + retentionMs
                + ", retentionBytes=" + retentionBytes
                + ", cleanupPolicy=" + cleanupPolicy.stream().map(CleanupPolicy::configName)
                        .collect(Collectors.joining(",", "[", "]"))
                + ", maxMessageBytes=" + maxMessageBytes
                + ", indexIntervalBytes=" + indexIntervalBytes
                + ", deleteRetentionMs=" + deleteRetentionMs
                + ", minCompactionLagMs=" + minCompactionLagMs
                + ", minCleanableDirtyRatio=" + minCleanableDirtyRatio + "]";
    }

    /**
     * Builds a {@link TopicConfig}. The setters only record values; {@link #build()} checks them
     * all and names the first that is out of range.
     *
     * <p>This class is not thread-safe: use a builder from one thread.
     */
    public static final class Builder {
        private int partitions = DEFAULT_PARTITIONS;
        private int segmentBytes = DEFAULT_SEGMENT_BYTES;
        private long segmentMs = DEFAULT_SEGMENT_MS;
        private int segmentIndexBytes = DEFAULT_SEGMENT_INDEX_BYTES;
        private long retentionMs = DEFAULT_RETENTION_MS;
        private long retentionBytes = DEFAULT_RETENTION_BYTES;
        private CleanupPolicy[] cleanupPolicy = DEFAULT_CLEANUP_POLICY.toArray(new CleanupPolicy[0]);
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private int indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;
        private long deleteRetentionMs = DEFAULT_DELETE_RETENTION_MS;
        private long minCompactionLagMs = DEFAULT_MIN_COMPACTION_LAG_MS;
        private double minCleanableDirtyRatio = DEFAULT_MIN_CLEANABLE_DIRTY_RATIO;

        private Builder() {
        }

        /**
         * Sets the number of partitions.
         *
         * @param partitions from 1 to {@link TopicConfig#MAX_PARTITIONS}
         * @return this builder
         */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /**
         * Sets the segment size ({@code segment.bytes}).
         *
         * @param segmentBytes bytes, at least {@link TopicConfig#MIN_SEGMENT_BYTES}
         * @return this builder
         */
        public Builder segmentBytes(int segmentBytes) {
            this.segmentBytes = segmentBytes;
            return this;
        }

        /**
         * Sets the age at which the active segment is rolled ({@code segment.ms}).
         *
         * @param segmentMs milliseconds, at least 1
         * @return this builder
         */
        public Builder segmentMs(long segmentMs) {
            this.segmentMs = segmentMs;
            return this;
        }

        /**
         * Sets the maximum size of each index of a segment ({@code segment.index.bytes}).
         *
         * @param segmentIndexBytes bytes, at least {@link TopicConfig#MIN_SEGMENT_INDEX_BYTES}
         * @return this builder
         */
        public Builder segmentIndexBytes(int segmentIndexBytes) {
            this.segmentIndexBytes = segmentIndexBytes;
            return this;
        }

        /**
         * Sets how long records are kept ({@code retention.ms}).
         *
         * @param retentionMs milliseconds, at least 0, or {@link TopicConfig#UNLIMITED}
         * @return this builder
         */
        public Builder retentionMs(long retentionMs) {
            this.retentionMs = retentionMs;
            return this;
        }

        /**
         * Sets how large a partition may grow ({@code retention.bytes}).
         *
         * @param retentionBytes bytes, at least 0, or {@link TopicConfig#UNLIMITED}
         * @return this builder
         */
        public Builder retentionBytes(long retentionBytes) {
            this.retentionBytes = retentionBytes;
            return this;
        }

        /**
         * Sets what happens to old records ({@code cleanup.policy}); repeated values count once.
         *
         * @param cleanupPolicy one or both policies, none null
         * @return this builder
         */
        public Builder cleanupPolicy(CleanupPolicy... cleanupPolicy) {
            this.cleanupPolicy = cleanupPolicy == null ? null : cleanupPolicy.clone();
            return this;
        }

        /**
         * Sets the largest record batch the topic accepts ({@code max.message.bytes}).
         *
         * @param maxMessageBytes bytes, at least {@link TopicConfig#MIN_MAX_MESSAGE_BYTES}
         * @return this builder
         */
        public Builder maxMessageBytes(int maxMessageBytes) {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /**
         * Sets how many bytes are appended between index entries ({@code index.interval.bytes}).
         *
         * @param indexIntervalBytes bytes, at least 0
         * @return this builder
         */
        public Builder indexIntervalBytes(int indexIntervalBytes) {
            this.indexIntervalBytes = indexIntervalBytes;
            return this;
        }

        /**
         * Sets how long compacted tombstones are kept ({@code delete.retention.ms}).
         *
         * @param deleteRetentionMs milliseconds, at least 0
         * @return this builder
         */
        public Builder deleteRetentionMs(long deleteRetentionMs) {
            this.deleteRetentionMs = deleteRetentionMs;
            return this;
        }

        /**
         * Sets the minimum age of a record before compaction may remove it ({@code min.compaction.lag.ms}).
         *
         * @param minCompactionLagMs milliseconds, at least 0
         * @return this builder
         */
        public Builder minCompactionLagMs(long minCompactionLagMs) {
            this.minCompactionLagMs = minCompactionLagMs;
            return this;
        }

        /**
         * Sets the dirty share above which compaction runs ({@code min.cleanable.dirty.ratio}).
         *
         * @param minCleanableDirtyRatio from 0 to 1 inclusive
         * @return this builder
         */
        public Builder minCleanableDirtyRatio(double minCleanableDirtyRatio) {
            this.minCleanableDirtyRatio = minCleanableDirtyRatio;
            return this;
        }

        /**
         * Checks every value and builds the configuration.
         *
         * @return the configuration
         * @throws InvalidConfigException naming the first setting out of range, what it must be,
         *                                and the value it was
         */
        public TopicConfig build() {
            ConfigChecks.between("partitions", "num.partitions", partitions, 1, MAX_PARTITIONS);
            ConfigChecks.atLeast("segmentBytes", "segment.bytes", segmentBytes, MIN_SEGMENT_BYTES);
            ConfigChecks.atLeast("segmentMs", "segment.ms", segmentMs, 1L);
            ConfigChecks.atLeast("segmentIndexBytes", "segment.index.bytes", segmentIndexBytes, MIN_SEGMENT_INDEX_BYTES);
            ConfigChecks.unlimitedOrAtLeastZero("retentionMs", "retention.ms", retentionMs);
            ConfigChecks.unlimitedOrAtLeastZero("retentionBytes", "retention.bytes", retentionBytes);
            Set<CleanupPolicy> policies = checkCleanupPolicy();
            ConfigChecks.atLeast("maxMessageBytes", "max.message.bytes", maxMessageBytes, MIN_MAX_MESSAGE_BYTES);
            ConfigChecks.atLeast("indexIntervalBytes", "index.interval.bytes", indexIntervalBytes, 0);
            ConfigChecks.atLeast("deleteRetentionMs", "delete.retention.ms", deleteRetentionMs, 0L);
            ConfigChecks.atLeast("minCompactionLagMs", "min.compaction.lag.ms", minCompactionLagMs, 0L);
            ConfigChecks.between("minCleanableDirtyRatio", "min.cleanable.dirty.ratio", minCleanableDirtyRatio, 0.0, 1.0);
            return new TopicConfig(this, policies);
        }

        private Set<CleanupPolicy> checkCleanupPolicy() {
            String name = "cleanupPolicy";
            String kafkaName = "cleanup.policy";
            ConfigChecks.notNull(name, kafkaName, cleanupPolicy);
            if (cleanupPolicy.length == 0) {
                throw ConfigChecks.invalid(name, kafkaName, "name at least one of delete, compact", "empty");
            }
            for (CleanupPolicy p : cleanupPolicy) {
                if (p == null) {
                    throw ConfigChecks.invalid(name, kafkaName, "not contain null", Arrays.toString(cleanupPolicy));
                }
            }
            return Collections.unmodifiableSet(EnumSet.copyOf(Arrays.asList(cleanupPolicy)));
        }
    }
}
