package io.runnel.log;

/**
 * The state of a consumer group, as {@link CommitLog#describeGroups()} reports it (Kafka's
 * group states, reduced to those an in-process group passes through).
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum GroupState {
    /** No member: the group exists only through its committed offsets. */
    EMPTY,
    /**
     * Members are handing partitions over: some member owns a partition that the current
     * assignment gives to another, or a partition assigned to a member is not taken yet.
     */
    REBALANCING,
    /** Every member owns exactly the partitions the current assignment gives it. */
    STABLE
}
