package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.client.LogContents.StoredBatch;
import io.runnel.log.core.storage.PartitionLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdempotenceTest {
    @TempDir
    Path dir;

    @Test
    void everyBatchCarriesTheProducerIdEpochZeroAndConsecutiveSequencesPerPartition() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            ProducerConfig config = ProducerConfig.builder().lingerMs(0).batchSize(1024).build();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                long id = ((RunnelProducer<?, ?>) p).producerId();
                assertTrue(id >= 0);
                ProducerConcurrencyTest.onThreads(thread -> {
                    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                    for (int i = 0; i < 1000; i++) {
                        futures.add(p.send(new ProducerRecord<>("t", i % 2, null, null, thread + "-" + i, null)));
                    }
                    futures.forEach(CompletableFuture::join);
                    return null;
                });
                for (int partition = 0; partition < 2; partition++) {
                    List<StoredBatch> batches = LogContents.batches(log, new TopicPartition("t", partition));
                    assertTrue(batches.size() > 1);
                    for (StoredBatch b : batches) {
                        assertEquals(id, b.producerId());
                        assertEquals(0, b.producerEpoch());
                        // One producer wrote the partition from offset 0: sequence and offset move together.
                        assertEquals(b.baseOffset(), b.baseSequence(), "base sequence of the batch at " + b.baseOffset());
                    }
                }
            }
        }
    }

    @Test
    void aBatchOfTheProducerAppendedAgainKeepsItsOffsetsAndIsNotWrittenTwice() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            TopicPartition tp = new TopicPartition("t", 0);
            // A long linger: the 30 records go out as one batch at flush(), inside the dedup window of 5.
            io.runnel.log.ProducerConfig lingering = io.runnel.log.ProducerConfig.builder().lingerMs(60_000).build();
            try (Producer<String, String> p = log.producer(lingering, Serdes.string(), Serdes.string());
                 Producer<String, String> other = log.producer(Serdes.string(), Serdes.string())) {
                assertNotEquals(((RunnelProducer<?, ?>) p).producerId(), ((RunnelProducer<?, ?>) other).producerId());
                for (int i = 0; i < 30; i++) {
                    p.send(ProducerRecord.of("t", "v" + i));
                }
                p.flush();
                PartitionLog plog = LogContents.partitionLog(log, tp);
                List<StoredBatch> batches = LogContents.batches(log, tp);
                long end = plog.endOffset();
                // As a retry would: the same bytes again (the log stamps its own base offset anyway).
                for (StoredBatch b : batches) {
                    assertEquals(b.baseOffset(), plog.append(b.bytes().duplicate()));
                }
                assertEquals(end, plog.endOffset(), "nothing appended twice");
                assertEquals(30, LogContents.records(log, tp).size());
                // The next batch continues the sequence and is appended normally.
                CompletableFuture<RecordMetadata> next = p.send(ProducerRecord.of("t", "v30"));
                p.flush();
                assertEquals(end, next.join().offset());
            }
        }
    }
}
