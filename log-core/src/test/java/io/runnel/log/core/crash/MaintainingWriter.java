package io.runnel.log.core.crash;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CommitLog;
import io.runnel.log.Headers;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.LogAccess;
import io.runnel.log.core.storage.PartitionLog;

/**
 * The child JVM of {@link MaintenanceKillNineTest}: appends keyed records (updates and
 * tombstones) to a compacted topic and records to a topic with a small {@code retention.bytes},
 * while a second thread runs {@link CommitLog#runMaintenance()} without pause, until it is
 * killed. After each append returns it prints {@code ACK <topic> <offset> <key> <value>}
 * ({@code -} for a null value).
 *
 * <p>Arguments: log directory, seed.
 */
public final class MaintainingWriter {
    static final TopicPartition COMPACTED = new TopicPartition("kv", 0);
    static final TopicPartition RETAINED = new TopicPartition("events", 0);
    static final TopicConfig COMPACTED_CONFIG = TopicConfig.builder().segmentBytes(4096)
            .cleanupPolicy(CleanupPolicy.COMPACT).minCleanableDirtyRatio(0.05).deleteRetentionMs(0).build();
    static final TopicConfig RETAINED_CONFIG = TopicConfig.builder().segmentBytes(4096).retentionBytes(4L * 4096).build();

    private MaintainingWriter() {
    }

    /**
     * Runs the child.
     *
     * @param args log directory, seed
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        CommitLog log = CommitLog.open(dir);
        if (log.topic(COMPACTED.topic()).isEmpty()) {
            log.createTopic(COMPACTED.topic(), COMPACTED_CONFIG);
            log.createTopic(RETAINED.topic(), RETAINED_CONFIG);
        }
        PartitionLog kv = ((LogAccess) log).partitionLog(COMPACTED);
        PartitionLog events = ((LogAccess) log).partitionLog(RETAINED);
        Thread maintenance = new Thread(() -> {
            for (;;) {
                log.runMaintenance();
            }
        }, "child-maintenance");
        maintenance.setDaemon(true);
        maintenance.start();
        out.println("READY");
        out.flush();
        for (long i = 0; ; i++) {
            String key = "k" + random.nextInt(300);
            String value = random.nextInt(10) == 0 ? null : key + "=" + i;
            long offset = kv.appendRecord(System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8), Headers.empty());
            out.println("ACK kv " + offset + " " + key + " " + (value == null ? "-" : value));
            String event = "e" + i + "-" + "x".repeat(random.nextInt(60));
            long eventOffset = events.appendRecord(System.currentTimeMillis(), null,
                    event.getBytes(StandardCharsets.UTF_8), Headers.empty());
            out.println("ACK events " + eventOffset + " - " + event);
            out.flush();
        }
    }
}
