package io.runnel.examples.snapshot;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import io.runnel.log.CleanupPolicy;
import io.runnel.log.CommitLog;
import io.runnel.log.MaintenanceResult;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.ReplayResult;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;

/**
 * A compacted topic as the snapshot store of an event-sourced service: the service writes the
 * latest state of each entity (here the balance of each account) under the entity's key, a
 * closed account as a tombstone (null value); compaction keeps only the latest record of each
 * key, so on startup the state is rebuilt by replaying one record per live entity instead of
 * every change ever made.
 *
 * <p>Each run writes 100,000 balance updates over 1,000 accounts and closes 50 of them, runs
 * compaction ({@link CommitLog#runMaintenance()}), then rebuilds the balances from the snapshot
 * topic and checks them against what it wrote. Arguments: the log directory (default
 * {@code runnel-snapshot-demo}).
 *
 * <p>Not thread-safe: a program with one thread.
 */
public final class SnapshotDemo {
    static final String TOPIC = "account-balances";
    /** Small segments so that this short demo rolls some: the active segment is never compacted. */
    static final TopicConfig SNAPSHOTS = TopicConfig.builder()
            .partitions(4)
            .segmentBytes(64 << 10)
            .cleanupPolicy(CleanupPolicy.COMPACT)
            .build();

    private SnapshotDemo() {
    }

    /**
     * Runs the demo.
     *
     * @param args the log directory, optional
     */
    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "runnel-snapshot-demo");
        Map<String, Long> written = new HashMap<>();
        try (CommitLog log = CommitLog.open(dir)) {
            Topic topic = log.topic(TOPIC).orElseGet(() -> log.createTopic(TOPIC, SNAPSHOTS));
            // What an earlier run left: the snapshot topic is the state.
            log.replay(TOPIC, Serdes.string(), Serdes.longs(), r -> apply(written, r.key(), r.value()));
            Random random = new Random(42);
            try (Producer<String, Long> producer = log.producer(Serdes.string(), Serdes.longs())) {
                for (int i = 0; i < 100_000; i++) {
                    String account = "account-" + random.nextInt(1_000);
                    long balance = written.getOrDefault(account, 0L) + random.nextInt(100);
                    producer.send(new ProducerRecord<>(TOPIC, null, null, account, balance, null));
                    written.put(account, balance);
                }
                for (int i = 0; i < 50; i++) {
                    String account = "account-" + random.nextInt(1_000);
                    producer.send(new ProducerRecord<>(TOPIC, null, null, account, null, null));
                    written.remove(account);
                }
                producer.flush();
            }
            long before = topic.partitions().stream().mapToLong(p -> p.sizeInBytes()).sum();
            MaintenanceResult cleaned = log.runMaintenance();
            long after = topic.partitions().stream().mapToLong(p -> p.sizeInBytes()).sum();
            System.out.printf("compacted %d partitions: %,d bytes -> %,d bytes%n", cleaned.partitionsCleaned(),
                    before, after);

            Map<String, Long> rebuilt = new HashMap<>();
            ReplayResult replay = log.replay(TOPIC, Serdes.string(), Serdes.longs(),
                    r -> apply(rebuilt, r.key(), r.value()));
            System.out.printf("rebuilt %d accounts from %d snapshot records in %d ms%n", rebuilt.size(),
                    replay.records(), replay.duration().toMillis());
            if (!rebuilt.equals(written)) {
                throw new IllegalStateException("the snapshot does not hold the latest balances");
            }
            System.out.println("snapshot matches the latest balance of every account");
        }
    }

    private static void apply(Map<String, Long> state, String account, Long balance) {
        if (balance == null) {
            state.remove(account);
        } else {
            state.put(account, balance);
        }
    }
}
