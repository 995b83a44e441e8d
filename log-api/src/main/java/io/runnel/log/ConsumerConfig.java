package io.runnel.log;

import java.util.Objects;

/**
 * The configuration of a {@link Consumer}. Each setting is named as Kafka's consumer
 * configuration in camel case, with the same units and defaults; every value is checked once, by
 * {@link Builder#build()}.
 *
 * <p>A consumer with a {@link #groupId()} belongs to that consumer group: it may
 * {@link Consumer#subscribe(java.util.Collection) subscribe} to topics, whose partitions the
 * group's consumers share, and commit the offsets it has processed. A consumer without one can
 * only {@link Consumer#assign(java.util.Collection) assign} partitions to itself and track its
 * position in memory: it cannot subscribe or commit, and {@link #enableAutoCommit()} has no effect.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ConsumerConfig {

    /** Default {@link #groupId()}: null, no group, as Kafka's {@code group.id}. */
    public static final String DEFAULT_GROUP_ID = null;
    /** Default {@link #autoOffsetReset()}: {@link OffsetReset#LATEST}, as Kafka's {@code auto.offset.reset}. */
    public static final OffsetReset DEFAULT_AUTO_OFFSET_RESET = OffsetReset.LATEST;
    /** Default {@link #maxPollRecords()}: 500, as Kafka's {@code max.poll.records}. */
    public static final int DEFAULT_MAX_POLL_RECORDS = 500;
    /** Default {@link #enableAutoCommit()}: true, as Kafka's {@code enable.auto.commit}. */
    public static final boolean DEFAULT_ENABLE_AUTO_COMMIT = true;
    /** Default {@link #autoCommitIntervalMs()}: 5000 ms, as Kafka's {@code auto.commit.interval.ms}. */
    public static final long DEFAULT_AUTO_COMMIT_INTERVAL_MS = 5000L;
    /** Default {@link #sessionTimeoutMs()}: 45000 ms, as Kafka's {@code session.timeout.ms}. */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 45000L;
    /**
     * Default {@link #partitionAssignmentStrategy()}: {@link PartitionAssignmentStrategy#COOPERATIVE_STICKY}.
     * Kafka's default list is {@code [range, cooperative-sticky]}, which uses range until every
     * member can upgrade; a Runnel group has no older members to wait for.
     */
    public static final PartitionAssignmentStrategy DEFAULT_PARTITION_ASSIGNMENT_STRATEGY =
            PartitionAssignmentStrategy.COOPERATIVE_STICKY;
    /** Default {@link #waitStrategy()}: {@link WaitStrategy#BLOCKING}. */
    public static final WaitStrategy DEFAULT_WAIT_STRATEGY = WaitStrategy.BLOCKING;

    private static final ConsumerConfig DEFAULTS = builder().build();

    private final String groupId;
    private final OffsetReset autoOffsetReset;
    private final int maxPollRecords;
    private final boolean enableAutoCommit;
    private final long autoCommitIntervalMs;
    private final long sessionTimeoutMs;
    private final PartitionAssignmentStrategy partitionAssignmentStrategy;
    private final WaitStrategy waitStrategy;

    private ConsumerConfig(Builder b) {
        this.groupId = b.groupId;
        this.autoOffsetReset = b.autoOffsetReset;
        this.maxPollRecords = b.maxPollRecords;
        this.enableAutoCommit = b.enableAutoCommit;
        this.autoCommitIntervalMs = b.autoCommitIntervalMs;
        this.sessionTimeoutMs = b.sessionTimeoutMs;
        this.partitionAssignmentStrategy = b.partitionAssignmentStrategy;
        this.waitStrategy = b.waitStrategy;
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
     * The configuration with every setting at its default: no group.
     *
     * @return the default configuration
     */
    public static ConsumerConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder holding this configuration's values, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder()
                .groupId(groupId)
                .autoOffsetReset(autoOffsetReset)
                .maxPollRecords(maxPollRecords)
                .enableAutoCommit(enableAutoCommit)
                .autoCommitIntervalMs(autoCommitIntervalMs)
                .sessionTimeoutMs(sessionTimeoutMs)
                .partitionAssignmentStrategy(partitionAssignmentStrategy)
                .waitStrategy(waitStrategy);
    }

    /**
     * The consumer group ({@code group.id}).
     *
     * @return the group id, or null for a consumer without a group; default {@link #DEFAULT_GROUP_ID}
     */
    public String groupId() {
        return groupId;
    }

    /**
     * Whether the consumer belongs to a group.
     *
     * @return true when {@link #groupId()} is not null
     */
    public boolean hasGroupId() {
        return groupId != null;
    }

    /**
     * Where to start in a partition without a committed offset or whose position is no longer in
     * the log ({@code auto.offset.reset}).
     *
     * @return the reset policy; default {@link #DEFAULT_AUTO_OFFSET_RESET}
     */
    public OffsetReset autoOffsetReset() {
        return autoOffsetReset;
    }

    /**
     * The most records one {@link Consumer#poll(java.time.Duration)} returns ({@code max.poll.records}).
     *
     * @return at least 1; default {@link #DEFAULT_MAX_POLL_RECORDS}
     */
    public int maxPollRecords() {
        return maxPollRecords;
    }

    /**
     * Whether the consumer commits its positions by itself ({@code enable.auto.commit}): during
     * {@code poll} once {@link #autoCommitIntervalMs()} has passed since the last commit, before
     * its partitions are revoked, and on close. Positions are committed only for records a
     * previous poll returned. Without a group this has no effect.
     *
     * @return true to commit automatically; default {@link #DEFAULT_ENABLE_AUTO_COMMIT}
     */
    public boolean enableAutoCommit() {
        return enableAutoCommit;
    }

    /**
     * How often positions are committed when {@link #enableAutoCommit()} is on
     * ({@code auto.commit.interval.ms}).
     *
     * @return milliseconds, at least 0; default {@link #DEFAULT_AUTO_COMMIT_INTERVAL_MS}
     */
    public long autoCommitIntervalMs() {
        return autoCommitIntervalMs;
    }

    /**
     * How long a group member may go without polling before the group considers it gone and
     * gives its partitions to the others ({@code session.timeout.ms}). Closing a consumer leaves
     * the group at once.
     *
     * @return milliseconds, at least 1; default {@link #DEFAULT_SESSION_TIMEOUT_MS}
     */
    public long sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    /**
     * How the group shares partitions among its members ({@code partition.assignment.strategy}).
     * All members of a group must use the same one: a consumer whose strategy differs from that
     * of the group's current members cannot join it. Without a group this has no effect.
     *
     * @return the strategy; default {@link #DEFAULT_PARTITION_ASSIGNMENT_STRATEGY}
     */
    public PartitionAssignmentStrategy partitionAssignmentStrategy() {
        return partitionAssignmentStrategy;
    }

    /**
     * How {@link Consumer#poll(java.time.Duration)} waits while there is nothing to return
     * (Runnel's own setting, no Kafka equivalent).
     *
     * @return the wait strategy; default {@link #DEFAULT_WAIT_STRATEGY}
     */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsumerConfig c
                && Objects.equals(groupId, c.groupId)
                && autoOffsetReset == c.autoOffsetReset
                && maxPollRecords == c.maxPollRecords
                && enableAutoCommit == c.enableAutoCommit
                && autoCommitIntervalMs == c.autoCommitIntervalMs
                && sessionTimeoutMs == c.sessionTimeoutMs
                && partitionAssignmentStrategy == c.partitionAssignmentStrategy
                && waitStrategy == c.waitStrategy;
    }

    @Override
    public int hashCode() {
        return Objects.hash(groupId, autoOffsetReset, maxPollRecords, enableAutoCommit, autoCommitIntervalMs,
                sessionTimeoutMs, partitionAssignmentStrategy, waitStrategy);
    }

    @Override
    public String toString() {
        return "ConsumerConfig[groupId=" + groupId
                + ", autoOffsetReset=" + autoOffsetReset
                + ", maxPollRecords=" + maxPollRecords
                + ", enableAutoCommit=" + enableAutoCommit
                + ", autoCommitIntervalMs=" + autoCommitIntervalMs
                + ", sessionTimeoutMs=" + sessionTimeoutMs
                + ", partitionAssignmentStrategy=" + partitionAssignmentStrategy
                + ", waitStrategy=" + waitStrategy + "]";
    }

    /**
     * Builds a {@link ConsumerConfig}. The setters only record values; {@link #build()} checks
     * them all and names the first that is out of range.
     *
     * <p>This class is not thread-safe: use a builder from one thread.
     */
    public static final class Builder {
        private String groupId = DEFAULT_GROUP_ID;
        private OffsetReset autoOffsetReset = DEFAULT_AUTO_OFFSET_RESET;
        private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
        private boolean enableAutoCommit = DEFAULT_ENABLE_AUTO_COMMIT;
        private long autoCommitIntervalMs = DEFAULT_AUTO_COMMIT_INTERVAL_MS;
        private long sessionTimeoutMs = DEFAULT_SESSION_TIMEOUT_MS;
        private PartitionAssignmentStrategy partitionAssignmentStrategy = DEFAULT_PARTITION_ASSIGNMENT_STRATEGY;
        private WaitStrategy waitStrategy = DEFAULT_WAIT_STRATEGY;

        private Builder() {
        }

        /**
         * Sets the consumer group ({@code group.id}).
         *
         * @param groupId the group id, not blank, or null for no group
         * @return this builder
         */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /**
         * Sets where to start without a committed offset ({@code auto.offset.reset}).
         *
         * @param autoOffsetReset the reset policy, not null
         * @return this builder
         */
        public Builder autoOffsetReset(OffsetReset autoOffsetReset) {
            this.autoOffsetReset = autoOffsetReset;
            return this;
        }

        /**
         * Sets the most records one poll returns ({@code max.poll.records}).
         *
         * @param maxPollRecords at least 1
         * @return this builder
         */
        public Builder maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        /**
         * Sets whether positions are committed automatically ({@code enable.auto.commit}).
         *
         * @param enableAutoCommit true to commit automatically
         * @return this builder
         */
        public Builder enableAutoCommit(boolean enableAutoCommit) {
            this.enableAutoCommit = enableAutoCommit;
            return this;
        }

        /**
         * Sets how often positions are committed automatically ({@code auto.commit.interval.ms}).
         *
         * @param autoCommitIntervalMs milliseconds, at least 0
         * @return this builder
         */
        public Builder autoCommitIntervalMs(long autoCommitIntervalMs) {
            this.autoCommitIntervalMs = autoCommitIntervalMs;
            return this;
        }

        /**
         * Sets how long a member may go without polling ({@code session.timeout.ms}).
         *
         * @param sessionTimeoutMs milliseconds, at least 1
         * @return this builder
         */
        public Builder sessionTimeoutMs(long sessionTimeoutMs) {
            this.sessionTimeoutMs = sessionTimeoutMs;
            return this;
        }

        /**
         * Sets how the group shares partitions among its members
         * ({@code partition.assignment.strategy}).
         *
         * @param partitionAssignmentStrategy the strategy, not null
         * @return this builder
         */
        public Builder partitionAssignmentStrategy(PartitionAssignmentStrategy partitionAssignmentStrategy) {
            this.partitionAssignmentStrategy = partitionAssignmentStrategy;
            return this;
        }

        /**
         * Sets how a poll waits while there is nothing to return.
         *
         * @param waitStrategy the wait strategy, not null
         * @return this builder
         */
        public Builder waitStrategy(WaitStrategy waitStrategy) {
            this.waitStrategy = waitStrategy;
            return this;
        }

        /**
         * Checks every value and builds the configuration.
         *
         * @return the configuration
         * @throws InvalidConfigException naming the first setting out of range, what it must be,
         *                                and the value it was
         */
        public ConsumerConfig build() {
            if (groupId != null && groupId.isBlank()) {
                throw ConfigChecks.invalid("groupId", "group.id", "be null (no group) or not blank",
                        "\"" + groupId + "\"");
            }
            ConfigChecks.notNull("autoOffsetReset", "auto.offset.reset", autoOffsetReset);
            ConfigChecks.atLeast("maxPollRecords", "max.poll.records", maxPollRecords, 1);
            ConfigChecks.atLeast("autoCommitIntervalMs", "auto.commit.interval.ms", autoCommitIntervalMs, 0L);
            ConfigChecks.atLeast("sessionTimeoutMs", "session.timeout.ms", sessionTimeoutMs, 1L);
            ConfigChecks.notNull("partitionAssignmentStrategy", "partition.assignment.strategy",
                    partitionAssignmentStrategy);
            ConfigChecks.notNull("waitStrategy", "Runnel only, no Kafka equivalent", waitStrategy);
            return new ConsumerConfig(this);
        }
    }
}
