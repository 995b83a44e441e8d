package io.runnel.log.core.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CommitLog;
import io.runnel.log.Headers;
import io.runnel.log.MaintenanceResult;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.RunnelCommitLog;
import io.runnel.log.core.storage.PartitionLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction (issue 4, acceptance 2): exactly the latest record of every key, in offset order, valid for Kafka. */
class CompactionTest {
    private static final TopicPartition TP = new TopicPartition("snapshots", 0);
    private static final long DAY = 24L * 60 * 60 * 1000;

    @TempDir
    Path dir;

    private static TopicConfig.Builder compacted() {
        return TopicConfig.builder().partitions(1).segmentBytes(16 << 10).cleanupPolicy(CleanupPolicy.COMPACT)
                .deleteRetentionMs(DAY);
    }

    private static long seed(String name) {
        long seed = Long.getLong("test.seed", System.nanoTime());
        System.out.println(name + " seed " + seed + " (replay with -Dtest.seed=" + seed + ")");
        return seed;
    }

    private static PartitionLog partition(CommitLog log) {
        return ((LogAccess) log).partitionLog(TP);
    }

    @Test
    void cleaningKeepsExactlyTheLatestRecordOfEveryKeyThenDropsTombstonesAfterTheHorizon() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        try (CommitLog log = CommitLog.open(dir)) {
            ((RunnelCommitLog) log).maintenance().setClock(now::get);
            log.createTopic(TP.topic(), compacted().build());
            PartitionLog plog = partition(log);
            KeyedLog keyed = new KeyedLog(plog, seed("compaction"));
            keyed.append(20_000, 500, 0.15, now.get());
            plog.roll(0);
            long end = plog.endOffset();
            int segmentsBefore = plog.segmentCount();
            long bytesBefore = plog.sizeInBytes();

            MaintenanceResult first = log.runMaintenance();
            assertEquals(1, first.partitionsCleaned(), "cleaned: " + first);
            List<KeyedLog.Rec> expected = keyed.latestPerKey(end, true);
            KeyedLog.assertSameRecords(expected, KeyedLog.read(plog), "after cleaning, tombstones inside delete.retention.ms");
            KeyedLog.assertSameRecords(expected, KeyedLog.readWithKafka(plog), "Kafka's FileRecords");
            assertTrue(plog.segmentCount() < segmentsBefore, "small cleaned segments merged: "
                    + segmentsBefore + " -> " + plog.segmentCount());
            assertTrue(plog.sizeInBytes() < bytesBefore / 5, bytesBefore + " -> " + plog.sizeInBytes());
            assertEquals(0, plog.startOffset());
            assertEquals(end, plog.endOffset(), "the end offset does not move");

            assertEquals(0, log.runMaintenance().partitionsCleaned(), "nothing dirty, no horizon passed");
            now.addAndGet(DAY + 1);
            assertEquals(1, log.runMaintenance().partitionsCleaned(), "a tombstone's delete horizon passed");
            List<KeyedLog.Rec> live = keyed.latestPerKey(end, false);
            KeyedLog.assertSameRecords(live, KeyedLog.read(plog), "tombstones gone after delete.retention.ms");
            KeyedLog.assertSameRecords(live, KeyedLog.readWithKafka(plog), "Kafka's FileRecords, no tombstone");

            // Appends go on at the end offset; reopen reads the same.
            plog.appendRecord(now.get(), "key-new".getBytes(), "v".getBytes(), Headers.empty());
            assertEquals(end + 1, plog.endOffset());
        }
        try (CommitLog log = CommitLog.open(dir)) {
            PartitionLog plog = partition(log);
            List<KeyedLog.Rec> read = KeyedLog.read(plog);
            assertEquals("key-new", read.get(read.size() - 1).key());
            assertFalse(Files.exists(plog.dir().resolve(".cleaned")), "no staging left");
        }
    }

    @Test
    void aLogWithMoreKeysThanTheKeyMapHoldsIsCleanedInPasses() throws Exception {
        try (CommitLog log = CommitLog.builder(dir).cleanerDedupeBufferSize(64 << 10).open()) {
            log.createTopic(TP.topic(), compacted().minCleanableDirtyRatio(0.01).build());
            PartitionLog plog = partition(log);
            KeyedLog keyed = new KeyedLog(plog, seed("passes"));
            keyed.append(24_000, 8_000, 0.05, System.currentTimeMillis());
            plog.roll(0);
            long end = plog.endOffset();
            int passes = 0;
            while (log.runMaintenance().partitionsCleaned() > 0) {
                passes++;
                assertTrue(passes < 50, "passes end");
            }
            assertTrue(passes >= 3, "8,000 keys in a map of ~2,450 take several passes: " + passes);
            KeyedLog.assertSameRecords(keyed.latestPerKey(end, true), KeyedLog.read(plog), "after " + passes + " passes");
            KeyedLog.assertSameRecords(keyed.latestPerKey(end, true), KeyedLog.readWithKafka(plog), "Kafka");
            System.out.println("cleaned in " + passes + " passes");
        }
    }

    @Test
    void theActiveSegmentAndRecordsYoungerThanTheCompactionLagAreNotCleaned() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        try (CommitLog log = CommitLog.open(dir)) {
            ((RunnelCommitLog) log).maintenance().setClock(now::get);
            log.createTopic(TP.topic(), compacted().minCompactionLagMs(60 * 60 * 1000L).build());
            PartitionLog plog = partition(log);
            KeyedLog keyed = new KeyedLog(plog, seed("lag"));
            keyed.append(5_000, 100, 0.1, now.get());
            long rolled = plog.endOffset();
            plog.roll(0);
            keyed.append(100, 100, 0.1, now.get()); // stays in the active segment
            assertEquals(1, plog.segments()[plog.segmentCount() - 1].baseOffset() == rolled ? 1 : 0);
            assertEquals(0, log.runMaintenance().partitionsCleaned(), "every record is younger than the lag");
            assertEquals(5_100, KeyedLog.read(plog).size());

            now.addAndGet(2 * 60 * 60 * 1000L);
            assertEquals(1, log.runMaintenance().partitionsCleaned());
            List<KeyedLog.Rec> read = KeyedLog.read(plog);
            List<KeyedLog.Rec> cleanedPart = read.stream().filter(r -> r.offset() < rolled).toList();
            KeyedLog.assertSameRecords(keyed.latestPerKey(rolled, true), cleanedPart, "the rolled part");
            assertEquals(100, read.stream().filter(r -> r.offset() >= rolled).count(), "the active segment untouched");
        }
    }

    @Test
    void aPartitionBelowItsDirtyRatioIsLeftAlone() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), compacted().minCleanableDirtyRatio(0.9).build());
            PartitionLog plog = partition(log);
            KeyedLog keyed = new KeyedLog(plog, seed("ratio"));
            keyed.append(4_000, 1_000, 0.0, System.currentTimeMillis());
            plog.roll(0);
            assertEquals(1, log.runMaintenance().partitionsCleaned(), "everything is dirty at first");
            keyed.append(200, 1_000, 0.0, System.currentTimeMillis());
            plog.roll(0);
            long size = plog.sizeInBytes();
            assertEquals(0, log.runMaintenance().partitionsCleaned(), "a few new records are below the 0.9 ratio");
            assertEquals(size, plog.sizeInBytes());
        }
    }

    @Test
    void aCompactedTopicRefusesRecordsWithoutAKeyAndProducersRefuseInternalTopics() throws Exception {
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TP.topic(), compacted().build());
            PartitionLog plog = partition(log);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> plog.appendRecord(1, null, "v".getBytes(), Headers.empty()));
            assertTrue(e.getMessage().contains("without a key"), e.getMessage());
            assertEquals(0, plog.endOffset());
            try (io.runnel.log.Producer<String, String> producer = log.producer(io.runnel.log.ProducerConfig.builder()
                    .lingerMs(50).build(), io.runnel.log.Serdes.string(), io.runnel.log.Serdes.string())) {
                var keyed = producer.send(io.runnel.log.ProducerRecord.of(TP.topic(), "k", "v"));
                var keyless = producer.send(io.runnel.log.ProducerRecord.of(TP.topic(), null, "v"));
                producer.flush();
                java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                        keyless::get);
                assertTrue(failed.getCause() instanceof IllegalArgumentException, failed.toString());
                assertEquals(0, keyed.get().offset(), "the keyed record in the same linger window is appended");
            }
            try (io.runnel.log.Producer<String, String> producer = log.producer(io.runnel.log.Serdes.string(),
                    io.runnel.log.Serdes.string())) {
                var internal = producer.send(io.runnel.log.ProducerRecord.of("__consumer_offsets", "k", "v"));
                java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                        internal::get);
                assertTrue(failed.getCause() instanceof io.runnel.log.InvalidTopicException, failed.toString());
            }
        }
    }
}
