package io.runnel.log.core.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.runnel.log.GroupDescription;
import io.runnel.log.GroupPartitionOffsets;
import io.runnel.log.GroupState;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.MemberDescription;
import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.TopicPartition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer group: its members, the target assignment the assignor computed, and who owns
 * each partition now. Ownership changes in two steps, so that no partition ever has two owners:
 * a member {@linkplain #release releases} a partition that the target gives to another member,
 * inside its own poll, and only then can the other member {@linkplain #acquire acquire} it. The
 * target is recomputed at once, by the thread that causes it, when a member joins, leaves or is
 * evicted, changes its subscription, or a topic is created or deleted; members with something to
 * do are signalled.
 *
 * <p>Thread-safe: every method is {@code synchronized} on the group.
 */
final class Group {
    private static final Logger LOG = LoggerFactory.getLogger(Group.class);

    private final String groupId;
    private final GroupCoordinator coordinator;
    /** In join order. */
    private final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<TopicPartition, GroupMember> owners = new HashMap<>();
    private final Map<TopicPartition, GroupMember> targetOwners = new HashMap<>();
    private PartitionAssignmentStrategy strategy;
    private PartitionAssignor assignor;
    private int generation;

    Group(String groupId, GroupCoordinator coordinator) {
        this.groupId = groupId;
        this.coordinator = coordinator;
    }

    String groupId() {
        return groupId;
    }

    synchronized GroupMember join(String memberId, PartitionAssignmentStrategy memberStrategy, long sessionTimeoutMs,
                                  Set<String> topics, String thread, Runnable waker) {
        long now = System.nanoTime();
        expire(now);
        if (!members.isEmpty() && memberStrategy != strategy) {
            throw new InvalidConfigException("partitionAssignmentStrategy (partition.assignment.strategy) must be "
                    + strategy + " to join group " + groupId + ", whose members use it; was " + memberStrategy);
        }
        if (members.isEmpty()) {
            strategy = memberStrategy;
            assignor = PartitionAssignor.of(memberStrategy);
        }
        GroupMember m = new GroupMember(this, memberId, TimeUnit.MILLISECONDS.toNanos(sessionTimeoutMs), waker, topics,
                thread, now);
        members.put(memberId, m);
        LOG.debug("{} joined, subscribing to {}", m, topics);
        rebalance(true);
        return m;
    }

    synchronized GroupMember.Sync sync(GroupMember m, String thread) {
        m.clearSignal();
        if (m.evicted) {
            return GroupMember.Sync.EVICTED;
        }
        m.inPoll = true;
        m.thread = thread;
        expire(System.nanoTime());
        TreeSet<TopicPartition> revoke = new TreeSet<>(PartitionAssignor.ORDER);
        for (TopicPartition tp : m.owned) {
            if (!m.target.contains(tp)) {
                revoke.add(tp);
            }
        }
        boolean newGeneration = m.seenGeneration != generation;
        m.seenGeneration = generation;
        return new GroupMember.Sync(false, revoke, newGeneration);
    }

    synchronized void release(GroupMember m, Collection<TopicPartition> partitions) {
        if (m.evicted || m.left) {
            return;
        }
        for (TopicPartition tp : partitions) {
            if (owners.get(tp) == m) {
                owners.remove(tp);
                m.owned.remove(tp);
                GroupMember next = targetOwners.get(tp);
                if (next != null && next != m) {
                    next.signal();
                }
            }
        }
    }

    synchronized Set<TopicPartition> acquire(GroupMember m) {
        if (m.evicted || m.left) {
            return Set.of();
        }
        TreeSet<TopicPartition> added = new TreeSet<>(PartitionAssignor.ORDER);
        for (TopicPartition tp : m.target) {
            if (!owners.containsKey(tp)) {
                owners.put(tp, m);
                m.owned.add(tp);
                added.add(tp);
            }
        }
        return added;
    }

    synchronized void pollEnded(GroupMember m) {
        m.inPoll = false;
        m.lastPollEndNanos = System.nanoTime();
    }

    synchronized long waitDeadline(GroupMember self, long deadlineNanos) {
        long until = deadlineNanos;
        for (GroupMember m : members.values()) {
            if (m != self && !m.inPoll) {
                long expiry = m.lastPollEndNanos + m.sessionTimeoutNanos;
                if (expiry - until < 0) {
                    until = expiry;
                }
            }
        }
        return until;
    }

    synchronized void updateSubscription(GroupMember m, Set<String> topics) {
        if (m.evicted || m.left) {
            return;
        }
        m.subscription = Set.copyOf(topics);
        rebalance(false);
    }

    synchronized void leave(GroupMember m) {
        if (m.evicted || m.left) {
            return;
        }
        m.left = true;
        remove(m);
        LOG.debug("{} left", m);
        rebalance(true);
    }

    /** Topics were created or deleted: a subscription may now cover other partitions. */
    synchronized void topicsChanged() {
        if (!members.isEmpty()) {
            rebalance(false);
        }
    }

    /**
     * Checks that {@code m} (or, for a consumer using {@code assign}, no member) owns every
     * partition, then stores the commit, under this group's lock so that ownership cannot change
     * in between.
     */
    synchronized void commit(GroupMember m, Map<TopicPartition, Long> offsets, CommittedOffsets store) {
        expire(System.nanoTime());
        for (TopicPartition tp : offsets.keySet()) {
            GroupMember owner = owners.get(tp);
            if (m != null) {
                if (m.evicted) {
                    throw new IllegalStateException("cannot commit " + tp + ": " + m + " was evicted (no poll within "
                            + TimeUnit.NANOSECONDS.toMillis(m.sessionTimeoutNanos)
                            + " ms, its sessionTimeoutMs) and its partitions were reassigned; poll to rejoin");
                }
                if (owner != m) {
                    throw new IllegalStateException("cannot commit " + tp + " for " + m + ": "
                            + (owner == null ? "the partition is not assigned to it" : "it is owned by " + owner));
                }
            } else if (owner != null) {
                throw new IllegalStateException("cannot commit " + tp + " for group " + groupId + ": it is owned by "
                        + owner + ", and a consumer using assign() may only commit partitions no member owns");
            }
        }
        store.commit(groupId, offsets);
    }

    synchronized GroupDescription describe(CommittedOffsets store) {
        expire(System.nanoTime());
        List<MemberDescription> list = new ArrayList<>();
        boolean stable = true;
        for (GroupMember m : members.values()) {
            list.add(new MemberDescription(m.memberId, m.thread, m.owned, m.target));
            stable &= m.owned.equals(m.target);
        }
        GroupState state = members.isEmpty() ? GroupState.EMPTY : stable ? GroupState.STABLE : GroupState.REBALANCING;
        TreeSet<TopicPartition> partitions = new TreeSet<>(PartitionAssignor.ORDER);
        partitions.addAll(store.partitions(groupId));
        partitions.addAll(owners.keySet());
        partitions.addAll(targetOwners.keySet());
        List<GroupPartitionOffsets> offsets = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long end = coordinator.endOffset(tp);
            if (end < 0) {
                continue; // deleted
            }
            OptionalLong committed = store.committed(groupId, tp);
            OptionalLong lag = committed.isPresent() ? OptionalLong.of(Math.max(0, end - committed.getAsLong()))
                    : OptionalLong.empty();
            offsets.add(new GroupPartitionOffsets(tp, committed, end, lag));
        }
        return new GroupDescription(groupId, state, strategy, generation, list, offsets);
    }

    synchronized boolean hasMembers() {
        return !members.isEmpty();
    }

    /** Evicts members that are not polling and whose session expired. */
    private void expire(long now) {
        List<GroupMember> gone = null;
        for (GroupMember m : members.values()) {
            if (!m.inPoll && now - m.lastPollEndNanos >= m.sessionTimeoutNanos) {
                if (gone == null) {
                    gone = new ArrayList<>();
                }
                gone.add(m);
            }
        }
        if (gone == null) {
            return;
        }
        for (GroupMember m : gone) {
            LOG.info("evicting {}: no poll for {} ms (sessionTimeoutMs); reassigning {}", m,
                    TimeUnit.NANOSECONDS.toMillis(now - m.lastPollEndNanos), m.owned);
            m.evicted = true;
            remove(m);
            m.signal();
        }
        rebalance(true);
    }

    private void remove(GroupMember m) {
        members.remove(m.memberId);
        for (TopicPartition tp : m.owned) {
            if (owners.get(tp) == m) {
                owners.remove(tp);
            }
        }
        m.owned.clear();
        m.target = Set.of();
    }

    /**
     * Recomputes the target assignment; when it changed (or membership did), starts a new
     * generation and signals every member with partitions to give up or to take.
     */
    private void rebalance(boolean membershipChanged) {
        if (members.isEmpty()) {
            strategy = null;
            assignor = null;
            targetOwners.clear();
            if (membershipChanged) {
                generation++;
            }
            return;
        }
        List<PartitionAssignor.Subscription> subscriptions = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Set<TopicPartition>> previous = new HashMap<>();
        for (GroupMember m : members.values()) {
            subscriptions.add(new PartitionAssignor.Subscription(m.memberId, m.subscription));
            previous.put(m.memberId, m.target);
            for (String topic : m.subscription) {
                int n = coordinator.partitionCount(topic);
                if (n > 0) {
                    counts.put(topic, n);
                }
            }
        }
        Map<String, SortedSet<TopicPartition>> next = assignor.assign(subscriptions, counts, previous);
        boolean changed = membershipChanged;
        for (GroupMember m : members.values()) {
            changed |= !next.get(m.memberId).equals(m.target);
        }
        if (!changed) {
            return;
        }
        generation++;
        targetOwners.clear();
        for (GroupMember m : members.values()) {
            m.target = Set.copyOf(next.get(m.memberId));
            for (TopicPartition tp : m.target) {
                targetOwners.put(tp, m);
            }
        }
        LOG.debug("group {} generation {}: {}", groupId, generation, next);
        for (GroupMember m : members.values()) {
            if (hasWork(m)) {
                m.signal();
            }
        }
    }

    private boolean hasWork(GroupMember m) {
        for (TopicPartition tp : m.owned) {
            if (!m.target.contains(tp)) {
                return true;
            }
        }
        for (TopicPartition tp : m.target) {
            if (!owners.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "group " + groupId;
    }
}
