package io.runnel.log.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.runnel.log.CommitLog;
import io.runnel.log.LogClosedException;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.Serde;
import io.runnel.log.Serdes;
import io.runnel.log.SerializationException;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerBadInputTest {
    @TempDir
    Path dir;

    static Throwable failure(CompletableFuture<RecordMetadata> f) {
        return assertThrows(CompletionException.class, f::join).getCause();
    }

    static long records(CommitLog log, String topic) {
        Topic t = log.topic(topic).orElseThrow();
        return t.partitions().stream().mapToLong(p -> p.endOffset()).sum();
    }

    /** A serde that refuses the value "poison". */
    static final Serde<String> PICKY = new Serde<>() {
        @Override
        public byte[] serialize(String value) {
            if ("poison".equals(value)) {
                throw new IllegalArgumentException("refused " + value);
            }
            return Serdes.string().serialize(value);
        }

        @Override
        public String deserialize(byte[] bytes) {
            return Serdes.string().deserialize(bytes);
        }
    };

    @Test
    void aNullRecordIsThrownAndARecordWithoutTopicCannotBeMade() {
        try (CommitLog log = CommitLog.open(dir);
             Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
            assertThrows(NullPointerException.class, () -> p.send(null));
            assertThrows(NullPointerException.class, () -> ProducerRecord.of(null, "k", "v"));
            assertThrows(NullPointerException.class, () -> new ProducerRecord<>(null, 0, null, "k", "v", null));
        }
    }

    @Test
    void anUnknownTopicFailsTheFuture() {
        try (CommitLog log = CommitLog.open(dir);
             Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
            Throwable e = failure(p.send(ProducerRecord.of("nope", "k", "v")));
            assertTrue(e instanceof UnknownTopicException, e.toString());
            assertTrue(e.getMessage().contains("nope"), e.getMessage());
        }
    }

    @Test
    void aPartitionOutOfRangeFailsWithUnknownTopicAndAppendsNothing() {
        try (CommitLog log = CommitLog.open(dir);
             Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
            log.createTopic("t", 2);
            Throwable e = failure(p.send(new ProducerRecord<>("t", 2, null, "k", "v", null)));
            assertTrue(e instanceof UnknownTopicException, e.toString());
            assertTrue(e.getMessage().contains("no partition 2") && e.getMessage().contains("0 to 1"), e.getMessage());
            p.flush();
            assertEquals(0, records(log, "t"));
        }
    }

    @Test
    void anOversizedRecordFailsAloneAndTheRecordsAroundItAreAppended() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", TopicConfig.builder().partitions(1).maxMessageBytes(1000).build());
            ProducerConfig lingering = ProducerConfig.builder().lingerMs(3_600_000).build();
            try (Producer<String, byte[]> p = log.producer(lingering, Serdes.string(), Serdes.bytes())) {
                CompletableFuture<RecordMetadata> before = p.send(ProducerRecord.of("t", "k", new byte[100]));
                CompletableFuture<RecordMetadata> big = p.send(ProducerRecord.of("t", "k", new byte[1000]));
                CompletableFuture<RecordMetadata> after = p.send(ProducerRecord.of("t", "k", new byte[100]));
                Throwable e = failure(big);
                assertTrue(e instanceof RecordTooLargeException, e.toString());
                assertTrue(e.getMessage().contains("max.message.bytes 1000"), e.getMessage());
                p.flush();
                assertEquals(0, before.join().offset());
                assertEquals(1, after.join().offset());
                // batch.size (16 KiB) is above max.message.bytes: batches stop at 1000 bytes instead.
                for (int i = 0; i < 20; i++) {
                    p.send(ProducerRecord.of("t", "k", new byte[100]));
                }
                p.flush();
                assertEquals(22, records(log, "t"));
                for (LogContents.StoredBatch b : LogContents.batches(log, new TopicPartition("t", 0))) {
                    assertTrue(b.sizeInBytes() <= 1000, "batch of " + b.sizeInBytes() + " bytes");
                }
            }
        }
    }

    @Test
    void aThrowingSerializerFailsWithSerializationExceptionNamingTheTopic() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 3);
            try (Producer<String, String> p = log.producer(PICKY, PICKY)) {
                Throwable key = failure(p.send(ProducerRecord.of("t", "poison", "v")));
                assertTrue(key instanceof SerializationException, key.toString());
                assertTrue(key.getMessage().contains("topic t") && key.getMessage().contains("key"), key.getMessage());
                assertTrue(key.getCause() instanceof IllegalArgumentException);

                Throwable value = failure(p.send(new ProducerRecord<>("t", 1, null, "k", "poison", null)));
                assertTrue(value instanceof SerializationException, value.toString());
                assertEquals(new TopicPartition("t", 1), ((SerializationException) value).topicPartition());
                assertTrue(value.getMessage().contains("t-1") && value.getMessage().contains("value"), value.getMessage());

                CompletableFuture<RecordMetadata> fine = p.send(ProducerRecord.of("t", null, "fine"));
                p.flush();
                assertEquals(0, fine.join().offset());
                assertEquals(1, records(log, "t"), "only the good record");
            }
        }
    }

    @Test
    void sendsAfterTheProducerOrTheLogClosedFailWithLogClosed() {
        CommitLog log = CommitLog.open(dir);
        log.createTopic("t", 1);
        Producer<String, String> closedProducer = log.producer(Serdes.string(), Serdes.string());
        Producer<String, String> open = log.producer(Serdes.string(), Serdes.string());
        closedProducer.close();
        Throwable e = failure(closedProducer.send(ProducerRecord.of("t", "k", "v")));
        assertTrue(e instanceof LogClosedException, e.toString());
        assertTrue(e.getMessage().contains("producer"), e.getMessage());
        log.close();
        for (Producer<String, String> p : List.of(closedProducer, open)) {
            Throwable after = failure(p.send(ProducerRecord.of("t", "k", "v")));
            assertTrue(after instanceof LogClosedException, after.toString());
        }
        assertThrows(LogClosedException.class, open::flush);
    }
}
