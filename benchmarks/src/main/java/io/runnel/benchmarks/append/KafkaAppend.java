package io.runnel.benchmarks.append;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import io.runnel.benchmarks.KafkaLog;
import io.runnel.benchmarks.TempDirs;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.storage.internals.log.UnifiedLog;

import org.openjdk.jmh.annotations.Fork;

/**
 * Kafka's own log, {@link UnifiedLog#appendAsLeader}, in process, of the same Kafka v2 batches
 * the other contenders get: Kafka validates each batch (and each record in it), assigns offsets
 * in place and writes the batch to the segment through its {@code FileChannel}. Kafka's default
 * settings (1 GiB segments, no flush by count or time). Each thread appends its own copy of the
 * batch, since Kafka rewrites offsets into it; its base offset is set back to 0 (as a producer
 * sends it) before each append.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; {@link UnifiedLog} is thread-safe.
 */
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn")
public class KafkaAppend extends AppendWorkload {
    private Path root;
    private KafkaLog kafka;
    private UnifiedLog log;
    private ThreadLocal<MemoryRecords> one;
    private ThreadLocal<MemoryRecords> many;

    @Override
    protected void open() {
        root = TempDirs.create("kafka-bench-");
        kafka = KafkaLog.open(root.resolve("bench-0"), 0, 0, false);
        log = kafka.log();
        one = ThreadLocal.withInitial(() -> copyOf(batchOf1));
        many = ThreadLocal.withInitial(() -> copyOf(batchOfMany));
    }

    private static MemoryRecords copyOf(ByteBuffer batch) {
        ByteBuffer copy = ByteBuffer.allocate(batch.remaining());
        copy.put(batch.duplicate()).flip();
        return MemoryRecords.readableRecords(copy);
    }

    @Override
    protected void delete() {
        kafka.delete();
        TempDirs.delete(root);
    }

    @Override
    protected long appendOne() {
        return append(one.get());
    }

    @Override
    protected long appendBatch() {
        return append(many.get());
    }

    private long append(MemoryRecords records) {
        // Kafka stamps offsets into the batch; a producer's batch arrives with base offset 0.
        records.buffer().putLong(0, 0L);
        try {
            return log.appendAsLeader(records, 0).lastOffset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
