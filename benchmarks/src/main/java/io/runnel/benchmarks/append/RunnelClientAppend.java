package io.runnel.benchmarks.append;

import java.util.concurrent.CompletableFuture;

import io.runnel.benchmarks.TempCommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;

/**
 * Runnel through its public API: one {@code Producer} ({@code linger.ms} 0, the in-process
 * default) of a {@code CommitLog} with {@code FlushPolicy.none()}, a topic of one partition.
 * {@code oneRecord} is {@code send(record).join()}; {@code batchOf100} is {@value #BATCH} sends
 * and a join of the last (records of one thread to one partition complete in order), which the
 * producer gathers into batches by itself.
 *
 * <p>Thread-safe as JMH uses it: see {@link AppendWorkload}; the producer is thread-safe.
 */
public class RunnelClientAppend extends AppendWorkload {
    private TempCommitLog temp;
    private Producer<byte[], byte[]> producer;
    private ProducerRecord<byte[], byte[]> record;

    @Override
    protected void open() {
        temp = TempCommitLog.create(1);
        producer = temp.producer();
        record = ProducerRecord.of(TempCommitLog.TOPIC, value);
    }

    @Override
    protected void delete() {
        producer.close();
        temp.close();
    }

    @Override
    protected long appendOne() {
        return producer.send(record).join().offset();
    }

    @Override
    protected long appendBatch() {
        CompletableFuture<RecordMetadata> last = null;
        for (int i = 0; i < BATCH; i++) {
            last = producer.send(record);
        }
        return last.join().offset();
    }
}
