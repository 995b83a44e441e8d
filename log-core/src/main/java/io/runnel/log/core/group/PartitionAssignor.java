package io.runnel.log.core.group;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;

import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.TopicPartition;

/**
 * Computes which member of a group should own which partition of the topics its members
 * subscribe to. Pure: the same input gives the same output. The coordinator hands partitions
 * over in two steps whatever the assignor, so an assignor only states the target.
 *
 * <p>Implementations are stateless and thread-safe.
 */
interface PartitionAssignor {

    /** Topic, then partition number: the order in which assignors visit partitions. */
    Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /**
     * A member and the topics it subscribes to. Immutable.
     *
     * @param memberId the member's id
     * @param topics   the subscribed topics
     */
    record Subscription(String memberId, Set<String> topics) {
        /**
         * Validates and copies the components.
         *
         * @param memberId the member's id
         * @param topics   the subscribed topics
         */
        public Subscription {
            Objects.requireNonNull(memberId, "memberId");
            topics = Set.copyOf(topics);
        }
    }

    /**
     * Assigns partitions.
     *
     * @param members    the members, in the order they joined (the order ties are broken in)
     * @param partitions the partition count of every subscribed topic that exists
     * @param current    the previous assignment per member id (members that joined since have
     *                   none); entries for partitions or members that no longer qualify are ignored
     * @return for every member, in {@code members} order, the partitions it should own, sorted;
     *         every partition of a subscribed, existing topic goes to exactly one member that
     *         subscribes to its topic
     */
    Map<String, SortedSet<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitions,
                                                  Map<String, ? extends Set<TopicPartition>> current);

    /**
     * The assignor of a strategy.
     *
     * @param strategy the strategy
     * @return its assignor
     */
    static PartitionAssignor of(PartitionAssignmentStrategy strategy) {
        return switch (strategy) {
            case RANGE -> new RangeAssignor();
            case ROUND_ROBIN -> new RoundRobinAssignor();
            case COOPERATIVE_STICKY -> new CooperativeStickyAssignor();
        };
    }
}
