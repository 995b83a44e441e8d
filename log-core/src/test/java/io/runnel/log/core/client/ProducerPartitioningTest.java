package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerPartitioningTest {
    @TempDir
    Path dir;

    @Test
    void keyedRecordsLandWhereKafkasPartitionerPutsThem() {
        long seed = System.nanoTime();
        System.out.println("keyedRecordsLandWhereKafkasPartitionerPutsThem seed=" + seed);
        Random random = new Random(seed);
        try (CommitLog log = CommitLog.open(dir)) {
            int[] counts = {1, 3, 7, 16};
            for (int n : counts) {
                log.createTopic("t" + n, n);
            }
            try (Producer<byte[], byte[]> p = log.producer(ProducerConfig.builder().lingerMs(0).build(), Serdes.bytes(),
                    Serdes.bytes())) {
                List<byte[]> keys = new ArrayList<>();
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 4000; i++) {
                    byte[] key = new byte[random.nextInt(40)];
                    random.nextBytes(key);
                    keys.add(key);
                    futures.add(p.send(ProducerRecord.of("t" + counts[i % counts.length], key, new byte[1])));
                }
                for (int i = 0; i < futures.size(); i++) {
                    int n = counts[i % counts.length];
                    assertEquals(BuiltInPartitioner.partitionForKey(keys.get(i), n), futures.get(i).join().partition(),
                            "key " + i + " over " + n + " partitions");
                }
            }
        }
    }

    @Test
    void anExplicitPartitionWinsOverTheKey() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 5);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                byte[] key = "some key".getBytes(StandardCharsets.UTF_8);
                int hashed = Murmur2.partition(key, 5);
                int other = (hashed + 1) % 5;
                CompletableFuture<RecordMetadata> f = p.send(new ProducerRecord<>("t", other, null, "some key", "v", null));
                p.flush();
                assertEquals(other, f.join().partition());
            }
        }
    }

    @Test
    void nullKeysStickToOnePartitionUntilItsBatchIsSent() {
        int records = 400;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 4);
            ProducerConfig config = ProducerConfig.builder().lingerMs(3_600_000).batchSize(512).build();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < records; i++) {
                    futures.add(p.send(ProducerRecord.of("t", "null-key record " + i)));
                }
                p.flush();
                // Runs of consecutive sends to one partition, in send order.
                List<Integer> runs = new ArrayList<>();
                int previous = -1;
                for (CompletableFuture<RecordMetadata> f : futures) {
                    int partition = f.join().partition();
                    if (partition != previous) {
                        runs.add(0);
                        previous = partition;
                    }
                    runs.set(runs.size() - 1, runs.get(runs.size() - 1) + 1);
                }
                List<Integer> batches = new ArrayList<>();
                int used = 0;
                for (int partition = 0; partition < 4; partition++) {
                    List<LogContents.StoredBatch> stored = LogContents.batches(log, new TopicPartition("t", partition));
                    stored.forEach(b -> batches.add(b.recordCount()));
                    used += stored.isEmpty() ? 0 : 1;
                }
                assertEquals(batches.size(), runs.size(), "one run of sends per batch: " + runs);
                assertTrue(runs.size() > 5, "the partition moved with every batch: " + runs);
                assertTrue(used > 1, "more than one partition used");
                for (int i = 0; i < runs.size() - 1; i++) {
                    assertTrue(runs.get(i) >= 15, "each batch but the last is full: " + runs);
                }
            }
        }
    }
}
