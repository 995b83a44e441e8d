package io.runnel.log.core;

import java.util.OptionalLong;

import io.runnel.log.Partition;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.PartitionLog;

/**
 * The public view of a partition over its {@link PartitionLog}.
 *
 * <p>Thread-safe: every method reads the log's published state.
 */
final class RunnelPartition implements Partition {
    private final PartitionLog log;

    RunnelPartition(PartitionLog log) {
        this.log = log;
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
        return log.startOffset();
    }

    @Override
    public long endOffset() {
        return log.endOffset();
    }

    @Override
    public long sizeInBytes() {
        return log.sizeInBytes();
    }

    @Override
    public OptionalLong offsetForTimestamp(long timestamp) {
        return log.offsetForTimestamp(timestamp);
    }

    @Override
    public String toString() {
        return "Partition[" + log.id() + ", start=" + log.startOffset() + ", end=" + log.endOffset() + "]";
    }
}
