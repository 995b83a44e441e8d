package io.runnel.benchmarks.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import io.runnel.benchmarks.KafkaLog;
import io.runnel.benchmarks.TempDirs;

import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.server.storage.log.FetchIsolation;
import org.apache.kafka.storage.internals.log.FetchDataInfo;
import org.apache.kafka.storage.internals.log.UnifiedLog;

import org.openjdk.jmh.annotations.Fork;

/**
 * Kafka's own log: {@link UnifiedLog#read} in fetches of 1 MiB up to the log end, as a broker
 * serves a fetch, then every batch of the fetched {@code FileRecords}, checked with
 * {@code ensureValid()} (CRC included) as a consumer does by default ({@code check.crcs}), and
 * every record in it, as Kafka's own classes decode them. The log (Kafka's defaults) was filled
 * with {@code appendAsLeader} in batches of {@value #BATCH} and flushed.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn")
public class KafkaRead extends ReadWorkload {
    private Path root;
    private KafkaLog kafka;

    @Override
    protected void fill() {
        root = TempDirs.create("kafka-bench-");
        kafka = KafkaLog.open(root.resolve("bench-0"), 0, 0, false);
        MemoryRecords records = KafkaLog.producerBatch(batch);
        for (long i = 0; i < batches; i++) {
            kafka.appendAsLeader(records);
        }
        kafka.log().flush(true);
    }

    @Override
    protected long scan() {
        UnifiedLog log = kafka.log();
        long end = log.logEndOffset();
        long next = 0;
        long seen = 0;
        try {
            while (next < end) {
                FetchDataInfo fetched = log.read(next, FETCH_BYTES, FetchIsolation.LOG_END, true);
                for (RecordBatch b : fetched.records.batches()) {
                    b.ensureValid();
                    for (Record r : b) {
                        ByteBuffer v = r.value();
                        blackhole.consume(r.valueSize());
                        blackhole.consume(v.get(v.position()));
                        seen++;
                    }
                    next = b.nextOffset();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return seen;
    }

    @Override
    protected void delete() {
        kafka.delete();
        TempDirs.delete(root);
    }
}
