package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CommitLog;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.LogClosedException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.client.LogContents.StoredRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerLingerFlushCloseTest {
    /** Longer than any test: a batch that is not full goes out only on flush or close. */
    static final ProducerConfig LINGER_FOREVER = ProducerConfig.builder().lingerMs(3_600_000).build();

    @TempDir
    Path dir;

    @Test
    void aBatchThatIsNotFullIsAppendedWhenItsLingerExpiresWithoutOtherTraffic() throws Exception {
        long lingerMs = 150;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            ProducerConfig config = ProducerConfig.builder().lingerMs(lingerMs).build();
            try (Producer<String, String> p = log.producer(config, Serdes.string(), Serdes.string())) {
                long start = System.nanoTime();
                CompletableFuture<RecordMetadata> f = p.send(ProducerRecord.of("t", "k", "v"));
                RecordMetadata md = f.get(60, TimeUnit.SECONDS);
                long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(0, md.offset());
                assertTrue(waitedMs >= lingerMs, "appended after its linger, not before: " + waitedMs + " ms");
                // And again: the producer thread, idle in between, takes the next batch the same way.
                assertEquals(1, p.send(ProducerRecord.of("t", "k", "w")).get(60, TimeUnit.SECONDS).offset());
            }
        }
    }

    @Test
    void flushAppendsEveryLingeringRecordAtOnceAndWaitsForThem() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 3);
            try (Producer<String, String> p = log.producer(LINGER_FOREVER, Serdes.string(), Serdes.string())) {
                List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    futures.add(p.send(new ProducerRecord<>("t", i % 3, null, null, "v" + i, null)));
                }
                for (CompletableFuture<RecordMetadata> f : futures) {
                    assertFalse(f.isDone(), "nothing is appended before the linger or a flush");
                }
                p.flush();
                for (int i = 0; i < 60; i++) {
                    assertTrue(futures.get(i).isDone());
                    RecordMetadata md = futures.get(i).join();
                    assertEquals(i % 3, md.partition());
                    assertEquals(i / 3, md.offset());
                }
                p.flush();
            }
        }
    }

    @Test
    void closeAppendsWhatWasSentThenRefusesSendsAndFlushes() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            Producer<String, String> p = log.producer(LINGER_FOREVER, Serdes.string(), Serdes.string());
            List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(p.send(ProducerRecord.of("t", "k" + i, "v" + i)));
            }
            p.close();
            for (CompletableFuture<RecordMetadata> f : futures) {
                assertTrue(f.isDone() && !f.isCompletedExceptionally(), "appended by close");
            }
            CompletionException e = assertThrows(CompletionException.class,
                    () -> p.send(ProducerRecord.of("t", "k", "late")).join());
            assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
            assertThrows(LogClosedException.class, p::flush);
            p.close();
            long total = log.topic("t").orElseThrow().partitions().stream().mapToLong(x -> x.endOffset()).sum();
            assertEquals(10, total);
        }
    }

    @Test
    void closingTheLogAppendsWhatItsProducersHeldAndEndsTheirThreads() throws Exception {
        List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
        Producer<String, String> p;
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            ProducerConfig config = ProducerConfig.builder().lingerMs(3_600_000).batchSize(200).build();
            p = log.producer(config, Serdes.string(), Serdes.string());
            for (int i = 0; i < 30; i++) {
                futures.add(p.send(ProducerRecord.of("t", "value " + i)));
            }
            assertTrue(futures.get(0).isDone(), "a full batch goes out without waiting");
            assertFalse(futures.get(29).isDone(), "the last batch lingers");
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(i, futures.get(i).join().offset());
        }
        CompletionException e = assertThrows(CompletionException.class,
                () -> p.send(ProducerRecord.of("t", "late")).join());
        assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
        String name = "runnel-producer-" + Long.toHexString(((RunnelProducer<?, ?>) p).producerId());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(t.isAlive(), name + " ended");
            }
        }
        try (CommitLog log = CommitLog.open(dir)) {
            List<StoredRecord> records = LogContents.records(log, new TopicPartition("t", 0));
            assertEquals(30, records.size());
            assertEquals("value 29", records.get(29).value());
        }
    }

    @Test
    void headersExplicitTimestampsAndCreateTimeAreStored() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                Headers headers = Headers.of(new Header("trace", "abc".getBytes(StandardCharsets.UTF_8)),
                        new Header("empty", null), new Header("trace", new byte[0]));
                CompletableFuture<RecordMetadata> explicit = p.send(new ProducerRecord<>("t", null, 1234L, "k", "v",
                        headers));
                long before = System.currentTimeMillis();
                CompletableFuture<RecordMetadata> now = p.send(ProducerRecord.of("t", null, "w"));
                long after = System.currentTimeMillis();
                CompletableFuture<RecordMetadata> older = p.send(new ProducerRecord<>("t", null, 1000L, null, "x", null));
                p.flush();
                assertEquals(1234L, explicit.join().timestamp());
                long created = now.join().timestamp();
                assertTrue(created >= before && created <= after, "create time " + created);
                assertEquals(1000L, older.join().timestamp());
                List<StoredRecord> records = LogContents.records(log, new TopicPartition("t", 0));
                assertEquals(new StoredRecord(0, 1234L, "k", "v", headers), records.get(0));
                assertEquals(new StoredRecord(1, created, null, "w", Headers.empty()), records.get(1));
                assertEquals(new StoredRecord(2, 1000L, null, "x", Headers.empty()), records.get(2));
            }
        }
    }

    @Test
    void flushInACallbackOnTheAppendingThreadIsRefusedAndCloseThereDoesNotWait() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            Producer<String, String> p = log.producer(LINGER_FOREVER, Serdes.string(), Serdes.string());
            CompletableFuture<Object> flushed = p.send(ProducerRecord.of("t", "a")).thenApply(md -> {
                p.flush();
                return md;
            });
            CompletableFuture<Object> closed = p.send(ProducerRecord.of("t", "b")).thenApply(md -> {
                p.close();
                return md;
            });
            CompletableFuture<RecordMetadata> third = p.send(ProducerRecord.of("t", "c"));
            // This thread appends the batch, so the callbacks run here, inside flush().
            p.flush();
            ExecutionException e = assertThrows(ExecutionException.class, () -> flushed.get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
            assertEquals(1L, ((RecordMetadata) closed.get(60, TimeUnit.SECONDS)).offset());
            assertEquals(2L, third.get(60, TimeUnit.SECONDS).offset());
            CompletionException late = assertThrows(CompletionException.class,
                    () -> p.send(ProducerRecord.of("t", "d")).join());
            assertTrue(late.getCause() instanceof LogClosedException);
        }
    }

    @Test
    void aFailedBatchFailsEveryRecordOfItWithTheSameCauseAndOtherPartitionsAreUnaffected() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("doomed", 1);
            log.createTopic("kept", 2);
            try (Producer<String, String> p = log.producer(LINGER_FOREVER, Serdes.string(), Serdes.string())) {
                List<CompletableFuture<RecordMetadata>> doomed = new ArrayList<>();
                List<CompletableFuture<RecordMetadata>> kept = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    doomed.add(p.send(new ProducerRecord<>("doomed", 0, null, null, "d" + i, null)));
                    kept.add(p.send(new ProducerRecord<>("kept", 0, null, null, "k" + i, null)));
                    kept.add(p.send(new ProducerRecord<>("kept", 1, null, null, "k" + i, null)));
                }
                // The partition log closes under the lingering batch.
                log.deleteTopic("doomed");
                p.flush();
                Throwable cause = null;
                for (CompletableFuture<RecordMetadata> f : doomed) {
                    CompletionException e = assertThrows(CompletionException.class, f::join);
                    assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
                    if (cause != null) {
                        assertSame(cause, e.getCause(), "one cause for the whole batch");
                    }
                    cause = e.getCause();
                }
                for (int i = 0; i < kept.size(); i++) {
                    assertEquals(i / 2, kept.get(i).join().offset());
                }
                // The producer goes on: the topic, created again, gets the next record.
                log.createTopic("doomed", 3);
                CompletableFuture<RecordMetadata> again = p.send(new ProducerRecord<>("doomed", 2, null, null, "again", null));
                p.flush();
                assertEquals(new TopicPartition("doomed", 2), again.join().topicPartition());
                assertEquals(0, again.join().offset());
            }
        }
    }
}
