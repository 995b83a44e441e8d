package io.runnel.benchmarks.latency;

import java.time.Duration;
import java.util.List;

import io.runnel.benchmarks.TempCommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.WaitStrategy;

/**
 * Runnel through its public API: {@code send(record).join()} ({@code linger.ms} 0) on the
 * benchmark thread; a {@code Consumer} assigned the partition polls on its own thread with the
 * {@link WaitStrategy} named by {@code waitStrategy}: {@code BUSY_SPIN}, or {@code BLOCKING}
 * (parks until an append wakes it, the default).
 *
 * <p>Not thread-safe: see {@link LatencyWorkload}; the producer and the log are thread-safe,
 * the consumer is used by its thread only.
 */
public class RunnelClientLatency extends LatencyWorkload {
    private TempCommitLog temp;
    private Producer<byte[], byte[]> producer;
    private ProducerRecord<byte[], byte[]> record;

    @Override
    protected void open() {
        temp = TempCommitLog.create(1);
        producer = temp.producer();
        record = new ProducerRecord<>(TempCommitLog.TOPIC, 0, null, null, value, null);
    }

    @Override
    protected void close() {
        producer.close();
        temp.close();
    }

    @Override
    protected long send() {
        return producer.send(record).join().offset();
    }

    @Override
    protected void consume() {
        ConsumerConfig config = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST)
                .waitStrategy(WaitStrategy.valueOf(waitStrategy)).build();
        try (Consumer<byte[], byte[]> consumer = temp.log().consumer(config, Serdes.bytes(), Serdes.bytes())) {
            consumer.assign(List.of(new TopicPartition(TempCommitLog.TOPIC, 0)));
            while (running()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    received(r.offset());
                }
            }
        }
    }
}
