package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.OffsetReset;
import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RebalanceListener;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 1 and 2 for groups: producer threads send while consumers of one group poll, and
 * members join and leave (close) at random moments under that load. Every member commits its
 * positions in {@code onPartitionsRevoked} (also on close) and now and then after a poll. Then:
 * <ul>
 *   <li>no partition is ever owned by two members (an {@link OwnershipTracker} fed by the
 *       listeners, which run before a release and after an acquisition);</li>
 *   <li>per partition, the offsets delivered to the group, in delivery order across members,
 *       are exactly 0, 1, 2, ... up to the end offset: every acknowledged record once, in order,
 *       none skipped, and each value is the one acknowledged at that offset.</li>
 * </ul>
 * The join/leave choices and the members' {@code max.poll.records} come from a printed seed
 * ({@code -Dgroups.seed=<seed>} replays the choices; thread timing still varies).
 */
@Tag("slow")
class GroupDeliveryTest {
    private static final long SEED = Long.getLong("groups.seed", System.nanoTime());
    private static final String TOPIC = "events";
    private static final int PARTITIONS = 6;
    private static final int PRODUCERS = 3;
    private static final int RECORDS_PER_PRODUCER = 10_000;
    private static final int MAX_MEMBERS = 5;
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    private final Map<TopicPartition, List<String>> delivered = new ConcurrentHashMap<>();
    private final AtomicLong deliveredCount = new AtomicLong();
    private final Map<TopicPartition, ConcurrentSkipListMap<Long, String>> acked = new ConcurrentHashMap<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final OwnershipTracker tracker = new OwnershipTracker();

    private void deliver(ConsumerRecord<String, String> r) {
        List<String> list = delivered.computeIfAbsent(new TopicPartition(r.topic(), r.partition()),
                k -> new ArrayList<>());
        synchronized (list) {
            list.add(r.offset() + "=" + r.value());
        }
        deliveredCount.incrementAndGet();
    }

    /** One group member on a thread of its own, until stopped; closing it revokes (and commits). */
    private final class Member implements Runnable {
        final String name;
        final ConsumerConfig config;
        final Thread thread;
        final Random random;
        volatile boolean stop;

        Member(CommitLog log, String name, ConsumerConfig config, long seed) {
            this.name = name;
            this.config = config;
            this.random = new Random(seed);
            this.thread = new Thread(() -> runOn(log), name);
        }

        @Override
        public void run() {
            throw new UnsupportedOperationException();
        }

        private void runOn(CommitLog log) {
            try (Consumer<String, String> c = log.consumer(config, Serdes.string(), Serdes.string())) {
                c.subscribe(List.of(TOPIC), new RebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        c.commitSync();
                        tracker.released(name, partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        tracker.assigned(name, partitions);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        errors.add(new AssertionError(name + " lost " + partitions + ": no member should be evicted"));
                        tracker.released(name, partitions);
                    }
                });
                while (!stop) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(10))) {
                        deliver(r);
                    }
                    if (random.nextInt(4) == 0) {
                        c.commitSync();
                    }
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PartitionAssignmentStrategy.class)
    void everyAcknowledgedRecordReachesTheGroupOnceInOrderWhileMembersJoinAndLeave(PartitionAssignmentStrategy strategy)
            throws Exception {
        System.out.println("GroupDeliveryTest " + strategy + " seed " + SEED + " (-Dgroups.seed=" + SEED + ")");
        Random random = new Random(SEED);
        try (CommitLog log = CommitLog.open(dir)) {
            log.createTopic(TOPIC, PARTITIONS);
            Producer<String, String> producer = log.producer(Serdes.string(), Serdes.string());
            List<Thread> producers = new ArrayList<>();
            for (int w = 0; w < PRODUCERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    try {
                        for (int seq = 0; seq < RECORDS_PER_PRODUCER; seq++) {
                            String v = "w" + writer + "-" + seq;
                            RecordMetadata md = producer.send(ProducerRecord.of(TOPIC, v, v)).join();
                            acked.computeIfAbsent(md.topicPartition(), k -> new ConcurrentSkipListMap<>())
                                    .put(md.offset(), v);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "producer-" + w);
                producers.add(t);
            }
            List<Member> members = new ArrayList<>();
            int[] next = {0};
            java.util.function.Supplier<Member> join = () -> {
                ConsumerConfig config = ConsumerConfig.builder().groupId("workers").enableAutoCommit(false)
                        .autoOffsetReset(OffsetReset.EARLIEST).partitionAssignmentStrategy(strategy)
                        .maxPollRecords(1 + random.nextInt(50)).build();
                Member m = new Member(log, "member-" + next[0]++, config, random.nextLong());
                members.add(m);
                m.thread.start();
                return m;
            };
            for (int i = 0; i < 3; i++) {
                join.get();
            }
            producers.forEach(Thread::start);
            long total = (long) PRODUCERS * RECORDS_PER_PRODUCER;
            int joins = 3;
            int leaves = 0;
            // Churn while the producers run: after each further slice of deliveries, one member joins or leaves.
            for (int step = 1; step <= 12; step++) {
                long target = total * step / 14;
                awaitCondition(() -> deliveredCount.get() >= target || !errors.isEmpty(), "deliveries to reach " + target);
                List<Member> running = members.stream().filter(m -> !m.stop).toList();
                if (running.size() < MAX_MEMBERS && (running.size() == 1 || random.nextBoolean())) {
                    join.get();
                    joins++;
                } else {
                    Member m = running.get(random.nextInt(running.size()));
                    m.stop = true;
                    leaves++;
                }
            }
            for (Thread t : producers) {
                t.join(DEADLINE.toMillis());
            }
            awaitCondition(() -> deliveredCount.get() >= total || !errors.isEmpty(), "every record to be delivered");
            for (Member m : members) {
                m.stop = true;
            }
            for (Member m : members) {
                m.thread.join(DEADLINE.toMillis());
                assertTrue(!m.thread.isAlive(), m.name + " did not stop");
            }
            if (!errors.isEmpty()) {
                AssertionError e = new AssertionError("seed " + SEED + ": " + errors.size() + " errors");
                errors.forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(List.of(), tracker.violations(), "seed " + SEED);
            long checked = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                ConcurrentSkipListMap<Long, String> ack = acked.getOrDefault(tp, new ConcurrentSkipListMap<>());
                List<String> got = delivered.getOrDefault(tp, List.of());
                List<String> expected = new ArrayList<>();
                long end = log.topic(TOPIC).orElseThrow().partition(p).endOffset();
                assertEquals(end, ack.size(), tp + ": every appended record was acknowledged");
                for (long o = 0; o < end; o++) {
                    expected.add(o + "=" + ack.get(o));
                }
                if (!expected.equals(got)) {
                    fail("seed " + SEED + ", " + tp + ": delivered " + got.size() + " of " + end
                            + " records, not once each in order; first difference at index "
                            + firstDifference(expected, got));
                }
                checked += got.size();
            }
            assertEquals(total, checked);
            System.out.println("GroupDeliveryTest " + strategy + ": " + total + " records, " + joins + " joins, "
                    + leaves + " leaves, " + tracker.handovers() + " partition assignments");
        }
    }

    private static int firstDifference(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }

    /** Waits for a condition, checking it every millisecond, failing after {@link #DEADLINE}. */
    private static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("seed " + SEED + ": timed out waiting for " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
