package io.runnel.log.core.client;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

/**
 * One producer's view of one topic: a {@link PartitionBatcher} per partition, each bound to the
 * partition log it appends to, and the sticky partition of records without a key. When the
 * topic is deleted (and maybe created again) its partition logs close; the producer then builds
 * a new route and retires this one.
 *
 * <p>Thread-safe: the batchers are, and the sticky partition is atomic.
 */
final class TopicRoute {
    /** Names of internal topics start with it (DESIGN.md); producers may not write them. */
    private static final String INTERNAL_PREFIX = "__";
    private final String topic;
    private final PartitionBatcher[] batchers;
    private final int maxMessageBytes;
    private final boolean compacted;
    /** Kafka's sticky partition for null keys; -1 before the first such record. */
    private final AtomicInteger sticky = new AtomicInteger(-1);

    private TopicRoute(String topic, PartitionBatcher[] batchers) {
        this.topic = topic;
        this.batchers = batchers;
        this.maxMessageBytes = batchers[0].log().config().maxMessageBytes();
        this.compacted = batchers[0].log().config().compacted();
    }

    /**
     * Looks the topic's partitions up.
     *
     * @throws io.runnel.log.UnknownTopicException when there is no such topic
     * @throws io.runnel.log.LogClosedException    when the log is closed
     */
    static TopicRoute lookUp(LogAccess log, String topic, ProducerSettings settings) {
        if (topic.startsWith(INTERNAL_PREFIX)) {
            throw new io.runnel.log.InvalidTopicException("topic " + topic + " is internal (its name starts with "
                    + INTERNAL_PREFIX + "); producers cannot write to it");
        }
        int count = log.partitionCount(topic);
        PartitionBatcher[] batchers = new PartitionBatcher[count];
        for (int p = 0; p < count; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            batchers[p] = new PartitionBatcher(tp, log.partitionLog(tp), settings);
        }
        return new TopicRoute(topic, batchers);
    }

    String topic() {
        return topic;
    }

    int partitionCount() {
        return batchers.length;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Whether the topic is compacted, so that its records need keys. */
    boolean compacted() {
        return compacted;
    }

    PartitionBatcher batcher(int partition) {
        return batchers[partition];
    }

    /** Whether the topic's partition logs were closed: the topic was deleted, or the log closed. */
    boolean isStale() {
        return batchers[0].log().isClosed();
    }

    /** The partition records without a key go to now. */
    int stickyPartition() {
        int p = sticky.get();
        if (p < 0) {
            sticky.compareAndSet(-1, ThreadLocalRandom.current().nextInt(batchers.length));
            p = sticky.get();
        }
        return p;
    }

    /**
     * Moves the sticky partition away from {@code previous}, whose batch was sent, to another one
     * chosen at random; does nothing when another thread moved it already (Kafka's
     * {@code onNewBatch}).
     *
     * @return the sticky partition now
     */
    int nextStickyPartition(int previous) {
        int n = batchers.length;
        if (n > 1) {
            int next = ThreadLocalRandom.current().nextInt(n - 1);
            sticky.compareAndSet(previous, next >= previous ? next + 1 : next);
        }
        return sticky.get();
    }

    /** Makes every batcher refuse new records and send what it holds. */
    void retire() {
        for (PartitionBatcher b : batchers) {
            b.retire();
        }
    }

    PartitionBatcher[] batchers() {
        return batchers;
    }
}
