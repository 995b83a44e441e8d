package io.runnel.log.core;

import java.util.List;

import io.runnel.log.LogClosedException;
import io.runnel.log.Partition;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.UnknownTopicException;

/**
 * A topic of a {@link RunnelCommitLog}: its name, configuration and partitions.
 *
 * <p>Thread-safe: immutable after creation; its partitions are thread-safe.
 */
final class RunnelTopic implements Topic {
    private final String name;
    private final TopicConfig config;
    private final List<RunnelPartition> partitions;
    private volatile boolean deleted;

    RunnelTopic(String name, TopicConfig config, List<RunnelPartition> partitions) {
        this.name = name;
        this.config = config;
        this.partitions = List.copyOf(partitions);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int partitionCount() {
        return partitions.size();
    }

    @Override
    public TopicConfig config() {
        return config;
    }

    @Override
    public Partition partition(int id) {
        ensureLive();
        return runnelPartition(id);
    }

    /** Marks the topic deleted: its public methods then throw, as its javadoc says. */
    void markDeleted() {
        deleted = true;
    }

    private void ensureLive() {
        if (deleted) {
            throw new UnknownTopicException("topic " + name + " was deleted");
        }
        if (partitions.get(0).log().isClosed()) {
            throw new LogClosedException("topic " + name + " is closed: its log was closed");
        }
    }

    RunnelPartition runnelPartition(int id) {
        if (id < 0 || id >= partitions.size()) {
            throw new UnknownTopicException("topic " + name + " has no partition " + id + "; expected 0 to "
                    + (partitions.size() - 1));
        }
        return partitions.get(id);
    }

    @Override
    public List<Partition> partitions() {
        ensureLive();
        return List.copyOf(partitions);
    }

    List<RunnelPartition> runnelPartitions() {
        return partitions;
    }

    @Override
    public String toString() {
        return "Topic[" + name + ", partitions=" + partitions.size() + "]";
    }
}
