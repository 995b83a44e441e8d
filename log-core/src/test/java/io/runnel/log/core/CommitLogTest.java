package io.runnel.log.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionException;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.ConsumerRecords;
import io.runnel.log.CorruptLogException;
import io.runnel.log.FlushPolicy;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.InvalidTopicException;
import io.runnel.log.LogClosedException;
import io.runnel.log.LogLockedException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.Serdes;
import io.runnel.log.StorageException;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicExistsException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitLogTest {
    @TempDir
    Path dir;

    @Test
    void topicsSurviveReopenWithTheirConfigAndData() {
        TopicConfig config = TopicConfig.builder().partitions(3).segmentBytes(4096).retentionMs(1234).build();
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("orders", config);
            log.createTopic("audit", 1);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                for (int i = 0; i < 100; i++) {
                    p.send(ProducerRecord.of("orders", "key-" + (i % 7), "v" + i)).join();
                }
            }
        }
        try (CommitLog log = CommitLog.open(dir)) {
            assertEquals(Set.of("orders", "audit"), Set.copyOf(log.topics().stream().map(Topic::name).toList()));
            Topic orders = log.topic("orders").orElseThrow();
            assertEquals(config, orders.config());
            long total = orders.partitions().stream().mapToLong(p -> p.endOffset()).sum();
            assertEquals(100, total);
        }
    }

    @Test
    void keyedRecordsLandInTheSamePartitionEveryTime() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 8);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                for (int k = 0; k < 50; k++) {
                    RecordMetadata a = p.send(ProducerRecord.of("t", "key" + k, "a")).join();
                    RecordMetadata b = p.send(ProducerRecord.of("t", "key" + k, "b")).join();
                    assertEquals(a.topicPartition(), b.topicPartition());
                    assertEquals(a.offset() + 1, b.offset());
                }
            }
        }
    }

    @Test
    void consumerReadsBackWhatWasProducedInOrder() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                for (int i = 0; i < 1000; i++) {
                    p.send(new ProducerRecord<>("t", 0, 5000L + i, "k" + i, "v" + i, null)).join();
                }
            }
            ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(300).build();
            try (var c = log.consumer(cc, Serdes.string(), Serdes.string())) {
                TopicPartition tp = new TopicPartition("t", 0);
                c.assign(List.of(tp));
                List<ConsumerRecord<String, String>> got = new ArrayList<>();
                while (got.size() < 1000) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofSeconds(5));
                    assertFalse(rs.isEmpty(), "poll returned data");
                    assertTrue(rs.count() <= 300);
                    rs.forEach(got::add);
                }
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, got.get(i).offset());
                    assertEquals("v" + i, got.get(i).value());
                    assertEquals(5000L + i, got.get(i).timestamp());
                }
                assertEquals(0, c.lag(tp));
                c.seek(tp, 500);
                assertEquals("v500", c.poll(Duration.ZERO).iterator().next().value());
                assertEquals(OptionalLong.of(700), c.offsetsForTimes(java.util.Map.of(tp, 5700L)).get(tp));
            }
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() {
        try (CommitLog log = CommitLog.open(dir)) {
            assertFalse(log.isClosed());
            LogLockedException e = assertThrows(LogLockedException.class, () -> CommitLog.open(dir));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        }
        CommitLog.open(dir).close();
    }

    @Test
    void invalidTopicNamesAreRefusedWithAReason() {
        try (CommitLog log = CommitLog.open(dir)) {
            for (String bad : new String[] {"", ".", "..", "has space", "slash/name", "__internal", "x".repeat(250), "ünï"}) {
                InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> log.createTopic(bad, 1), bad);
                assertFalse(e.getMessage().isBlank());
            }
            assertThrows(NullPointerException.class, () -> log.createTopic(null, 1), "as the javadoc says");
            assertThrows(InvalidConfigException.class, () -> log.createTopic("zero", 0));
            assertThrows(InvalidConfigException.class, () -> log.createTopic("neg", -3));
            log.createTopic("x".repeat(249), 1);
            log.createTopic("ok.name_with-dash", 2);
            assertThrows(TopicExistsException.class, () -> log.createTopic("ok.name_with-dash", 2));
            assertEquals(2, log.topics().size());
        }
    }

    @Test
    void deletingATopicRemovesItsFilesAndItStaysDeletedAfterReopen() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            Topic gone = log.createTopic("gone", 2);
            Topic kept = log.createTopic("kept", 1);
            log.producer(Serdes.string(), Serdes.string()).send(ProducerRecord.of("gone", "k", "v")).join();
            log.deleteTopic("gone");
            assertThrows(UnknownTopicException.class, () -> gone.partition(0).endOffset());
            assertEquals(0, kept.partition(0).endOffset());
            assertThrows(IllegalArgumentException.class, () -> kept.partition(0).offsetForTimestamp(-1));
            assertTrue(log.topic("gone").isEmpty());
            assertTrue(Files.notExists(dir.resolve("gone-0")));
            assertTrue(Files.notExists(dir.resolve("gone-1")));
            assertThrows(UnknownTopicException.class, () -> log.deleteTopic("gone"));
            CompletionException e = assertThrows(CompletionException.class,
                    () -> log.producer(Serdes.string(), Serdes.string()).send(ProducerRecord.of("gone", "k", "v")).join());
            assertTrue(e.getCause() instanceof UnknownTopicException, e.getCause().toString());
        }
        try (CommitLog log = CommitLog.open(dir)) {
            assertEquals(List.of("kept"), log.topics().stream().map(Topic::name).toList());
            log.createTopic("gone", 1);
            assertEquals(0, log.topic("gone").orElseThrow().partition(0).endOffset());
        }
    }

    @Test
    void badSendsFailWithSpecificExceptionsAndAppendNothing() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", TopicConfig.builder().partitions(2).maxMessageBytes(1000).build());
            Producer<String, byte[]> p = log.producer(Serdes.string(), Serdes.bytes());
            assertThrows(NullPointerException.class, () -> p.send(null));
            CompletionException unknown = assertThrows(CompletionException.class,
                    () -> p.send(ProducerRecord.of("nope", "k", new byte[1])).join());
            assertTrue(unknown.getCause() instanceof UnknownTopicException);
            CompletionException range = assertThrows(CompletionException.class,
                    () -> p.send(new ProducerRecord<>("t", 2, null, "k", new byte[1], null)).join());
            assertTrue(range.getCause() instanceof UnknownTopicException, range.getCause().toString());
            CompletionException big = assertThrows(CompletionException.class,
                    () -> p.send(ProducerRecord.of("t", "k", new byte[5000])).join());
            assertTrue(big.getCause() instanceof RecordTooLargeException);
            Topic t = log.topic("t").orElseThrow();
            assertEquals(0, t.partition(0).endOffset() + t.partition(1).endOffset());
            assertThrows(UnknownTopicException.class, () -> t.partition(2));
            p.close();
            CompletionException closed = assertThrows(CompletionException.class,
                    () -> p.send(ProducerRecord.of("t", "k", new byte[1])).join());
            assertTrue(closed.getCause() instanceof LogClosedException, closed.getCause().toString());
        }
    }

    @Test
    void useAfterCloseFailsWithLogClosed() {
        CommitLog log = CommitLog.open(dir);
        Topic stale = log.createTopic("t", 1);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        log.close();
        log.close();
        assertTrue(log.isClosed());
        assertThrows(LogClosedException.class, () -> log.createTopic("u", 1));
        assertThrows(LogClosedException.class, () -> stale.partition(0).endOffset());
        assertThrows(LogClosedException.class, log::topics);
        CompletionException e = assertThrows(CompletionException.class, () -> p.send(ProducerRecord.of("t", "k", "v")).join());
        assertTrue(e.getCause() instanceof LogClosedException, e.getCause().toString());
    }

    @Test
    void aDirectoryThatIsAFileIsRefused() throws Exception {
        Path file = Files.createFile(dir.resolve("plain-file"));
        StorageException e = assertThrows(StorageException.class, () -> CommitLog.open(file));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }

    @Test
    void damagedTopicMetadataIsReportedWithFileAndPosition() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
        }
        Path meta = dir.resolve(TopicMetadataStore.FILE_NAME);
        byte[] bytes = Files.readAllBytes(meta);
        bytes[30] ^= 0x01;
        Files.write(meta, bytes);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> CommitLog.open(dir));
        assertEquals(meta.toAbsolutePath(), e.file().toAbsolutePath());
        // The failed open released the lock: fixing the file makes the log open again.
        bytes[30] ^= 0x01;
        Files.write(meta, bytes);
        CommitLog.open(dir).close();
    }

    @Test
    void cleanShutdownMarkerIsWrittenOnCloseAndRemovedOnOpen() {
        CommitLog log = CommitLog.builder(dir).flushPolicy(FlushPolicy.always()).open();
        assertTrue(Files.notExists(dir.resolve(RunnelCommitLog.CLEAN_SHUTDOWN)));
        log.close();
        assertTrue(Files.exists(dir.resolve(RunnelCommitLog.CLEAN_SHUTDOWN)));
        assertTrue(Files.exists(dir.resolve(RunnelCommitLog.RECOVERY_POINT_CHECKPOINT)));
    }

    @Test
    void aCleanOpenLeavesTheRecoveryPointCheckpointAsTheCloseWroteIt() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            try (Producer<String, String> p = log.producer(Serdes.string(), Serdes.string())) {
                p.send(ProducerRecord.of("t", "k", "v")).join();
            }
        }
        Path checkpoint = dir.resolve(RunnelCommitLog.RECOVERY_POINT_CHECKPOINT);
        String written = Files.readString(checkpoint);
        Object fileKey = Files.readAttributes(checkpoint, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        CommitLog.open(dir).close();
        // An atomic rewrite would rename a new file (a new inode) over it.
        assertEquals(fileKey, Files.readAttributes(checkpoint,
                java.nio.file.attribute.BasicFileAttributes.class).fileKey(), "not rewritten by the clean open");
        assertEquals(written, Files.readString(checkpoint));
        Files.delete(dir.resolve(RunnelCommitLog.CLEAN_SHUTDOWN));
        CommitLog reopened = CommitLog.open(dir);
        try {
            assertTrue(Files.readString(checkpoint).contains("t 1 "), "after a crash it is written anew");
            assertEquals(2, reopened.topic("t").orElseThrow().partitionCount());
        } finally {
            reopened.close();
        }
    }

    @Test
    void intervalFlushPolicyAdvancesTheCheckpointedRecoveryPoint() throws Exception {
        try (CommitLog log = CommitLog.builder(dir).flushPolicy(FlushPolicy.everyInterval(Duration.ofMillis(20))).open()) {
            log.createTopic("t", 1);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            for (int i = 0; i < 50; i++) {
                p.send(ProducerRecord.of("t", "k", "v" + i)).join();
            }
            Path checkpoint = dir.resolve(RunnelCommitLog.RECOVERY_POINT_CHECKPOINT);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            String content = "";
            while (System.nanoTime() < deadline) {
                content = Files.readString(checkpoint);
                if (content.contains("t 0 50")) {
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            assertTrue(content.contains("t 0 50"), "checkpoint after interval flushes: " + content);
        }
    }

    @Test
    void aReadOnlyDirectoryIsRefused() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        assertTrue(ro.toFile().setWritable(false, false));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(ro),
                "running as root: permissions do not apply, so a read-only directory cannot be tested here");
        StorageException e = assertThrows(StorageException.class, () -> CommitLog.open(ro));
        assertTrue(e.getMessage().contains("not writable"), e.getMessage());
    }

    @Test
    void aRecordThatFailsToDeserializeIsReportedAfterTheGoodOnesBeforeIt() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            p.send(ProducerRecord.of("t", "k", "good-0")).join();
            p.send(ProducerRecord.of("t", "k", "good-1")).join();
            p.send(ProducerRecord.of("t", "k", "bad")).join();
            p.send(ProducerRecord.of("t", "k", "good-3")).join();
            io.runnel.log.Serde<String> picky = new io.runnel.log.Serde<>() {
                @Override
                public byte[] serialize(String v) {
                    return Serdes.string().serialize(v);
                }

                @Override
                public String deserialize(byte[] b) {
                    String s = Serdes.string().deserialize(b);
                    if (s.equals("bad")) {
                        throw new IllegalArgumentException("refused");
                    }
                    return s;
                }
            };
            ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).build();
            try (var c = log.consumer(cc, Serdes.string(), picky)) {
                TopicPartition tp = new TopicPartition("t", 0);
                c.assign(List.of(tp));
                List<String> first = new ArrayList<>();
                c.poll(Duration.ofSeconds(1)).forEach(r -> first.add(r.value()));
                assertEquals(List.of("good-0", "good-1"), first);
                io.runnel.log.SerializationException e = assertThrows(io.runnel.log.SerializationException.class,
                        () -> c.poll(Duration.ZERO));
                assertEquals(2, e.offset());
                assertEquals(tp, e.topicPartition());
                assertEquals(2, c.position(tp));
                c.seek(tp, 3);
                assertEquals("good-3", c.poll(Duration.ofSeconds(1)).iterator().next().value());
            }
        }
    }

    @Test
    void closingTheLogClosesItsClientsAndNoMetadataMeansNothingIsDeleted() throws Exception {
        CommitLog log = CommitLog.open(dir);
        log.createTopic("t", 1);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        p.send(ProducerRecord.of("t", "k", "v")).join();
        log.close();
        CompletionException e = assertThrows(CompletionException.class, () -> p.send(ProducerRecord.of("t", "k", "v")).join());
        assertTrue(e.getCause() instanceof LogClosedException);
        Files.delete(dir.resolve(TopicMetadataStore.FILE_NAME));
        Files.createDirectory(dir.resolve("backup-1"));
        Files.writeString(dir.resolve("backup-1").resolve("notes.txt"), "mine");
        assertThrows(CorruptLogException.class, () -> CommitLog.open(dir));
        assertTrue(Files.exists(dir.resolve("t-0")), "partition data kept");
        assertTrue(Files.exists(dir.resolve("backup-1").resolve("notes.txt")), "user data kept");
    }

    @Test
    void aBlockedPollReturnsAsSoonAsARecordIsAppendedAndWakeupInterruptsIt() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).build();
            try (var c = log.consumer(cc, Serdes.string(), Serdes.string())) {
                c.assign(List.of(new TopicPartition("t", 0), new TopicPartition("t", 1)));
                assertTrue(c.poll(Duration.ZERO).isEmpty());
                java.util.concurrent.CompletableFuture<ConsumerRecords<String, String>> polled =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> c.poll(Duration.ofMinutes(5)));
                Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
                p.send(new ProducerRecord<>("t", 1, null, "k", "hello", null)).join();
                ConsumerRecords<String, String> got = polled.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("hello", got.iterator().next().value());

                java.util.concurrent.CompletableFuture<ConsumerRecords<String, String>> blocked =
                        java.util.concurrent.CompletableFuture.supplyAsync(() -> c.poll(Duration.ofMinutes(5)));
                c.wakeup();
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> blocked.get(60, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof io.runnel.log.WakeupException, e.getCause().toString());
            }
        }
    }
}
