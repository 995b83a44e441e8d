package io.runnel.benchmarks.append;

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
    private ThreadLocal<MemoryRecords> one;
    private ThreadLocal<MemoryRecords> many;

    @Override
    protected void open() {
        root = TempDirs.create("kafka-bench-");
        kafka = KafkaLog.open(root.resolve("bench-0"), 0, 0, false);
        one = ThreadLocal.withInitial(() -> KafkaLog.producerBatch(batchOf1));
        many = ThreadLocal.withInitial(() -> KafkaLog.producerBatch(batchOfMany));
    }

    @Override
    protected void delete() {
        kafka.delete();
        TempDirs.delete(root);
    }

    @Override
    protected long appendOne() {
        return kafka.appendAsLeader(one.get());
    }

    @Override
    protected long appendBatch() {
        return kafka.appendAsLeader(many.get());
    }
}
