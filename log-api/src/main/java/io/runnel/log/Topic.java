package io.runnel.log;

import java.util.List;

/**
 * A topic of a {@link CommitLog}: a name, a configuration and a fixed number of partitions.
 *
 * <p>Implementations are thread-safe. A topic is a live view: its partitions' offsets and sizes
 * move as records are appended and old segments deleted. Its name, partition count and
 * configuration are fixed when it is created. Once the topic is deleted, {@link #partition(int)},
 * {@link #partitions()} and its partitions' methods throw {@link UnknownTopicException}; once the
 * log is closed, they throw {@link LogClosedException}.
 */
public interface Topic {

    /**
     * The topic's name.
     *
     * @return the name
     */
    String name();

    /**
     * How many partitions the topic has; the same as {@code config().partitions()}.
     *
     * @return at least 1
     */
    int partitionCount();

    /**
     * The configuration the topic was created with.
     *
     * @return the configuration
     */
    TopicConfig config();

    /**
     * One partition of the topic.
     *
     * @param id the partition number, from 0 to {@code partitionCount() - 1}
     * @return the partition
     * @throws UnknownTopicException if there is no partition with that number; the message names
     *                               the topic, the partition and the valid range
     */
    Partition partition(int id);

    /**
     * Every partition of the topic, in partition number order.
     *
     * @return an immutable list of {@link #partitionCount()} partitions
     */
    List<Partition> partitions();
}
