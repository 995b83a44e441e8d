package io.runnel.log.core;

import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.PartitionLog;

/**
 * What producers and consumers need of the commit log: its partition logs.
 *
 * <p>Thread-safe: implementations are.
 */
public interface LogAccess {
    /**
     * The log of a partition.
     *
     * @param tp the partition
     * @return its log
     * @throws io.runnel.log.UnknownTopicException when there is no such topic or partition
     * @throws io.runnel.log.LogClosedException    when the commit log is closed
     */
    PartitionLog partitionLog(TopicPartition tp);

    /**
     * The partition count of a topic.
     *
     * @param topic the topic
     * @return its partition count
     * @throws io.runnel.log.UnknownTopicException when there is no such topic
     */
    int partitionCount(String topic);

    /**
     * Throws {@link io.runnel.log.LogClosedException} when the commit log is closed.
     */
    void ensureOpenForClients();
}
