package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.Headers;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.RunnelCommitLog;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten thousand partitions in one log: they open without holding a file descriptor each, take
 * records, close, and reopen; the times are printed (not asserted: machines are shared).
 */
@Tag("slow")
class ManyPartitionsTest {
    static final int PARTITIONS = 10_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandPartitionsOpenWithoutADescriptorEachAndReopen() throws Exception {
        Assumptions.assumeTrue(ProcessResources.available(), "needs Linux /proc");
        Path root = dir.toRealPath().resolve("log");
        TopicConfig config = TopicConfig.builder().partitions(PARTITIONS).segmentBytes(1 << 20)
                .segmentIndexBytes(64 << 10).build();
        long t0 = System.nanoTime();
        try (CommitLog log = CommitLog.open(root)) {
            log.createTopic("wide", config);
            long created = System.nanoTime();
            RunnelCommitLog runnel = (RunnelCommitLog) log;
            for (int p = 0; p < PARTITIONS; p++) {
                long offset = runnel.partitionLog(new TopicPartition("wide", p))
                        .appendRecord(p, null, ("v" + p).getBytes(java.nio.charset.StandardCharsets.UTF_8), Headers.empty());
                assertEquals(0, offset);
            }
            long appended = System.nanoTime();
            long fds = ProcessResources.descriptorsUnder(root).size();
            System.out.printf("ManyPartitionsTest: create %d partitions %.0f ms, one append each %.0f ms, %d descriptors open%n",
                    PARTITIONS, (created - t0) / 1e6, (appended - created) / 1e6, fds);
            assertTrue(fds <= 4, "descriptors held by an open log of " + PARTITIONS + " partitions: " + fds);
        }
        long t1 = System.nanoTime();
        try (CommitLog log = CommitLog.open(root)) {
            long reopened = System.nanoTime();
            Topic wide = log.topic("wide").orElseThrow();
            assertEquals(PARTITIONS, wide.partitionCount());
            for (int p : List.of(0, 1, 4999, PARTITIONS - 1)) {
                assertEquals(1, wide.partition(p).endOffset());
            }
            System.out.printf("ManyPartitionsTest: reopen after a clean close %.0f ms%n", (reopened - t1) / 1e6);
        }
    }
}
