package io.runnel.log.core;

import java.util.OptionalLong;

import io.runnel.log.LogClosedException;
import io.runnel.log.Partition;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.core.storage.PartitionLog;

/**
 * The public view of a partition over its {@link PartitionLog}.
 *
 * <p>Thread-safe: every method reads the log's published state.
 */
final class RunnelPartition implements Partition {
    private final PartitionLog log;
    private volatile boolean deleted;

    RunnelPartition(PartitionLog log) {
        this.log = log;
    }

    void markDeleted() {
        deleted = true;
    }

    /** The log, or the exception the API promises once the topic is deleted or the log closed. */
    private PartitionLog live() {
        if (deleted) {
            throw new UnknownTopicException("topic " + log.id().topic() + " was deleted");
        }
        if (log.isClosed()) {
            throw new LogClosedException("partition " + log.id() + " is closed");
        }
        return log;
    }

    PartitionLog log() {
        return log;
    }

    @Override
    public TopicPartition id() {
        return log.id();
    }

    @Override
    public long startOffset() {
        return live().startOffset();
    }

    @Override
    public long endOffset() {
        return live().endOffset();
    }

    @Override
    public long sizeInBytes() {
        return live().sizeInBytes();
    }

    @Override
    public OptionalLong offsetForTimestamp(long timestamp) {
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
        }
        return live().offsetForTimestamp(timestamp);
    }

    @Override
    public String toString() {
        return "Partition[" + log.id() + ", start=" + log.startOffset() + ", end=" + log.endOffset() + "]";
    }
}
