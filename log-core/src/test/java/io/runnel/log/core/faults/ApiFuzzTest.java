package io.runnel.log.core.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.runnel.log.CommitLog;
import io.runnel.log.CompressionType;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.ConsumerRecord;
import io.runnel.log.CorruptLogException;
import io.runnel.log.Header;
import io.runnel.log.Headers;
import io.runnel.log.InvalidConfigException;
import io.runnel.log.InvalidTopicException;
import io.runnel.log.LogClosedException;
import io.runnel.log.NoOffsetForPartitionException;
import io.runnel.log.OffsetOutOfRangeException;
import io.runnel.log.OffsetReset;
import io.runnel.log.Partition;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RebalanceListener;
import io.runnel.log.RecordMetadata;
import io.runnel.log.RecordTooLargeException;
import io.runnel.log.Serde;
import io.runnel.log.SerializationException;
import io.runnel.log.StorageException;
import io.runnel.log.Topic;
import io.runnel.log.TopicConfig;
import io.runnel.log.TopicExistsException;
import io.runnel.log.TopicPartition;
import io.runnel.log.UnknownTopicException;
import io.runnel.log.WaitStrategy;
import io.runnel.log.WakeupException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API fuzzing (issue 6): four threads call the public API ({@link CommitLog}, {@link Topic},
 * {@link Partition}, {@link Producer}, {@link Consumer}) in seeded random order with random
 * arguments, many of them invalid: nulls, negative and too large partitions, unknown topics,
 * invalid names, records over {@code max.message.bytes}, serdes that throw, seeks out of range,
 * closed producers and consumers, consumers used from the wrong thread, topics deleted under
 * their producers and consumers. Then the log is closed while the threads go on calling.
 *
 * <p>What must hold:
 * <ul>
 *   <li>every exception a call throws, and every exception a send's future completes with, is
 *       one its javadoc documents (per method, listed here next to each call);</li>
 *   <li>after the close, the calls the javadoc says throw {@link LogClosedException} do;</li>
 *   <li>nothing hangs: the threads finish within a deadline, and every send's future completes;</li>
 *   <li>nothing leaks: after the close no mapping, descriptor or Runnel thread is left;</li>
 *   <li>every record a consumer returned from the never-deleted topics is the one acknowledged at
 *       its offset, and the reopened log holds exactly the acknowledged records of those topics,
 *       dense, each at its acknowledged offset.</li>
 * </ul>
 * The seed is printed; {@code -Dfuzz.api.seed=<seed>} replays each thread's choices (thread
 * timing still varies); {@code -Dfuzz.api.ops=<n>} sets the calls per thread.
 */
class ApiFuzzTest {
    private static final long SEED = Long.getLong("fuzz.api.seed", System.nanoTime());
    private static final int OPS = Integer.getInteger("fuzz.api.ops", 2500);
    private static final int OPS_AFTER_CLOSE = 300;
    private static final int THREADS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /** Topics that are never deleted: what was acknowledged in them is checked after a reopen. */
    private static final List<String> STABLE = List.of("stable-0", "stable-1");
    private static final List<String> CHURN = List.of("churn-a", "churn-b");
    private static final List<String> GROUPS = List.of("g1", "g2");
    private static final int MAX_MESSAGE_BYTES = 2048;
    /** A value the fuzz serde refuses to serialise. */
    private static final String UNSERIALISABLE = "boom";
    /** Values starting with this fail the fuzz serde's deserialisation. */
    private static final String UNDESERIALISABLE = "undeserialisable";

    @TempDir
    Path dir;

    private volatile CommitLog log;
    private final Ledger ledger = new Ledger();
    private final List<Producer<String, String>> producers = new CopyOnWriteArrayList<>();
    private final List<Consumer<String, String>> allConsumers = new CopyOnWriteArrayList<>();
    private final List<Topic> seenTopics = new CopyOnWriteArrayList<>();
    private final List<Partition> seenPartitions = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CompletableFuture<RecordMetadata>> futures = new ConcurrentLinkedQueue<>();
    /** Records consumers returned from stable topics, checked against the ledger at the end. */
    private final ConcurrentLinkedQueue<ConsumerRecord<String, String>> polledStable = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> thrown = new ConcurrentHashMap<>();
    /** Contract violations, the first of each kind (call and exception type). */
    private final Map<String, Throwable> violations = new ConcurrentHashMap<>();
    private volatile boolean logClosed;

    /** UTF-8 strings, except that {@link #UNSERIALISABLE} and {@link #UNDESERIALISABLE}... fail. */
    private static final Serde<String> FUZZ_SERDE = new Serde<>() {
        @Override
        public byte[] serialize(String value) {
            if (UNSERIALISABLE.equals(value)) {
                throw new IllegalArgumentException("the fuzz serde refuses " + value);
            }
            return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(byte[] bytes) {
            String s = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
            if (s != null && s.startsWith(UNDESERIALISABLE)) {
                throw new IllegalArgumentException("the fuzz serde cannot read " + s);
            }
            return s;
        }
    };

    @Test
    void randomCallsWithBadArgumentsFromManyThreadsThrowOnlyDocumentedExceptionsAndKeepAcknowledgedData()
            throws Exception {
        System.out.println("ApiFuzzTest seed " + SEED + " (-Dfuzz.api.seed=" + SEED + "), " + THREADS + " threads x "
                + OPS + " calls");
        Path root = dir.toRealPath().resolve("log");
        log = CommitLog.open(root);
        TopicConfig stable = TopicConfig.builder().partitions(3).maxMessageBytes(MAX_MESSAGE_BYTES).segmentBytes(16 << 10)
                .build();
        for (String t : STABLE) {
            log.createTopic(t, stable);
        }
        Random master = new Random(SEED);
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            callers.add(new Caller(i, new Random(master.nextLong())));
        }

        try (CapturedStderr logs = new CapturedStderr()) {
            try {
                runThreads(callers, OPS, "before close");
                try (Bounded closer = new Bounded("api-fuzz-close")) {
                    closer.run(DEADLINE, "close of the log", () -> log.close());
                }
                logClosed = true;
                runThreads(callers, OPS_AFTER_CLOSE, "after close");
                for (Caller c : callers) {
                    c.closeOwnConsumers();
                }
            } finally {
                if (!violations.isEmpty()) {
                    System.out.println("ApiFuzzTest: the end of the log:\n" + FaultReports.lastLines(logs.text(), 40));
                }
            }
        }

        for (CompletableFuture<RecordMetadata> f : futures) {
            try {
                f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // checked by the send's callback
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("seed " + SEED + ": a send's future did not complete after the log closed");
            }
        }
        if (ProcessResources.available()) {
            assertEquals(List.of(), ProcessResources.mappingsUnder(root), "seed " + SEED + ": mappings left after close");
            assertEquals(List.of(), ProcessResources.descriptorsUnder(root), "seed " + SEED + ": descriptors left");
            assertEquals(List.of(), ProcessResources.runnelThreadsAfter(Duration.ofSeconds(30)),
                    "seed " + SEED + ": threads left after close");
        }
        FaultReports.throwIfAny("ApiFuzzTest seed " + SEED + " (distinct kinds of violation)",
                new ArrayList<>(new TreeMap<>(violations).values()));

        long checked;
        try (CommitLog reopened = CommitLog.open(root)) {
            checked = ledger.checkEverything(reopened, "seed " + SEED + ", reopened");
        }
        for (ConsumerRecord<String, String> r : polledStable) {
            ledger.check(r, "seed " + SEED + ", a record a consumer returned");
        }
        System.out.println("ApiFuzzTest: " + total(calls) + " calls, " + total(thrown) + " exceptions (all documented), "
                + futures.size() + " sends, " + ledger.size() + " acknowledged in the stable topics, " + checked
                + " records checked after reopening, " + polledStable.size() + " polled records checked");
        System.out.println("ApiFuzzTest calls: " + new TreeMap<>(calls));
        System.out.println("ApiFuzzTest exceptions: " + new TreeMap<>(thrown));
        assertTrue(ledger.size() > 0, "some sends were acknowledged");
    }

    private static long total(Map<String, AtomicLong> m) {
        return m.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void runThreads(List<Caller> callers, int ops, String phase) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(callers.size());
        List<Thread> threads = new ArrayList<>();
        for (Caller caller : callers) {
            Thread t = new Thread(() -> {
                try {
                    caller.run(ops);
                } catch (Throwable e) {
                    violation("thread died: " + e.getClass().getName(), new AssertionError("thread " + caller.id + " " + phase + ": " + e, e));
                } finally {
                    done.countDown();
                }
            }, "api-fuzz-" + caller.id);
            threads.add(t);
            t.start();
        }
        if (!done.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("seed " + SEED + ": the calls " + phase + " did not finish in " + DEADLINE
                    + " (a deadlock?)\n" + Bounded.threadDump());
        }
        for (Thread t : threads) {
            t.join(DEADLINE.toMillis());
        }
    }

    /** What a call may throw: the javadoc's {@code @throws} of the method it makes. */
    private static Set<Class<?>> documented(Class<?>... types) {
        return Set.of(types);
    }

    /** One fuzzing thread: its own random choices and its own consumers. */
    private final class Caller {
        final int id;
        final Random rnd;
        final List<Consumer<String, String>> own = new ArrayList<>();
        int sequence;

        Caller(int id, Random rnd) {
            this.id = id;
            this.rnd = rnd;
        }

        void run(int ops) {
            for (int i = 0; i < ops; i++) {
                int dice = rnd.nextInt(100);
                if (dice < 30) {
                    send();
                } else if (dice < 55) {
                    consumerCall();
                } else if (dice < 62) {
                    topicCall();
                } else if (dice < 66) {
                    createTopic();
                } else if (dice < 69) {
                    deleteTopic();
                } else if (dice < 73) {
                    newProducer();
                } else if (dice < 77) {
                    newConsumer();
                } else if (dice < 80) {
                    producerFlushOrClose();
                } else if (dice < 84) {
                    otherThreadsConsumer();
                } else if (dice < 88) {
                    replay();
                } else if (dice < 92) {
                    describe();
                } else if (dice < 96) {
                    stalePartition();
                } else {
                    logLevelCalls();
                }
            }
        }

        void closeOwnConsumers() {
            for (Consumer<String, String> c : own) {
                call("Consumer.close", documented(StorageException.class), c::close);
            }
        }

        /**
         * Makes a call; an exception it throws must be of a documented type. After the log
         * closed, a call listed as closing must throw {@link LogClosedException} (or another
         * documented exception that a bad argument causes first).
         */
        void call(String name, Set<Class<?>> allowed, Bounded.ThrowingRunnable body) {
            calls.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
            try {
                body.run();
            } catch (Throwable t) {
                thrown.computeIfAbsent(name + " " + t.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                if (!isOneOf(t, allowed)) {
                    violation(name + " threw " + t.getClass().getName(), new AssertionError("seed " + SEED + ", thread " + id + ": " + name
                            + " threw " + t + ", which its javadoc does not document (documented: " + names(allowed)
                            + ")", t));
                }
            }
        }

        /** A call that the javadoc says throws LogClosedException once the log is closed. */
        void closing(String name, Set<Class<?>> allowed, Bounded.ThrowingRunnable body) {
            boolean wasClosed = logClosed;
            boolean[] threw = {false};
            call(name, allowed, () -> {
                try {
                    body.run();
                } catch (Throwable t) {
                    threw[0] = true;
                    throw t;
                }
            });
            if (wasClosed && !threw[0]) {
                violation(name + " returned on a closed log", new AssertionError("seed " + SEED + ", thread " + id + ": " + name
                        + " returned normally on a closed log; its javadoc says it throws LogClosedException"));
            }
        }

        // ------------------------------------------------------------------ arguments

        String topicName() {
            int d = rnd.nextInt(20);
            if (d < 8) {
                return STABLE.get(rnd.nextInt(STABLE.size()));
            }
            if (d < 14) {
                return CHURN.get(rnd.nextInt(CHURN.size()));
            }
            return switch (d) {
                case 14 -> "unknown-topic";
                case 15 -> null;
                case 16 -> "";
                case 17 -> rnd.nextBoolean() ? "bad name!" : "..";
                case 18 -> rnd.nextBoolean() ? "__consumer_offsets" : "__internal";
                default -> "x".repeat(250);
            };
        }

        Integer partition() {
            return switch (rnd.nextInt(10)) {
                case 0 -> null;
                case 1 -> -1;
                case 2 -> 99;
                case 3 -> Integer.MAX_VALUE;
                default -> rnd.nextInt(3);
            };
        }

        TopicPartition topicPartition() {
            String t = topicName();
            Integer p = partition();
            if (t == null || p == null) {
                return null;
            }
            return new TopicPartition(t, p); // IAE for a negative partition: documented by TopicPartition
        }

        List<TopicPartition> topicPartitions() {
            List<TopicPartition> out = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                try {
                    out.add(rnd.nextInt(12) == 0 ? null : topicPartition());
                } catch (IllegalArgumentException e) {
                    out.add(new TopicPartition(STABLE.get(0), 0));
                }
            }
            return out;
        }

        long offset() {
            return switch (rnd.nextInt(8)) {
                case 0 -> -1;
                case 1 -> Long.MAX_VALUE;
                case 2 -> 1_000_000;
                default -> rnd.nextInt(200);
            };
        }

        long timestamp() {
            return switch (rnd.nextInt(6)) {
                case 0 -> -5;
                case 1 -> Long.MAX_VALUE;
                case 2 -> 0;
                default -> System.currentTimeMillis() - rnd.nextInt(100_000);
            };
        }

        Duration timeout() {
            return switch (rnd.nextInt(10)) {
                case 0 -> null;
                case 1 -> Duration.ofMillis(-1);
                case 2, 3, 4 -> Duration.ZERO;
                default -> Duration.ofMillis(1 + rnd.nextInt(5));
            };
        }

        String value() {
            return switch (rnd.nextInt(30)) {
                case 0 -> null;
                case 1 -> UNSERIALISABLE;
                case 2 -> "v".repeat(MAX_MESSAGE_BYTES + rnd.nextInt(2000));
                case 3 -> "v".repeat(rnd.nextInt(3) == 0 ? 3 << 20 : 70_000);
                case 4 -> UNDESERIALISABLE + "-" + id + "-" + sequence++;
                default -> "t" + id + "-" + sequence++ + "-" + "p".repeat(rnd.nextInt(200));
            };
        }

        /** An element of a list other threads may change: picked from a snapshot. */
        <T> T pick(List<T> list) {
            List<T> snapshot = new ArrayList<>(list);
            return snapshot.isEmpty() ? null : snapshot.get(rnd.nextInt(snapshot.size()));
        }

        // ------------------------------------------------------------------ producers

        void newProducer() {
            ProducerConfig config;
            try {
                config = ProducerConfig.builder().batchSize(rnd.nextInt(3) == 0 ? -1 : rnd.nextInt(4096))
                        .lingerMs(rnd.nextInt(3)).compressionType(CompressionType.values()[rnd.nextInt(3)]).build();
            } catch (InvalidConfigException e) {
                config = ProducerConfig.builder().build();
            }
            ProducerConfig c = config;
            Serde<String> keys = rnd.nextInt(20) == 0 ? null : FUZZ_SERDE;
            closing("CommitLog.producer", documented(NullPointerException.class, LogClosedException.class), () -> {
                Producer<String, String> p = rnd.nextBoolean() ? log.producer(c, keys, FUZZ_SERDE)
                        : log.producer(keys, FUZZ_SERDE);
                producers.add(p);
                if (producers.size() > 6) {
                    Producer<String, String> old = producers.remove(0);
                    call("Producer.close", documented(), old::close);
                }
            });
        }

        void send() {
            Producer<String, String> p = pick(producers);
            if (p == null) {
                newProducer();
                return;
            }
            ProducerRecord<String, String> record;
            try {
                Headers headers = switch (rnd.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> Headers.of(new Header("h", new byte[] {(byte) id}), new Header("n", null));
                    default -> Headers.empty();
                };
                String topic = rnd.nextInt(10) < 7 ? STABLE.get(rnd.nextInt(STABLE.size())) : topicName();
                Long ts = rnd.nextInt(5) == 0 ? (Long) timestamp() : null;
                record = new ProducerRecord<>(topic, partition(), ts, rnd.nextInt(3) == 0 ? null : "k" + rnd.nextInt(50),
                        value(), headers);
            } catch (NullPointerException | IllegalArgumentException e) {
                // ProducerRecord documents both (null topic, negative partition or timestamp)
                calls.computeIfAbsent("new ProducerRecord", k -> new AtomicLong()).incrementAndGet();
                thrown.computeIfAbsent("new ProducerRecord " + e.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
                return;
            }
            boolean wasClosed = logClosed;
            boolean flushInCallback = rnd.nextInt(50) == 0;
            call("Producer.send", documented(NullPointerException.class), () -> {
                CompletableFuture<RecordMetadata> f = p.send(rnd.nextInt(100) == 0 ? null : record);
                futures.add(f);
                f.whenComplete((md, e) -> onSendCompleted(p, record, md, e, wasClosed, flushInCallback));
            });
        }

        void onSendCompleted(Producer<String, String> p, ProducerRecord<String, String> record, RecordMetadata md,
                             Throwable e, boolean wasClosed, boolean flushInCallback) {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                thrown.computeIfAbsent("Producer.send future " + cause.getClass().getSimpleName(), k -> new AtomicLong())
                        .incrementAndGet();
                if (!isOneOf(cause, documented(UnknownTopicException.class, SerializationException.class,
                        RecordTooLargeException.class, LogClosedException.class, StorageException.class,
                        InvalidTopicException.class, IllegalArgumentException.class))) {
                    violation("send future " + cause.getClass().getName(), new AssertionError("seed " + SEED + ": a send's future failed with " + cause
                            + ", which Producer.send does not document", cause));
                }
                return;
            }
            if (wasClosed) {
                violation("send on a closed log succeeded", new AssertionError("seed " + SEED + ": a send on a closed log succeeded: " + md));
            }
            if (!md.topic().equals(record.topic())
                    || (record.partition() != null && md.partition() != record.partition())) {
                violation("send appended elsewhere", new AssertionError("seed " + SEED + ": " + record + " was appended to " + md));
            }
            if (STABLE.contains(record.topic())) {
                ledger.acknowledged(md, record);
            }
            if (flushInCallback) {
                call("Producer.flush in a callback", documented(LogClosedException.class, IllegalStateException.class),
                        p::flush);
            }
        }

        void producerFlushOrClose() {
            Producer<String, String> p = pick(producers);
            if (p == null) {
                return;
            }
            if (rnd.nextInt(4) == 0) {
                call("Producer.close", documented(), p::close);
            } else {
                call("Producer.flush", documented(LogClosedException.class), p::flush);
            }
        }

        // ------------------------------------------------------------------ consumers

        void newConsumer() {
            ConsumerConfig config;
            try {
                config = ConsumerConfig.builder().groupId(rnd.nextBoolean() ? pick(GROUPS) : null)
                        .autoOffsetReset(OffsetReset.values()[rnd.nextInt(OffsetReset.values().length)])
                        .maxPollRecords(rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(300))
                        .enableAutoCommit(rnd.nextBoolean()).autoCommitIntervalMs(1 + rnd.nextInt(50))
                        .waitStrategy(rnd.nextBoolean() ? WaitStrategy.BLOCKING : WaitStrategy.BACKOFF).build();
            } catch (InvalidConfigException e) {
                config = ConsumerConfig.builder().groupId(pick(GROUPS)).build();
            }
            ConsumerConfig c = config;
            closing("CommitLog.consumer", documented(NullPointerException.class, LogClosedException.class), () -> {
                Consumer<String, String> consumer = log.consumer(rnd.nextInt(30) == 0 ? null : c, FUZZ_SERDE,
                        FUZZ_SERDE);
                own.add(consumer);
                allConsumers.add(consumer);
            });
            if (own.size() > 3) {
                Consumer<String, String> old = own.remove(0);
                call("Consumer.close", documented(StorageException.class), old::close);
            }
        }

        /** A consumer is used by one thread at a time; any method may also find it or its log closed. */
        private Set<Class<?>> consumerDocumented(Class<?>... more) {
            Set<Class<?>> s = new java.util.HashSet<>(Arrays.asList(more));
            s.add(LogClosedException.class);
            s.add(ConcurrentModificationException.class);
            return s;
        }

        void consumerCall() {
            Consumer<String, String> c = pick(own);
            if (c == null) {
                newConsumer();
                return;
            }
            consumerCall(c, "Consumer.");
        }

        /**
         * A consumer method: "every method except wakeup() and close() throws LogClosedException
         * once the consumer or its log is closed", so after the log's close it must throw.
         */
        void consumerMethod(String name, Set<Class<?>> allowed, Bounded.ThrowingRunnable body) {
            closing(name, allowed, body);
        }

        void consumerCall(Consumer<String, String> c, String prefix) {
            switch (rnd.nextInt(14)) {
                case 0 -> {
                    List<String> topics = new ArrayList<>();
                    int n = rnd.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        topics.add(rnd.nextInt(4) == 0 ? topicName() : pick(rnd.nextBoolean() ? STABLE : CHURN));
                    }
                    Collection<String> arg = rnd.nextInt(20) == 0 ? null : topics;
                    if (rnd.nextBoolean()) {
                        consumerMethod(prefix + "subscribe", consumerDocumented(NullPointerException.class,
                                InvalidTopicException.class, InvalidConfigException.class, IllegalStateException.class),
                                () -> c.subscribe(arg));
                    } else {
                        RebalanceListener listener = rnd.nextInt(10) == 0 ? null : new CommittingListener(c);
                        consumerMethod(prefix + "subscribe with listener", consumerDocumented(NullPointerException.class,
                                InvalidTopicException.class, InvalidConfigException.class, IllegalStateException.class),
                                () -> c.subscribe(arg, listener));
                    }
                }
                case 1 -> {
                    List<TopicPartition> tps = topicPartitions();
                    consumerMethod(prefix + "assign", consumerDocumented(NullPointerException.class, UnknownTopicException.class,
                            IllegalStateException.class), () -> c.assign(rnd.nextInt(20) == 0 ? null : tps));
                }
                case 2, 3, 4, 5 -> {
                    Duration timeout = timeout();
                    consumerMethod(prefix + "poll", consumerDocumented(NullPointerException.class, IllegalArgumentException.class,
                            IllegalStateException.class, InvalidConfigException.class, WakeupException.class,
                            NoOffsetForPartitionException.class, OffsetOutOfRangeException.class,
                            SerializationException.class, StorageException.class, CorruptLogException.class,
                            UnknownTopicException.class), () -> {
                                for (ConsumerRecord<String, String> r : c.poll(timeout)) {
                                    if (STABLE.contains(r.topic())) {
                                        polledStable.add(r);
                                    }
                                }
                            });
                }
                case 6 -> {
                    TopicPartition tp = pick(new ArrayList<>(safeAssignment(c)));
                    TopicPartition target = rnd.nextInt(4) == 0 ? safeTopicPartition() : tp;
                    long offset = offset();
                    consumerMethod(prefix + "seek", consumerDocumented(NullPointerException.class, IllegalArgumentException.class,
                            IllegalStateException.class), () -> c.seek(target, offset));
                }
                case 7 -> {
                    List<TopicPartition> tps = rnd.nextBoolean() ? new ArrayList<>(safeAssignment(c)) : topicPartitions();
                    boolean begin = rnd.nextBoolean();
                    consumerMethod(prefix + (begin ? "seekToBeginning" : "seekToEnd"), consumerDocumented(
                            NullPointerException.class, IllegalStateException.class, UnknownTopicException.class),
                            () -> {
                                if (begin) {
                                    c.seekToBeginning(tps);
                                } else {
                                    c.seekToEnd(tps);
                                }
                            });
                }
                case 8 -> {
                    TopicPartition tp = rnd.nextBoolean() ? pick(new ArrayList<>(safeAssignment(c))) : safeTopicPartition();
                    consumerMethod(prefix + "position", consumerDocumented(NullPointerException.class, IllegalStateException.class,
                            NoOffsetForPartitionException.class, UnknownTopicException.class), () -> c.position(tp));
                    consumerMethod(prefix + "lag", consumerDocumented(NullPointerException.class, IllegalStateException.class,
                            NoOffsetForPartitionException.class, UnknownTopicException.class), () -> c.lag(tp));
                }
                case 9 -> consumerMethod(prefix + "commitSync", consumerDocumented(InvalidConfigException.class,
                        IllegalStateException.class, StorageException.class), c::commitSync);
                case 10 -> {
                    Map<TopicPartition, Long> offsets = new HashMap<>();
                    for (TopicPartition tp : topicPartitions()) {
                        if (tp != null) {
                            offsets.put(tp, rnd.nextInt(10) == 0 ? -1L : (long) rnd.nextInt(100));
                        }
                    }
                    consumerMethod(prefix + "commitSync(offsets)", consumerDocumented(NullPointerException.class,
                            IllegalArgumentException.class, InvalidConfigException.class, IllegalStateException.class,
                            UnknownTopicException.class, StorageException.class),
                            () -> c.commitSync(rnd.nextInt(20) == 0 ? null : offsets));
                }
                case 11 -> {
                    TopicPartition tp = safeTopicPartition();
                    consumerMethod(prefix + "committed", consumerDocumented(NullPointerException.class,
                            InvalidConfigException.class), () -> c.committed(tp));
                }
                case 12 -> {
                    Map<TopicPartition, Long> ts = new HashMap<>();
                    for (TopicPartition tp : topicPartitions()) {
                        if (tp != null) {
                            ts.put(tp, timestamp());
                        }
                    }
                    consumerMethod(prefix + "offsetsForTimes", consumerDocumented(NullPointerException.class,
                            IllegalArgumentException.class, UnknownTopicException.class),
                            () -> c.offsetsForTimes(ts));
                }
                default -> consumerMethod(prefix + "assignment", consumerDocumented(), c::assignment);
            }
        }

        Set<TopicPartition> safeAssignment(Consumer<String, String> c) {
            try {
                return c.assignment();
            } catch (LogClosedException | ConcurrentModificationException e) {
                return Set.of();
            }
        }

        TopicPartition safeTopicPartition() {
            try {
                return topicPartition();
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** Another thread's consumer: wake it, close it, or (misuse) call it. */
        void otherThreadsConsumer() {
            Consumer<String, String> c = pick(allConsumers);
            if (c == null) {
                return;
            }
            switch (rnd.nextInt(6)) {
                case 0, 1, 2 -> call("Consumer.wakeup from another thread", documented(), c::wakeup);
                case 3 -> call("Consumer.close from another thread", documented(StorageException.class), c::close);
                default -> consumerCall(c, "Consumer (another thread's).");
            }
        }

        // ------------------------------------------------------------------ topics

        void createTopic() {
            String name = rnd.nextInt(3) > 0 ? pick(CHURN) : topicName();
            if (rnd.nextBoolean()) {
                int partitions = switch (rnd.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> -3;
                    case 2 -> TopicConfig.MAX_PARTITIONS + 1;
                    default -> 1 + rnd.nextInt(3);
                };
                closing("CommitLog.createTopic", documented(NullPointerException.class, InvalidTopicException.class,
                        InvalidConfigException.class, TopicExistsException.class, LogClosedException.class,
                        StorageException.class), () -> log.createTopic(name, partitions));
            } else {
                TopicConfig config;
                try {
                    config = rnd.nextInt(10) == 0 ? null : TopicConfig.builder().partitions(1 + rnd.nextInt(2))
                            .segmentBytes(rnd.nextInt(5) == 0 ? 100 : 4096).maxMessageBytes(MAX_MESSAGE_BYTES).build();
                } catch (InvalidConfigException e) {
                    config = TopicConfig.builder().build();
                }
                TopicConfig c = config;
                closing("CommitLog.createTopic(config)", name == null ? documented(NullPointerException.class)
                        : documented(NullPointerException.class, InvalidTopicException.class,
                                TopicExistsException.class, LogClosedException.class, StorageException.class),
                        () -> log.createTopic(name, c));
            }
        }

        void deleteTopic() {
            String name = rnd.nextInt(3) > 0 ? pick(CHURN) : topicName();
            if (name != null && STABLE.contains(name)) {
                return;
            }
            closing("CommitLog.deleteTopic", name == null ? documented(NullPointerException.class)
                    : documented(InvalidTopicException.class, UnknownTopicException.class, LogClosedException.class,
                            StorageException.class), () -> log.deleteTopic(name));
        }

        void topicCall() {
            String name = topicName();
            java.util.concurrent.atomic.AtomicReference<Optional<Topic>> found =
                    new java.util.concurrent.atomic.AtomicReference<>(Optional.empty());
            closing("CommitLog.topic", documented(NullPointerException.class, LogClosedException.class),
                    () -> found.set(log.topic(name)));
            if (found.get().isEmpty()) {
                return;
            }
            Topic t = found.get().get();
            seenTopics.add(t);
            if (seenTopics.size() > 50) {
                seenTopics.remove(0);
            }
            call("Topic.name/partitionCount/config", documented(), () -> {
                assertEquals(name, t.name());
                assertEquals(t.config().partitions(), t.partitionCount());
            });
            int id = rnd.nextInt(5) == 0 ? -1 : rnd.nextInt(t.partitionCount() + 1);
            call("Topic.partition", documented(UnknownTopicException.class, LogClosedException.class), () -> {
                Partition p = t.partition(id);
                seenPartitions.add(p);
                if (seenPartitions.size() > 50) {
                    seenPartitions.remove(0);
                }
                partitionCalls(p);
            });
        }

        void partitionCalls(Partition p) {
            call("Partition.id", documented(), p::id);
            call("Partition.startOffset/endOffset/sizeInBytes", documented(UnknownTopicException.class,
                    LogClosedException.class), () -> {
                        long start = p.startOffset();
                        long end = p.endOffset();
                        assertTrue(start >= 0 && end >= start, p + ": start " + start + ", end " + end);
                        assertTrue(p.sizeInBytes() >= 0);
                    });
            long ts = timestamp();
            call("Partition.offsetForTimestamp", documented(IllegalArgumentException.class, StorageException.class,
                    UnknownTopicException.class, LogClosedException.class), () -> p.offsetForTimestamp(ts));
        }

        /** A Topic or Partition kept from earlier: its topic may be deleted, or the log closed, since. */
        void stalePartition() {
            if (rnd.nextBoolean()) {
                Partition p = pick(seenPartitions);
                if (p != null) {
                    if (logClosed) {
                        closing("stale Partition.endOffset", documented(UnknownTopicException.class,
                                LogClosedException.class), p::endOffset);
                    }
                    partitionCalls(p);
                }
            } else {
                Topic t = pick(seenTopics);
                if (t != null) {
                    int id = rnd.nextInt(t.partitionCount());
                    if (logClosed) {
                        closing("stale Topic.partition", documented(UnknownTopicException.class,
                                LogClosedException.class), () -> t.partition(id));
                        closing("stale Topic.partitions", documented(UnknownTopicException.class,
                                LogClosedException.class), t::partitions);
                    } else {
                        call("stale Topic.partition", documented(UnknownTopicException.class, LogClosedException.class),
                                () -> t.partition(id));
                        call("stale Topic.partitions", documented(UnknownTopicException.class,
                                LogClosedException.class), t::partitions);
                    }
                }
            }
        }

        void replay() {
            String topic = topicName();
            Map<TopicPartition, Long> from = new HashMap<>();
            if (rnd.nextBoolean()) {
                for (TopicPartition tp : topicPartitions()) {
                    if (tp != null) {
                        from.put(tp, offset());
                    }
                }
            }
            RuntimeException stop = new IllegalStateException("the handler's own exception");
            boolean throwing = rnd.nextInt(5) == 0;
            long[] handled = {0};
            closing("CommitLog.replay", documented(NullPointerException.class, IllegalArgumentException.class,
                    UnknownTopicException.class, OffsetOutOfRangeException.class, SerializationException.class,
                    CorruptLogException.class, LogClosedException.class), () -> {
                        try {
                            log.replay(topic, from, FUZZ_SERDE, FUZZ_SERDE, r -> {
                                if (throwing && handled[0] > 3) {
                                    throw stop;
                                }
                                handled[0]++;
                                if (STABLE.contains(r.topic())) {
                                    polledStable.add(r);
                                }
                            });
                        } catch (IllegalStateException e) {
                            if (e != stop) {
                                throw e;
                            }
                        }
                    });
            closing("CommitLog.replayViews", documented(NullPointerException.class, IllegalArgumentException.class,
                    UnknownTopicException.class, OffsetOutOfRangeException.class, CorruptLogException.class,
                    LogClosedException.class), () -> {
                        long[] bytes = {0};
                        log.replayViews(topic, from, view -> {
                            java.nio.ByteBuffer value = view.value();
                            if (value != null && value.hasRemaining()) {
                                bytes[0] += value.get(value.position()); // touches the mapping
                            }
                        });
                    });
        }

        void describe() {
            if (rnd.nextInt(3) == 0) {
                // Retention and compaction (of __consumer_offsets too) while the other threads work.
                closing("CommitLog.runMaintenance", documented(LogClosedException.class, StorageException.class),
                        log::runMaintenance);
            } else if (rnd.nextBoolean()) {
                closing("CommitLog.describeGroups", documented(LogClosedException.class), log::describeGroups);
            } else {
                String group = rnd.nextInt(5) == 0 ? null : pick(GROUPS);
                closing("CommitLog.describeGroup", documented(NullPointerException.class, LogClosedException.class),
                        () -> log.describeGroup(group));
            }
        }

        void logLevelCalls() {
            closing("CommitLog.topics", documented(LogClosedException.class), log::topics);
            call("CommitLog.directory/isClosed", documented(), () -> {
                log.directory();
                log.isClosed();
            });
        }
    }

    /** Commits in onPartitionsRevoked, as a careful application does. */
    private final class CommittingListener implements RebalanceListener {
        private final Consumer<String, String> consumer;

        CommittingListener(Consumer<String, String> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                consumer.commitSync();
            } catch (LogClosedException | IllegalStateException | StorageException e) {
                thrown.computeIfAbsent("RebalanceListener commitSync " + e.getClass().getSimpleName(),
                        k -> new AtomicLong()).incrementAndGet();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    private void violation(String kind, Throwable t) {
        violations.putIfAbsent(kind, t);
    }

    private static boolean isOneOf(Throwable t, Set<Class<?>> types) {
        if (t instanceof AssertionError) {
            return false;
        }
        for (Class<?> c : types) {
            if (c.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String names(Set<Class<?>> types) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : types) {
            out.add(c.getSimpleName());
        }
        return out.toString();
    }
}
