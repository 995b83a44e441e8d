package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.FlushPolicy;
import io.runnel.log.InvalidTopicException;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.testing.TestFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets are durable and atomic: they survive close and reopen; a commit of several
 * partitions is one batch, so cutting the offsets log inside that batch (a crash while writing
 * it) leaves the previous commit of every partition, never a mix; deleting a topic deletes its
 * commits; the internal topic is hidden and protected.
 */
class CommittedOffsetsTest {

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    private static ConsumerConfig group(String id) {
        return ConsumerConfig.builder().groupId(id).enableAutoCommit(false).build();
    }

    private static Map<TopicPartition, Long> offsets(long offset, TopicPartition... partitions) {
        Map<TopicPartition, Long> m = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            m.put(tp, offset);
        }
        return m;
    }

    @Test
    void commitsOfSeveralGroupsSurviveCloseAndReopenAndTheLatestWins() {
        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t1 = new TopicPartition("t", 1);
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            try (Consumer<String, String> a = log.consumer(group("a"), Serdes.string(), Serdes.string());
                 Consumer<String, String> b = log.consumer(group("b"), Serdes.string(), Serdes.string())) {
                a.assign(List.of(t0, t1));
                b.assign(List.of(t0));
                a.commitSync(offsets(5, t0, t1));
                a.commitSync(Map.of(t1, 9L));
                b.commitSync(Map.of(t0, 1L));
                assertEquals(OptionalLong.of(9), a.committed(t1));
            }
        }
        try (CommitLog log = CommitLog.open(dir)) {
            try (Consumer<String, String> a = log.consumer(group("a"), Serdes.string(), Serdes.string());
                 Consumer<String, String> b = log.consumer(group("b"), Serdes.string(), Serdes.string());
                 Consumer<String, String> c = log.consumer(group("c"), Serdes.string(), Serdes.string())) {
                assertEquals(OptionalLong.of(5), a.committed(t0));
                assertEquals(OptionalLong.of(9), a.committed(t1));
                assertEquals(OptionalLong.of(1), b.committed(t0));
                assertEquals(OptionalLong.empty(), b.committed(t1));
                assertEquals(OptionalLong.empty(), c.committed(t0));
            }
            assertEquals(List.of("a", "b"), log.describeGroups().stream().map(g -> g.groupId()).toList());
        }
    }

    @Test
    void aCommitCutInsideItsBatchLeavesThePreviousCommitOfEveryPartition() throws IOException {
        TopicPartition[] tps = new TopicPartition[8];
        for (int p = 0; p < tps.length; p++) {
            tps[p] = new TopicPartition("t", p);
        }
        try (CommitLog log = CommitLog.builder(dir).flushPolicy(FlushPolicy.always()).open()) {
            log.createTopic("t", tps.length);
            try (Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                c.assign(List.of(tps));
                c.commitSync(offsets(5, tps));
                c.commitSync(offsets(9, tps));
            }
        }
        Path segment = onlySegment();
        long size = Files.size(segment);
        long lastBatch = lastBatchPosition(segment);
        // Each cut point inside the last batch, as a crash while writing it would leave it, and
        // (cut = -1) a byte of its records changed: the CRC catches it.
        for (long cut : new long[] {lastBatch + 1, lastBatch + 12, lastBatch + 61, (lastBatch + size) / 2, size - 1, -1}) {
            Path copy = Files.createTempDirectory(scratch, "cut");
            TestFiles.copyTree(dir, copy);
            Path seg = copy.resolve(dir.relativize(segment));
            try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
                if (cut >= 0) {
                    ch.truncate(cut);
                } else {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xA5}), (lastBatch + size) / 2);
                }
            }
            Files.deleteIfExists(copy.resolve(".clean-shutdown"));
            try (CommitLog log = CommitLog.open(copy);
                 Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                for (TopicPartition tp : tps) {
                    assertEquals(OptionalLong.of(5), c.committed(tp), "cut at " + cut + ", " + tp);
                }
            }
        }
        try (CommitLog log = CommitLog.open(dir);
             Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
            for (TopicPartition tp : tps) {
                assertEquals(OptionalLong.of(9), c.committed(tp), "uncut: " + tp);
            }
        }
    }

    @Test
    void aCommitWritesOnlyThePartitionsWhoseOffsetChangedAndNothingWhenNoneDid() {
        TopicPartition t0 = new TopicPartition("t", 0);
        TopicPartition t1 = new TopicPartition("t", 1);
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 2);
            try (Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                io.runnel.log.Partition offsetsLog = log.topic(CommittedOffsets.TOPIC).orElseThrow().partition(0);
                c.assign(List.of(t0, t1));
                c.commitSync(offsets(5, t0, t1));
                assertEquals(2, offsetsLog.endOffset());
                c.commitSync(offsets(5, t0, t1));
                c.commitSync(); // no position yet: nothing to commit
                assertEquals(2, offsetsLog.endOffset(), "an unchanged commit writes nothing");
                Map<TopicPartition, Long> next = new LinkedHashMap<>();
                next.put(t0, 5L);
                next.put(t1, 6L);
                c.commitSync(next);
                assertEquals(3, offsetsLog.endOffset(), "only t-1 was written");
                assertEquals(OptionalLong.of(6), c.committed(t1));
            }
        }
    }

    @Test
    void deletingATopicDeletesItsCommitsAlsoAfterReopen() {
        TopicPartition old = new TopicPartition("gone", 0);
        TopicPartition kept = new TopicPartition("kept", 0);
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("gone", 1);
            log.createTopic("kept", 1);
            try (Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                c.assign(List.of(old, kept));
                c.commitSync(offsets(3, old, kept));
            }
            log.deleteTopic("gone");
            log.createTopic("gone", 1);
            try (Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                assertEquals(OptionalLong.empty(), c.committed(old));
                assertEquals(OptionalLong.of(3), c.committed(kept));
            }
        }
        try (CommitLog log = CommitLog.open(dir);
             Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
            assertEquals(OptionalLong.empty(), c.committed(old));
            assertEquals(OptionalLong.of(3), c.committed(kept));
        }
    }

    @Test
    void theOffsetsTopicIsHiddenProtectedAndNotSubscribable() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            try (Consumer<String, String> c = log.consumer(group("g"), Serdes.string(), Serdes.string())) {
                assertTrue(log.topic(CommittedOffsets.TOPIC).isPresent(), "created with the first group consumer");
                assertEquals(List.of("t"), log.topics().stream().map(t -> t.name()).toList());
                assertThrows(InvalidTopicException.class, () -> log.deleteTopic(CommittedOffsets.TOPIC));
                assertThrows(InvalidTopicException.class, () -> c.subscribe(List.of(CommittedOffsets.TOPIC)));
                assertThrows(InvalidTopicException.class, () -> log.createTopic(CommittedOffsets.TOPIC, 1));
            }
        }
    }

    @Test
    void aLogWithoutGroupsHasNoOffsetsTopic() {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic("t", 1);
            log.consumer(ConsumerConfig.defaults(), Serdes.string(), Serdes.string()).close();
        }
        assertFalse(Files.exists(dir.resolve(CommittedOffsets.TOPIC + "-0")));
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(CommittedOffsets.TOPIC + "-0"))) {
            List<Path> logs = files.filter(p -> p.toString().endsWith(".log")).toList();
            assertEquals(1, logs.size(), logs.toString());
            return logs.get(0);
        }
    }

    /** The position of the last batch of a closed (trimmed) segment. */
    private static long lastBatchPosition(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        long pos = 0;
        long last = -1;
        while (pos + 12 <= b.limit()) {
            last = pos;
            pos += 12 + b.getInt((int) pos + 8);
        }
        assertEquals(b.limit(), pos, "the segment holds whole batches");
        return last;
    }
}
