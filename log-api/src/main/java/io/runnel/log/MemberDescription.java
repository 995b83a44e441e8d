package io.runnel.log;

import java.util.Objects;
import java.util.Set;

/**
 * One member of a consumer group, as {@link CommitLog#describeGroups()} reports it.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param memberId     the member's id within the group, given when it joined; a consumer that
 *                     rejoins after being evicted gets a new one
 * @param clientThread the name of the thread that last polled the consumer
 * @param assignment   the partitions the member owns now
 * @param target       the partitions the current assignment gives it; differs from
 *                     {@code assignment} while partitions are handed over
 */
public record MemberDescription(String memberId, String clientThread, Set<TopicPartition> assignment,
                                Set<TopicPartition> target) {

    /**
     * Validates and copies the components.
     *
     * @param memberId     the member's id
     * @param clientThread the name of the thread that last polled the consumer
     * @param assignment   the partitions it owns
     * @param target       the partitions the current assignment gives it
     * @throws NullPointerException if an argument is null
     */
    public MemberDescription {
        Objects.requireNonNull(memberId, "memberId");
        Objects.requireNonNull(clientThread, "clientThread");
        assignment = Set.copyOf(assignment);
        target = Set.copyOf(target);
    }
}
