package io.runnel.log.core.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

import io.runnel.log.GroupDescription;
import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.TopicPartition;

/**
 * The in-process coordinator of every consumer group of one commit log: it keeps the groups
 * (created on first use), hands out member ids, stores commits through {@link CommittedOffsets},
 * reassigns partitions when topics come and go, and describes groups for operators. There is
 * no separate thread: each group's work runs on the threads of its consumers, of topic
 * administration and of describe calls.
 *
 * <p>Thread-safe: groups live in a concurrent map and lock themselves.
 */
public final class GroupCoordinator {
    private final CommittedOffsets offsets;
    private final ToIntFunction<String> partitionCounts;
    private final ToLongFunction<TopicPartition> endOffsets;
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    private final AtomicLong memberIds = new AtomicLong();

    /**
     * Creates a coordinator.
     *
     * @param offsets         the committed offsets store
     * @param partitionCounts a topic's partition count, 0 when it does not exist
     * @param endOffsets      a partition's end offset, -1 when it does not exist
     */
    public GroupCoordinator(CommittedOffsets offsets, ToIntFunction<String> partitionCounts,
                            ToLongFunction<TopicPartition> endOffsets) {
        this.offsets = Objects.requireNonNull(offsets, "offsets");
        this.partitionCounts = Objects.requireNonNull(partitionCounts, "partitionCounts");
        this.endOffsets = Objects.requireNonNull(endOffsets, "endOffsets");
    }

    private Group group(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new Group(id, this));
    }

    /**
     * Makes sure commits can be stored: creates the internal offsets topic when it is missing.
     * Called when a consumer with a group is created, so that a commit never has to create it
     * (for example while the log is closing).
     */
    public void prepareCommits() {
        offsets.ensureTopic();
    }

    /**
     * Adds a member to a group, which reassigns its partitions.
     *
     * @param groupId          the group
     * @param strategy         the member's assignment strategy; must be the group's
     * @param sessionTimeoutMs how long it may go without polling
     * @param topics           the topics it subscribes to
     * @param thread           the name of its polling thread
     * @param waker            wakes its polling thread when the group has work for it
     * @return the membership
     * @throws io.runnel.log.InvalidConfigException when the strategy differs from the group's
     */
    public GroupMember join(String groupId, PartitionAssignmentStrategy strategy, long sessionTimeoutMs,
                            Set<String> topics, String thread, Runnable waker) {
        String memberId = "consumer-" + memberIds.incrementAndGet();
        return group(groupId).join(memberId, strategy, sessionTimeoutMs, topics, thread, waker);
    }

    /**
     * Commits offsets for a group, as one record batch, after checking ownership: a member may
     * commit only partitions it owns; a consumer without membership ({@code assign}) only
     * partitions no member owns.
     *
     * @param groupId the group
     * @param member  the committing member, or null for a consumer using {@code assign}
     * @param offsets the next offset to read per partition
     * @throws IllegalStateException when ownership forbids the commit
     */
    public void commit(String groupId, GroupMember member, Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        this.offsets.ensureTopic();
        (member != null ? member.group : group(groupId)).commit(member, offsets, this.offsets);
    }

    /**
     * The offset a group last committed for a partition.
     *
     * @param groupId   the group
     * @param partition the partition
     * @return the offset, or empty
     */
    public OptionalLong committed(String groupId, TopicPartition partition) {
        return offsets.committed(groupId, partition);
    }

    /** A topic was created: subscriptions may cover new partitions. */
    public void topicCreated() {
        for (Group g : groups.values()) {
            g.topicsChanged();
        }
    }

    /**
     * A topic was deleted: its committed offsets are deleted (tombstones) and its partitions
     * revoked from their owners.
     *
     * @param topic the deleted topic
     */
    public void topicDeleted(String topic) {
        offsets.removeTopic(topic);
        for (Group g : groups.values()) {
            g.topicsChanged();
        }
    }

    /**
     * Describes every group with members or committed offsets.
     *
     * @return descriptions in group id order
     */
    public List<GroupDescription> describeGroups() {
        Set<String> ids = new TreeSet<>(offsets.groupIds());
        ids.addAll(groups.keySet());
        List<GroupDescription> out = new ArrayList<>();
        for (String id : ids) {
            describeGroup(id).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    /**
     * Describes one group.
     *
     * @param groupId the group
     * @return its description, or empty when it has neither members nor committed offsets
     */
    public Optional<GroupDescription> describeGroup(String groupId) {
        Objects.requireNonNull(groupId, "groupId");
        Group g = groups.get(groupId);
        if (g == null) {
            if (offsets.partitions(groupId).isEmpty()) {
                return Optional.empty();
            }
            g = group(groupId);
        }
        GroupDescription d = g.describe(offsets);
        if (d.members().isEmpty() && offsets.partitions(groupId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /**
     * Whether a topic exists now.
     *
     * @param topic the topic
     * @return true when it exists
     */
    public boolean topicExists(String topic) {
        return partitionCounts.applyAsInt(topic) > 0;
    }

    int partitionCount(String topic) {
        return partitionCounts.applyAsInt(topic);
    }

    long endOffset(TopicPartition tp) {
        return endOffsets.applyAsLong(tp);
    }
}
