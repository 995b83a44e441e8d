package io.runnel.log.core.client;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.runnel.log.ConsumerConfig;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.RebalanceListener;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.group.GroupCoordinator;
import io.runnel.log.core.group.GroupMember;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's side of its group: the subscription, the membership, the rebalance steps of each
 * poll with their {@link RebalanceListener} calls, and commits, manual and automatic. Exists for
 * consumers with a group id, whether they subscribe or assign.
 *
 * <p>Not thread-safe: used by the consumer's owner thread only.
 */
final class GroupSession {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSession.class);
    private static final RebalanceListener NO_LISTENER = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    };

    private enum Callback { REVOKED, ASSIGNED, LOST }

    private final GroupCoordinator coordinator;
    private final ConsumerConfig config;
    private final String groupId;
    private final Fetcher<?, ?> fetcher;
    private final Runnable waker;
    private final long autoCommitIntervalNanos;
    private Set<String> subscription = Set.of();
    private RebalanceListener listener = NO_LISTENER;
    private GroupMember member;
    private long nextAutoCommitNanos;
    /** What this consumer last committed per partition, so automatic commits skip what did not move. */
    private final Map<TopicPartition, Long> lastCommitted = new HashMap<>();
    private boolean inCallback;

    GroupSession(GroupCoordinator coordinator, ConsumerConfig config, Fetcher<?, ?> fetcher, Runnable waker) {
        this.coordinator = coordinator;
        this.config = config;
        this.groupId = config.groupId();
        this.fetcher = fetcher;
        this.waker = waker;
        if (groupId.getBytes(StandardCharsets.UTF_8).length > Short.MAX_VALUE) {
            throw new InvalidConfigException("groupId (group.id) must be at most " + Short.MAX_VALUE
                    + " bytes of UTF-8 (the length of a committed offset's key field), was "
                    + groupId.getBytes(StandardCharsets.UTF_8).length);
        }
        this.autoCommitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(config.autoCommitIntervalMs());
        this.nextAutoCommitNanos = System.nanoTime() + autoCommitIntervalNanos;
        coordinator.prepareCommits();
    }

    boolean inCallback() {
        return inCallback;
    }

    /** Whether the group has work for this consumer: its poll should sync now. */
    boolean signalled() {
        GroupMember m = member;
        return m != null && m.signalled();
    }

    /**
     * Sets the subscription; an empty one leaves the group.
     *
     * @throws RuntimeException what the listener threw while leaving, after leaving
     */
    void subscribe(Set<String> topics, RebalanceListener newListener) {
        if (topics.isEmpty()) {
            RuntimeException error = leave();
            subscription = Set.of();
            listener = NO_LISTENER;
            fetcher.skipDeletedTopics(false);
            if (error != null) {
                throw error;
            }
            return;
        }
        subscription = Set.copyOf(topics);
        listener = newListener;
        fetcher.skipDeletedTopics(true);
        if (member != null) {
            member.updateSubscription(subscription);
        }
    }

    /**
     * One round of group work, at the start of each wait of a poll: join when not a member,
     * handle an eviction (lost partitions, rejoin), give up revoked partitions (commit when
     * automatic, listener, release), take the free assigned ones (listener).
     *
     * @throws RuntimeException the first exception a listener or the automatic commit threw,
     *                          after the round is done
     */
    void step() {
        String thread = Thread.currentThread().getName();
        RuntimeException error = null;
        if (member == null) {
            member = join(thread);
        }
        GroupMember.Sync sync = member.sync(thread);
        if (sync.evicted()) {
            Set<TopicPartition> lost = fetcher.assignment();
            fetcher.clear();
            lastCommitted.clear();
            if (!lost.isEmpty()) {
                error = call(Callback.LOST, lost, error);
            }
            member = join(thread);
            sync = member.sync(thread);
        }
        if (!sync.revoke().isEmpty()) {
            if (config.enableAutoCommit()) {
                try {
                    autoCommit();
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            error = call(Callback.REVOKED, sync.revoke(), error);
            member.release(sync.revoke());
            fetcher.remove(sync.revoke());
            for (TopicPartition tp : sync.revoke()) {
                lastCommitted.remove(tp);
            }
        }
        Set<TopicPartition> added = member.acquire();
        fetcher.add(added);
        if (!added.isEmpty() || sync.newGeneration()) {
            error = call(Callback.ASSIGNED, added, error);
        }
        if (error != null) {
            throw error;
        }
    }

    private GroupMember join(String thread) {
        return coordinator.join(groupId, config.partitionAssignmentStrategy(), config.sessionTimeoutMs(), subscription,
                thread, waker);
    }

    private RuntimeException call(Callback which, Set<TopicPartition> partitions, RuntimeException error) {
        inCallback = true;
        try {
            switch (which) {
                case REVOKED -> listener.onPartitionsRevoked(partitions);
                case ASSIGNED -> listener.onPartitionsAssigned(partitions);
                case LOST -> listener.onPartitionsLost(partitions);
                default -> throw new IllegalStateException(which.name());
            }
            return error;
        } catch (RuntimeException e) {
            if (error == null) {
                return e;
            }
            error.addSuppressed(e);
            return error;
        } finally {
            inCallback = false;
        }
    }

    /** The deadline until which a poll may wait before syncing again. */
    long waitDeadline(long deadlineNanos) {
        GroupMember m = member;
        return m == null ? deadlineNanos : m.waitDeadline(deadlineNanos);
    }

    void pollEnded() {
        if (member != null) {
            member.pollEnded();
        }
    }

    /**
     * Commits the positions that moved since the last commit, once the interval has passed. As
     * with Kafka's automatic commits, one refused because of ownership (an evicted member, a
     * consumer using assign() while a member owns the partition) or a deleted topic is logged,
     * not thrown; storage failures are thrown.
     */
    void maybeAutoCommit() {
        if (!config.enableAutoCommit()) {
            return;
        }
        long now = System.nanoTime();
        if (now - nextAutoCommitNanos < 0) {
            return;
        }
        nextAutoCommitNanos = now + autoCommitIntervalNanos;
        autoCommit();
    }

    /** An automatic commit (interval, revocation, close): ownership refusals are logged. */
    private void autoCommit() {
        try {
            commitChanged();
        } catch (IllegalStateException | UnknownTopicException e) {
            LOG.warn("automatic commit for group {} failed: {}", groupId, e.getMessage());
        }
    }

    private void commitChanged() {
        Map<TopicPartition, Long> changed = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : livePositions().entrySet()) {
            if (!e.getValue().equals(lastCommitted.get(e.getKey()))) {
                changed.put(e.getKey(), e.getValue());
            }
        }
        store(changed);
    }

    /** Commits every known position ({@code commitSync()}). */
    void commitPositions() {
        store(livePositions());
    }

    /**
     * The known positions, without partitions of deleted topics: a group revokes those at its
     * next sync, and their commits were deleted with the topic.
     */
    private Map<TopicPartition, Long> livePositions() {
        Map<TopicPartition, Long> positions = fetcher.positions();
        positions.keySet().removeIf(tp -> !coordinator.topicExists(tp.topic()));
        return positions;
    }

    /**
     * Commits the given offsets ({@code commitSync(offsets)}).
     *
     * @throws IllegalArgumentException when an offset is negative
     * @throws IllegalStateException    when a partition is not assigned to this consumer
     */
    void commit(Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> copy = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            TopicPartition tp = Objects.requireNonNull(e.getKey(), "partition");
            Long offset = Objects.requireNonNull(e.getValue(), () -> "offset of " + tp);
            if (offset < 0) {
                throw new IllegalArgumentException("offset to commit for " + tp + " must be >= 0, was " + offset);
            }
            copy.put(tp, offset);
        }
        for (TopicPartition tp : copy.keySet()) {
            if (!fetcher.isAssigned(tp)) {
                throw new IllegalStateException("cannot commit " + tp + " for group " + groupId
                        + ": the partition is not assigned to this consumer");
            }
        }
        store(copy);
    }

    private void store(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        coordinator.commit(groupId, subscription.isEmpty() ? null : member, offsets);
        lastCommitted.putAll(offsets);
    }

    OptionalLong committed(TopicPartition tp) {
        return coordinator.committed(groupId, tp);
    }

    /**
     * Leaves the group on close: commits when automatic, tells the listener the partitions are
     * revoked (or lost, after an eviction), and leaves.
     *
     * @return the first exception the commit or the listener threw, or null
     */
    RuntimeException close() {
        if (subscription.isEmpty()) {
            if (config.enableAutoCommit() && !fetcher.isEmpty()) {
                try {
                    autoCommit();
                } catch (RuntimeException e) {
                    return e;
                }
            }
            return null;
        }
        return leave();
    }

    private RuntimeException leave() {
        GroupMember m = member;
        if (m == null) {
            return null;
        }
        RuntimeException error = null;
        Set<TopicPartition> owned = fetcher.assignment();
        if (m.isEvicted()) {
            if (!owned.isEmpty()) {
                error = call(Callback.LOST, owned, null);
            }
        } else {
            if (config.enableAutoCommit()) {
                try {
                    autoCommit();
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            if (!owned.isEmpty()) {
                error = call(Callback.REVOKED, owned, error);
            }
        }
        m.leave();
        member = null;
        fetcher.clear();
        lastCommitted.clear();
        return error;
    }

    /** Leaves at once, without commit or listener: the consumer was closed by another thread. */
    void abandon() {
        GroupMember m = member;
        if (m != null) {
            m.leave();
            member = null;
        }
    }
}
