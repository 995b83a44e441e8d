package io.runnel.log;

import java.util.Collection;

/**
 * Told when a consumer in a group gives up or receives partitions: the place to commit offsets
 * before a partition moves to another consumer, or to load state for a partition received.
 * Passed to {@link Consumer#subscribe(Collection, RebalanceListener)}.
 *
 * <p>Every method is called on the consumer's own thread, inside
 * {@link Consumer#poll(java.time.Duration)}, so implementations need not be thread-safe and may
 * call the consumer (for example {@link Consumer#commitSync()}). An exception thrown by a method
 * is thrown from that {@code poll} after the rebalance is done.
 */
public interface RebalanceListener {

    /**
     * Called before the consumer gives up partitions it owned, while their offsets may still be
     * committed. With {@link ConsumerConfig#enableAutoCommit()} on, the consumer has committed
     * its positions just before.
     *
     * @param partitions the partitions being revoked; may be empty
     */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /**
     * Called after the consumer received partitions, before it fetches from them.
     *
     * @param partitions the partitions newly assigned; may be empty
     */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /**
     * Called when the consumer lost partitions without giving them up, because the group
     * considered it gone (it did not poll within {@link ConsumerConfig#sessionTimeoutMs()}).
     * Other consumers may already own them, so committing their offsets fails. By default this
     * calls {@link #onPartitionsRevoked(Collection)}.
     *
     * @param partitions the partitions lost
     */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }
}
