package io.runnel.benchmarks.append;

import io.runnel.benchmarks.TempPartitionLog;
import io.runnel.log.Headers;
import io.runnel.log.core.storage.PartitionLog;

/**
 * Runnel's storage engine, the low-level path: {@link PartitionLog#appendRecord} encodes one
 * record in place into the mapped segment as a batch of its own (CRC-32C included);
 * {@link PartitionLog#append(java.nio.ByteBuffer)} checks a pre-encoded batch (structure and
 * CRC), copies it into the mapping and stamps offsets and leader epoch. Default settings
 * (1 GiB segments) and {@code FlushPolicy.none()}, with the background flusher and space
 * reserver threads a {@code CommitLog} gives a partition.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; the log is thread-safe.
 */
public class RunnelLogAppend extends AppendWorkload {
    private TempPartitionLog temp;
    private PartitionLog log;

    @Override
    protected void open() {
        temp = TempPartitionLog.create();
        log = temp.log();
    }

    @Override
    protected void delete() {
        temp.close();
        temp = null;
        log = null;
    }

    @Override
    protected long appendOne() {
        return log.appendRecord(timestamp, null, value, Headers.empty());
    }

    @Override
    protected long appendBatch() {
        return log.append(batchOfMany);
    }
}
