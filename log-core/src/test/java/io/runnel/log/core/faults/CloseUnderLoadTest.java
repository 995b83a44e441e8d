package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.FlushPolicy;
import io.runnel.log.LogClosedException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code close()} of a log under load (issue 6): producer threads send, consumers poll (one with
 * assigned partitions, two in a group, one of them blocked in a long poll), a thread replays and
 * looks offsets up by time, and the background threads flush and reserve space (small segments
 * roll all the time; the flush policy changes per round). At a seeded random moment the log is
 * closed. Then:
 * <ul>
 *   <li>close returns within its deadline, and every thread stops soon after: a poll waiting up
 *       to a minute ends with {@link LogClosedException}, sends fail through their futures;</li>
 *   <li>every send's future completes: normally (acknowledged) or with
 *       {@link LogClosedException}, nothing else; sends made after the close fail at once;</li>
 *   <li>every record a consumer or the replay returned is the one acknowledged at its offset;</li>
 *   <li>nothing is torn: reopened (trusting the clean-shutdown marker, or, every other round,
 *       with marker and recovery points removed so that every batch is validated), the log
 *       holds exactly the acknowledged records, dense, and recovery truncates nothing;</li>
 *   <li>no Runnel thread is left.</li>
 * </ul>
 * The seed is printed; {@code -Dclose.seed=<seed>} replays the rounds' choices.
 */
class CloseUnderLoadTest {
    private static final long SEED = Long.getLong("close.seed", System.nanoTime());
    private static final int ROUNDS = Integer.getInteger("close.rounds", 12);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String TOPIC = "load";
    private static final int PARTITIONS = 4;
    private static final int PRODUCER_THREADS = 3;

    @TempDir
    Path dir;

    private long acknowledgedTotal;
    private long failedTotal;
    private long polledTotal;
    private long checkedTotal;
    private final Map<String, Integer> policies = new TreeMap<>();

    @Test
    void closeUnderLoadFailsEveryoneFastAndTearsNothing() throws Exception {
        System.out.println("CloseUnderLoadTest seed " + SEED + " (-Dclose.seed=" + SEED + "), " + ROUNDS + " rounds");
        Random rnd = new Random(SEED);
        try (CapturedStderr logs = new CapturedStderr()) {
            for (int round = 0; round < ROUNDS; round++) {
                logs.clear();
                try {
                    round(round, rnd.nextLong());
                } catch (Throwable e) {
                    System.out.println("CloseUnderLoadTest: round " + round + " failed; the end of its log:\n"
                            + FaultReports.lastLines(logs.text(), 40));
                    throw e;
                }
            }
        }
        assertEquals(List.of(), ProcessResources.runnelThreadsAfter(Duration.ofSeconds(30)), "threads left");
        System.out.printf("CloseUnderLoadTest: %d rounds %s, %d sends acknowledged, %d failed with LogClosedException,"
                + " %d records polled or replayed and checked, %d records checked after reopening%n", ROUNDS, policies,
                acknowledgedTotal, failedTotal, polledTotal, checkedTotal);
    }

    /** The four kinds of flush policy in turn, their parameters drawn from the seed. */
    private static FlushPolicy policy(int round, Random rnd) {
        return switch (round % 4) {
            case 0 -> FlushPolicy.none();
            case 1 -> FlushPolicy.everyMessages(1 + rnd.nextInt(100));
            case 2 -> FlushPolicy.everyInterval(Duration.ofMillis(1 + rnd.nextInt(10)));
            default -> FlushPolicy.always();
        };
    }

    private void round(int round, long seed) throws Exception {
        Random rnd = new Random(seed);
        String what = "seed " + SEED + ", round " + round;
        FlushPolicy policy = policy(round, rnd);
        policies.merge(policy.kind().toString(), 1, Integer::sum);
        Path root = dir.resolve("r" + round);
        Ledger ledger = new Ledger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ConsumerRecord<String, String>> seen = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<RecordMetadata>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean closed = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);

        CommitLog log = CommitLog.builder(root).flushPolicy(policy).open();
        log.createTopic(TOPIC, TopicConfig.builder().partitions(PARTITIONS).segmentBytes(8 << 10)
                .indexIntervalBytes(256).build());
        ProducerConfig pc = ProducerConfig.builder().lingerMs(rnd.nextInt(3)).batchSize(rnd.nextInt(2048)).build();
        List<Producer<String, String>> producers = List.of(log.producer(pc, Serdes.string(), Serdes.string()),
                log.producer(Serdes.string(), Serdes.string()));

        for (int w = 0; w < PRODUCER_THREADS; w++) {
            int writer = w;
            Producer<String, String> p = producers.get(w % producers.size());
            threads.add(new Thread(() -> {
                try {
                    started.await();
                    int afterClose = 0;
                    for (int seq = 0; afterClose < 20; seq++) {
                        boolean wasClosed = closed.get();
                        ProducerRecord<String, String> r = new ProducerRecord<>(TOPIC, null, null, "k" + (seq % 97),
                                "r" + round + "-w" + writer + "-" + seq, null);
                        CompletableFuture<RecordMetadata> f = p.send(r);
                        futures.add(f);
                        f.whenComplete((md, e) -> {
                            if (e == null) {
                                ledger.acknowledged(md, r);
                                acked.incrementAndGet();
                            } else {
                                Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                                if (!(cause instanceof LogClosedException)) {
                                    errors.add(new AssertionError(what + ": a send failed with " + cause, cause));
                                }
                                failed.incrementAndGet();
                            }
                        });
                        if (wasClosed) {
                            afterClose++;
                            if (!f.isCompletedExceptionally()) {
                                errors.add(new AssertionError(what + ": a send after close() returned did not fail at"
                                        + " once: " + f));
                            }
                        }
                        if (seq % 64 == 63) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "close-load-producer-" + w));
        }
        // An assigned consumer reading everything, and two group members, one in a long poll.
        threads.add(consumerThread(log, null, Duration.ofMillis(5), started, closed, seen, errors, what));
        threads.add(consumerThread(log, "readers", Duration.ofMillis(5), started, closed, seen, errors, what));
        threads.add(consumerThread(log, "readers", Duration.ofMinutes(1), started, closed, seen, errors, what));
        threads.add(new Thread(() -> replayer(log, started, seen, errors, what), "close-load-replay"));

        threads.forEach(Thread::start);
        started.countDown();
        long target = 100 + rnd.nextInt(policy.kind() == FlushPolicy.Kind.ALWAYS ? 400 : 3000);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (acked.get() < target && errors.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(200_000);
        }
        assertTrue(acked.get() >= target, what + ": " + acked.get() + " of " + target + " sends acknowledged in time");

        try (Bounded closer = new Bounded("close-load-closer")) {
            closer.run(DEADLINE, what + ": close()", log::close);
        }
        closed.set(true);
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
            if (t.isAlive()) {
                throw new AssertionError(what + ": " + t.getName() + " still runs after the close\n"
                        + Bounded.threadDump());
            }
        }
        for (CompletableFuture<RecordMetadata> f : futures) {
            try {
                f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // a LogClosedException, checked by the callback
            } catch (TimeoutException e) {
                throw new AssertionError(what + ": a send's future never completed");
            }
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(what + " (" + policy + "): " + errors.size() + " errors, the first: "
                    + errors.peek(), errors.peek());
            throw e;
        }
        for (ConsumerRecord<String, String> r : seen) {
            ledger.check(r, what + ", a record read while the log was closing");
        }

        boolean fullRecovery = round % 2 == 1;
        if (fullRecovery) {
            Files.delete(root.resolve(".clean-shutdown"));
            Files.delete(root.resolve("recovery-point-offset-checkpoint"));
        }
        try (CommitLog reopened = CommitLog.open(root)) {
            Topic t = reopened.topic(TOPIC).orElseThrow();
            long held = 0;
            for (int p = 0; p < PARTITIONS; p++) {
                held += t.partition(p).endOffset();
            }
            assertEquals(ledger.size(), held, what + (fullRecovery ? " (every batch validated)" : "")
                    + ": the reopened log holds exactly the acknowledged records");
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                checkedTotal += ledger.checkComplete(reopened, tp, what + ", reopened");
            }
        }
        acknowledgedTotal += acked.get();
        failedTotal += failed.get();
        polledTotal += seen.size();
        System.out.printf("CloseUnderLoadTest round %d (%s): closed after %d acknowledged sends, %d failed, %d read%n",
                round, policy, acked.get(), failed.get(), seen.size());
    }

    private static Thread consumerThread(CommitLog log, String group, Duration pollTimeout, CountDownLatch started,
                                         AtomicBoolean closed, ConcurrentLinkedQueue<ConsumerRecord<String, String>> seen,
                                         ConcurrentLinkedQueue<Throwable> errors, String what) {
        return new Thread(() -> {
            ConsumerConfig config = ConsumerConfig.builder().groupId(group).autoOffsetReset(OffsetReset.EARLIEST)
                    .enableAutoCommit(group != null).autoCommitIntervalMs(5).build();
            Consumer<String, String> c;
            try {
                c = log.consumer(config, Serdes.string(), Serdes.string());
            } catch (LogClosedException e) {
                return; // the log closed before this thread got going
            }
            try {
                started.await();
                if (group == null) {
                    List<TopicPartition> all = new ArrayList<>();
                    for (int p = 0; p < PARTITIONS; p++) {
                        all.add(new TopicPartition(TOPIC, p));
                    }
                    c.assign(all);
                } else {
                    c.subscribe(List.of(TOPIC));
                }
                for (;;) {
                    boolean wasClosed = closed.get();
                    for (ConsumerRecord<String, String> r : c.poll(pollTimeout)) {
                        seen.add(r);
                    }
                    if (wasClosed) {
                        errors.add(new AssertionError(what + ": poll returned after close()"));
                        return;
                    }
                }
            } catch (LogClosedException e) {
                return; // what must happen
            } catch (Throwable e) {
                errors.add(new AssertionError(what + ": a consumer of group " + group + " failed with " + e, e));
            } finally {
                c.close();
            }
        }, "close-load-consumer-" + group + "-" + pollTimeout.toMillis());
    }

    /** Replays the topic, through records and through views over the mapping, and looks offsets up by time. */
    private static void replayer(CommitLog log, CountDownLatch started,
                                 ConcurrentLinkedQueue<ConsumerRecord<String, String>> seen,
                                 ConcurrentLinkedQueue<Throwable> errors, String what) {
        try {
            started.await();
            long sink = 0;
            for (int i = 0; ; i++) {
                if (i % 2 == 0) {
                    // Keep a bounded sample to check against the acknowledged records.
                    log.replay(TOPIC, Serdes.string(), Serdes.string(), r -> {
                        if (seen.size() < 200_000) {
                            seen.add(r);
                        }
                    });
                } else {
                    long[] bytes = {0};
                    log.replayViews(TOPIC, view -> {
                        java.nio.ByteBuffer value = view.value();
                        if (value != null && value.hasRemaining()) {
                            bytes[0] += value.get(value.position()); // touches the mapping
                        }
                    });
                    Topic t = log.topic(TOPIC).orElseThrow();
                    sink += bytes[0] + t.partition(i % PARTITIONS).offsetForTimestamp(0).orElse(-1);
                }
            }
        } catch (LogClosedException e) {
            return; // what must happen
        } catch (Throwable e) {
            errors.add(new AssertionError(what + ": the replay failed with " + e, e));
        }
    }
}
