package io.runnel.log.core.group;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.runnel.log.TopicPartition;

/**
 * A consumer's membership in a group: the handle through which the consumer, on its own thread,
 * takes part in the group's two-step handover of partitions. Each poll the consumer calls
 * {@link #sync}, gives up the partitions it returns (after its listener's
 * {@code onPartitionsRevoked}) with {@link #release}, takes the ones now free for it with
 * {@link #acquire}, and ends with {@link #pollEnded}. The group owns the state; every method
 * takes the group's lock.
 *
 * <p>Thread-safe: the consumer's thread drives it; the group signals it from other threads
 * through {@link #signalled()} and the consumer's waker.
 */
public final class GroupMember {

    /**
     * What the member has to do in this poll. Immutable and thread-safe.
     *
     * @param evicted       the group evicted this member (it did not poll within its session
     *                      timeout): it lost its partitions and must join again
     * @param revoke        the partitions to give up, in topic and partition order
     * @param newGeneration whether the group's assignment changed since this member last looked
     */
    public record Sync(boolean evicted, Set<TopicPartition> revoke, boolean newGeneration) {
        static final Sync EVICTED = new Sync(true, Set.of(), false);
    }

    final Group group;
    final String memberId;
    final long sessionTimeoutNanos;
    private final Runnable waker;

    // Guarded by the group's lock.
    Set<String> subscription;
    final Set<TopicPartition> owned = new LinkedHashSet<>();
    Set<TopicPartition> target = Set.of();
    boolean inPoll;
    long lastPollEndNanos;
    int seenGeneration = -1;
    String thread;
    boolean left;

    /** Set by the group (under its lock) when the member was evicted; read by its consumer. */
    volatile boolean evicted;
    /** Set when the group has work for this member; cleared by {@link #sync}. */
    private volatile boolean signalled;

    GroupMember(Group group, String memberId, long sessionTimeoutNanos, Runnable waker, Set<String> subscription,
                String thread, long nowNanos) {
        this.group = group;
        this.memberId = memberId;
        this.sessionTimeoutNanos = sessionTimeoutNanos;
        this.waker = waker;
        this.subscription = Set.copyOf(subscription);
        this.thread = thread;
        this.lastPollEndNanos = nowNanos;
        this.inPoll = true;
    }

    /**
     * The member's id within its group.
     *
     * @return the id
     */
    public String memberId() {
        return memberId;
    }

    /**
     * Whether the group has work for this member (partitions to give up or to take, or an
     * eviction) that it has not picked up with {@link #sync} yet. A volatile read.
     *
     * @return true when the member should sync
     */
    public boolean signalled() {
        return signalled;
    }

    /**
     * Whether the group evicted this member.
     *
     * @return true once evicted
     */
    public boolean isEvicted() {
        return evicted;
    }

    /** Tells the member's consumer that the group has work for it. Under the group's lock. */
    void signal() {
        signalled = true;
        waker.run();
    }

    /** Clears the signal. Under the group's lock. */
    void clearSignal() {
        signalled = false;
    }

    /**
     * Starts or continues a poll: the member counts as alive until {@link #pollEnded}; evicts
     * members whose session expired; returns what this member has to do.
     *
     * @param threadName the polling thread's name, for descriptions
     * @return the partitions to give up, or eviction
     */
    public Sync sync(String threadName) {
        return group.sync(this, threadName);
    }

    /**
     * Gives partitions up: other members may take them from now on.
     *
     * @param partitions partitions this member owns
     */
    public void release(Collection<TopicPartition> partitions) {
        group.release(this, partitions);
    }

    /**
     * Takes the partitions assigned to this member that no other member owns any more.
     *
     * @return the partitions taken, in topic and partition order; empty when none
     */
    public Set<TopicPartition> acquire() {
        return group.acquire(this);
    }

    /**
     * Ends a poll: the session timeout counts from now.
     */
    public void pollEnded() {
        group.pollEnded(this);
    }

    /**
     * The deadline until which a waiting poll may sleep before it must sync again because another
     * member's session may have expired.
     *
     * @param deadlineNanos the poll's own deadline ({@link System#nanoTime()})
     * @return the earlier of the two
     */
    public long waitDeadline(long deadlineNanos) {
        return group.waitDeadline(this, deadlineNanos);
    }

    /**
     * Changes the topics this member subscribes to; the group reassigns.
     *
     * @param topics the topics
     */
    public void updateSubscription(Set<String> topics) {
        group.updateSubscription(this, topics);
    }

    /**
     * Leaves the group: its partitions go to the other members. Does nothing when already left
     * or evicted.
     */
    public void leave() {
        group.leave(this);
    }

    @Override
    public String toString() {
        return "member " + memberId + " of group " + group.groupId();
    }
}
