package io.runnel.log;

/**
 * How a consumer group shares the partitions of its subscribed topics among its members (Kafka's
 * {@code partition.assignment.strategy}). Every member of a group must use the same strategy.
 *
 * <p>Whatever the strategy, partitions change hands in two steps: the member that gives a
 * partition up does so inside its own {@link Consumer#poll(java.time.Duration)}, after
 * {@link RebalanceListener#onPartitionsRevoked(java.util.Collection)}, and only then does the
 * member that receives it get it. A member keeps the partitions that the new assignment leaves
 * with it, without a revocation. The strategy decides only which member should own which
 * partition.
 *
 * <p>Enum constants are immutable and thread-safe.
 */
public enum PartitionAssignmentStrategy {
    /**
     * Kafka's {@code range} assignor: per topic, the members subscribed to it, in the order they
     * joined, each get a contiguous range of its partitions; the first {@code partitions %
     * members} get one more. Members subscribed to the same topics get the same partition
     * numbers of each, which suits joining topics partitioned by the same key.
     */
    RANGE("range"),
    /**
     * Kafka's {@code roundrobin} assignor: every partition of every subscribed topic, in topic and
     * partition order, goes to the next member in join order that subscribes to its topic.
     */
    ROUND_ROBIN("roundrobin"),
    /**
     * Kafka's {@code cooperative-sticky} assignor: members keep the partitions they own, and
     * only as many partitions move as the balance needs (member counts differ by at most one
     * when all subscribe to the same topics). The default: a member joining or leaving moves the
     * fewest partitions, so the fewest revocations, commits and state reloads.
     */
    COOPERATIVE_STICKY("cooperative-sticky");

    private final String protocolName;

    PartitionAssignmentStrategy(String protocolName) {
        this.protocolName = protocolName;
    }

    /**
     * Kafka's name for the assignor's protocol.
     *
     * @return {@code range}, {@code roundrobin} or {@code cooperative-sticky}
     */
    public String protocolName() {
        return protocolName;
    }

    /**
     * The strategy with a Kafka protocol name, as written in a Kafka configuration's
     * {@code partition.assignment.strategy} (Kafka's class names are not accepted).
     *
     * @param protocolName {@code range}, {@code roundrobin} or {@code cooperative-sticky}
     * @return the strategy
     * @throws InvalidConfigException for any other name, null included
     */
    public static PartitionAssignmentStrategy forProtocolName(String protocolName) {
        for (PartitionAssignmentStrategy s : values()) {
            if (s.protocolName.equals(protocolName)) {
                return s;
            }
        }
        throw ConfigChecks.invalid("partitionAssignmentStrategy", "partition.assignment.strategy",
                "be one of range, roundrobin, cooperative-sticky", protocolName == null ? null : "\"" + protocolName + "\"");
    }
}
