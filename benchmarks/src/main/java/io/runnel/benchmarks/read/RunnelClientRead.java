package io.runnel.benchmarks.read;

import java.time.Duration;
import java.util.List;

import io.runnel.benchmarks.TempCommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.OffsetReset;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.storage.PartitionLog;

/**
 * Runnel through its public API: a {@code Consumer} (no group, default settings: 500 records
 * per poll at most) assigned the topic's partition reads it from the beginning with
 * {@code poll} until it has every record; {@link Serdes#bytes()} copies each value into a
 * {@code byte[]} of a {@link ConsumerRecord}. The topic was filled through the storage engine
 * in batches of {@value #BATCH} and flushed. A new consumer per read.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
public class RunnelClientRead extends ReadWorkload {
    private static final ConsumerConfig CONFIG = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST)
            .enableAutoCommit(false).build();
    private static final List<TopicPartition> PARTITION = List.of(new TopicPartition(TempCommitLog.TOPIC, 0));

    private TempCommitLog temp;

    @Override
    protected void fill() {
        temp = TempCommitLog.create(1);
        PartitionLog log = temp.partitionLog(0);
        for (long i = 0; i < batches; i++) {
            log.append(batch);
        }
        log.flush();
    }

    @Override
    protected long scan() {
        long expected = records();
        long seen = 0;
        try (Consumer<byte[], byte[]> consumer = temp.log().consumer(CONFIG, Serdes.bytes(), Serdes.bytes())) {
            consumer.assign(PARTITION);
            while (seen < expected) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    byte[] v = r.value();
                    blackhole.consume(v.length);
                    blackhole.consume(v[0]);
                    seen++;
                }
            }
        }
        return seen;
    }

    @Override
    protected void delete() {
        temp.close();
    }
}
