package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.client.LogContents.StoredBatch;
import io.runnel.log.core.client.LogContents.StoredRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProducerConcurrencyTest {
    static final int THREADS = 8;
    static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** One acknowledged send: who sent it, in which order, and where it went. */
    record Sent(int thread, int seq, String key, String value, RecordMetadata md) {
    }

    /** Runs {@code task(thread)} on {@link #THREADS} threads started together; returns their results. */
    static <T> List<T> onThreads(java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(thread);
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "linger.ms {0}")
    @ValueSource(longs = {0, 2})
    void manyThreadsGetDenseOffsetsEveryRecordExactlyOnceAndTheirOwnOrderPerPartition(long lingerMs) throws Exception {
        long seed = System.nanoTime();
        System.out.println("manyThreads (linger " + lingerMs + " ms) seed=" + seed);
        int perThread = 3000;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", PARTITIONS);
            ProducerConfig config = ProducerConfig.builder().lingerMs(lingerMs).batchSize(2048).build();
            List<Sent> sent = new ArrayList<>();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                List<List<Sent>> all = onThreads(thread -> {
                    Random random = new Random(seed + thread);
                    List<String> keys = new ArrayList<>();
                    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String value = "t" + thread + "-" + i;
                        int kind = random.nextInt(3);
                        String key = kind == 0 ? "key-" + random.nextInt(50) : null;
                        Integer partition = kind == 2 ? random.nextInt(PARTITIONS) : null;
                        keys.add(key);
                        futures.add(p.send(new ProducerRecord<>("t", partition, null, key, value, null)));
                    }
                    List<Sent> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(new Sent(thread, i, keys.get(i), "t" + thread + "-" + i, futures.get(i).join()));
                    }
                    return mine;
                });
                all.forEach(sent::addAll);
            }
            assertEquals(THREADS * perThread, sent.size());
            Map<TopicPartition, Map<Long, String>> stored = new HashMap<>();
            long total = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition("t", p);
                List<StoredRecord> records = LogContents.records(log, tp);
                Map<Long, String> byOffset = new HashMap<>();
                for (int i = 0; i < records.size(); i++) {
                    assertEquals(i, records.get(i).offset(), "offsets of " + tp + " are dense from 0");
                    byOffset.put(records.get(i).offset(), records.get(i).value());
                }
                assertEquals(records.size(), log.topic("t").orElseThrow().partition(p).endOffset());
                stored.put(tp, byOffset);
                total += records.size();
            }
            assertEquals(sent.size(), total, "nothing more in the log than what was acknowledged");
            Map<String, Long> lastOffset = new HashMap<>();
            java.util.Set<String> values = new java.util.HashSet<>();
            for (Sent s : sent) {
                assertEquals(s.value(), stored.get(s.md().topicPartition()).get(s.md().offset()),
                        "the record at the acknowledged offset");
                assertTrue(values.add(s.value()), "acknowledged once: " + s.value());
                if (s.key() != null) {
                    assertEquals(Murmur2.partition(s.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), PARTITIONS),
                            s.md().partition(), "keyed record's partition");
                }
                // sent is in each thread's send order: per partition, offsets only grow.
                String threadPartition = s.thread() + "/" + s.md().partition();
                Long before = lastOffset.put(threadPartition, s.md().offset());
                assertTrue(before == null || before < s.md().offset(), "thread " + s.thread() + " seq " + s.seq()
                        + " was appended before an earlier send of the same thread to partition " + s.md().partition());
            }
        }
    }

    /**
     * Sends {@code perThread} 20-byte records from each thread in windows of 100, each waiting for
     * its last record. Returns the batches of t-0.
     */
    static List<StoredBatch> sendInWindows(CommitLog log, int perThread) throws Exception {
        log.createTopic("t", 1);
        ProducerConfig config = ProducerConfig.builder().lingerMs(0).build();
        try (Producer<String, byte[]> p = log.producer(config, Serdes.string(), Serdes.bytes())) {
            onThreads(thread -> {
                for (int i = 0; i < perThread; i += 100) {
                    CompletableFuture<RecordMetadata> last = null;
                    for (int j = 0; j < 100; j++) {
                        last = p.send(ProducerRecord.of("t", new byte[20]));
                    }
                    last.join();
                }
                return null;
            });
        }
        List<StoredBatch> batches = LogContents.batches(log, new TopicPartition("t", 0));
        int records = batches.stream().mapToInt(StoredBatch::recordCount).sum();
        java.util.TreeMap<Integer, Integer> histo = new java.util.TreeMap<>();
        batches.forEach(b -> histo.merge(b.recordCount(), 1, Integer::sum));
        System.out.printf("linger 0, %d threads: %d records in %d batches (%.1f per batch); records per batch -> "
                + "batches: %s%n", THREADS, records, batches.size(), records / (double) batches.size(), histo);
        assertEquals(THREADS * perThread, records);
        return batches;
    }

    @Test
    void withZeroLingerRecordsSentWhileABatchIsAppendedShareTheNextBatches() throws Exception {
        int others = THREADS - 1;
        int perThread = 500;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            TopicPartition tp = new TopicPartition("t", 0);
            ProducerThread thread = new ProducerThread("test-producer-thread");
            ProducerSettings settings = ProducerSettings.of(7, ProducerConfig.builder().lingerMs(0).build(), thread);
            PartitionBatcher batcher = new PartitionBatcher(tp, LogContents.partitionLog(log, tp), settings);
            byte[] value = new byte[20];
            int bound = io.runnel.log.core.record.RecordBatchWriter.maxBatchSizeFor(-1, value.length, null);
            // The first record's callback, chained before its send, runs on the thread that appends
            // its batch, inside the drain, and holds it there (a slow append, as an fsync would be)
            // until the other threads have sent.
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch othersSent = new CountDownLatch(others);
            CompletableFuture<RecordMetadata> first = new CompletableFuture<>();
            CompletableFuture<Void> held = first.thenRun(() -> {
                holding.countDown();
                try {
                    othersSent.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                pool.submit(() -> batcher.add(1000, null, value, null, bound, false, first));
                assertTrue(holding.await(60, TimeUnit.SECONDS), "the first batch's drainer runs the callback");
                List<Future<List<CompletableFuture<RecordMetadata>>>> sent = new ArrayList<>();
                for (int t = 0; t < others; t++) {
                    sent.add(pool.submit(() -> {
                        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            CompletableFuture<RecordMetadata> f = new CompletableFuture<>();
                            assertEquals(PartitionBatcher.QUEUED, batcher.add(1000, null, value, null, bound, false, f));
                            futures.add(f);
                        }
                        othersSent.countDown();
                        return futures;
                    }));
                }
                for (Future<List<CompletableFuture<RecordMetadata>>> f : sent) {
                    for (CompletableFuture<RecordMetadata> r : f.get(60, TimeUnit.SECONDS)) {
                        r.get(60, TimeUnit.SECONDS);
                    }
                }
                held.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
                thread.shutdown();
            }
            List<StoredBatch> batches = LogContents.batches(log, tp);
            List<Integer> sizes = batches.stream().map(StoredBatch::recordCount).toList();
            System.out.println("records per batch: " + sizes);
            assertEquals(1 + others * perThread, sizes.stream().mapToInt(Integer::intValue).sum());
            // The first batch went alone; the 3,500 records sent while it was appended went in
            // full 16 KiB batches (585 records of 20 bytes each) but for the last.
            assertEquals(1, sizes.get(0));
            assertTrue(batches.size() <= 1 + (others * perThread + 584) / 585 + 1, sizes.toString());
            for (int i = 1; i < batches.size() - 2; i++) {
                assertEquals(585, sizes.get(i), sizes.toString());
            }
        }
    }

    @Test
    void zeroLingerBatchesSomeOfWhatManyThreadsSendEvenWhenAppendsAreFast() throws Exception {
        // Without fsyncs an append of a small batch takes about as long as a send: two threads
        // running at once keep up with each other and batches stay small; records batch when
        // senders outpace the appending thread (more threads than cores, a preempted drainer).
        try (CommitLog log = CommitLog.open(dir)) {
            List<StoredBatch> batches = sendInWindows(log, 5000);
            assertTrue(batches.size() < THREADS * 5000, "some records shared a batch");
            assertTrue(batches.stream().anyMatch(b -> b.recordCount() > 100), "some batches are large");
        }
    }

    @Test
    void batchSizeZeroPutsEveryRecordInABatchOfItsOwnEvenWhenManyThreadsSend() throws Exception {
        int perThread = 2000;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            ProducerConfig config = ProducerConfig.builder().lingerMs(0).batchSize(0).build();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                // The batches pile up faster than one thread appends them: senders are held back.
                List<List<RecordMetadata>> all = onThreads(thread -> {
                    List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(p.send(ProducerRecord.of("t", thread + "-" + i)));
                    }
                    return futures.stream().map(CompletableFuture::join).toList();
                });
                for (List<RecordMetadata> mine : all) {
                    for (int i = 1; i < mine.size(); i++) {
                        assertTrue(mine.get(i - 1).offset() < mine.get(i).offset(), "a thread's order is kept");
                    }
                }
            }
            List<StoredBatch> batches = LogContents.batches(log, new TopicPartition("t", 0));
            assertEquals(THREADS * perThread, batches.size());
            for (int i = 0; i < batches.size(); i++) {
                assertEquals(1, batches.get(i).recordCount());
                assertEquals(i, batches.get(i).baseOffset());
            }
        }
    }

    @Test
    void aLingeringSingleThreadFillsBatchesUpToBatchSizeAndOnlyTheLastWaits() throws Exception {
        int batchSize = 1024;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            ProducerConfig config = ProducerConfig.builder().lingerMs(3_600_000).batchSize(batchSize).build();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    futures.add(p.send(ProducerRecord.of("t", "value-" + i)));
                }
                TopicPartition tp = new TopicPartition("t", 0);
                List<StoredBatch> full = LogContents.batches(log, tp);
                int appended = full.stream().mapToInt(StoredBatch::recordCount).sum();
                assertTrue(appended > 900 && appended < 1000, "full batches went out at once, the last waits: "
                        + appended);
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i < appended, futures.get(i).isDone(), "future " + i);
                }
                p.flush();
                List<StoredBatch> batches = LogContents.batches(log, tp);
                assertEquals(1000, batches.stream().mapToInt(StoredBatch::recordCount).sum());
                for (int i = 0; i < batches.size(); i++) {
                    StoredBatch b = batches.get(i);
                    assertTrue(b.sizeInBytes() <= batchSize, "batch " + i + " within batch.size: " + b.sizeInBytes());
                    if (i < batches.size() - 1) {
                        assertTrue(b.sizeInBytes() > batchSize - 32, "batch " + i + " is full: " + b.sizeInBytes());
                    }
                }
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, futures.get(i).join().offset());
                }
                assertFalse(batches.size() < 2);
            }
        }
    }
}
