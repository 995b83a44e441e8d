package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@code close()} nothing of the log is left in the process: no mapping of its files in
 * /proc/self/maps, no open descriptor on them in /proc/self/fd, no Runnel thread. On JDK 17-21
 * segments are released by the cleaner, on JDK 22+ by closing their FFM arenas.
 */
class ResourceLeakTest {
    @TempDir
    Path dir;

    @Test
    void closeLeavesNoMappingDescriptorOrThreadBehind() throws Exception {
        Assumptions.assumeTrue(ProcessResources.available(), "needs Linux /proc");
        Path root = dir.toRealPath();
        Path logDir = root.resolve("log");
        CommitLog log = CommitLog.open(logDir);
        log.createTopic("kept", TopicConfig.builder().partitions(3).segmentBytes(64 << 10).build());
        log.createTopic("gone", 2);
        Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
        String value = "v".repeat(500);
        for (int i = 0; i < 2000; i++) {
            p.send(ProducerRecord.of(i % 2 == 0 ? "kept" : "gone", "k" + i, value)).join();
        }
        ConsumerConfig cc = ConsumerConfig.builder().autoOffsetReset(OffsetReset.EARLIEST).maxPollRecords(10_000).build();
        int read = 0;
        try (var c = log.consumer(cc, Serdes.string(), Serdes.string())) {
            c.assign(List.of(new TopicPartition("kept", 0), new TopicPartition("kept", 1), new TopicPartition("kept", 2)));
            for (int i = 0; i < 100 && read < 1000; i++) {
                read += c.poll(Duration.ofSeconds(1)).count();
            }
        }
        assertEquals(1000, read);
        assertTrue(log.topic("kept").orElseThrow().partition(0).offsetForTimestamp(0).isPresent());
        assertTrue(!ProcessResources.mappingsUnder(root).isEmpty(), "the open log maps its segments");
        log.deleteTopic("gone");
        log.close();

        assertEquals(List.of(), ProcessResources.mappingsUnder(root), "mappings left after close");
        assertEquals(List.of(), ProcessResources.descriptorsUnder(root), "descriptors left after close");
        assertEquals(List.of(), ProcessResources.runnelThreadsAfter(Duration.ofSeconds(30)), "threads left after close");
    }
}
