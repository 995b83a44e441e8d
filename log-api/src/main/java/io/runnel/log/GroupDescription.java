package io.runnel.log;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a consumer group for operators: its members and what they own, and its committed
 * offsets, end offsets and lag per partition. Returned by {@link CommitLog#describeGroups()} and
 * {@link CommitLog#describeGroup(String)}.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param groupId    the group id
 * @param state      whether the group has members and whether they are handing partitions over
 * @param strategy   the assignment strategy of its members, or null when it has none
 * @param generation how many times the group's assignment was computed since the log was opened
 * @param members    its members, in the order they joined
 * @param offsets    per partition that the group committed or owns, in topic and partition order
 */
public record GroupDescription(String groupId, GroupState state, PartitionAssignmentStrategy strategy,
                               int generation, List<MemberDescription> members, List<GroupPartitionOffsets> offsets) {

    /**
     * Validates and copies the components.
     *
     * @param groupId    the group id
     * @param state      the state
     * @param strategy   the assignment strategy, or null without members
     * @param generation the assignment generation
     * @param members    the members
     * @param offsets    the offsets per partition
     * @throws NullPointerException if an argument other than {@code strategy} is null
     */
    public GroupDescription {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(state, "state");
        members = List.copyOf(members);
        offsets = List.copyOf(offsets);
    }
}
