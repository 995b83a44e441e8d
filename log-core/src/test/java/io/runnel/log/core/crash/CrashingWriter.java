package io.runnel.log.core.crash;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.runnel.log.CommitLog;
import io.runnel.log.FlushPolicy;
import io.runnel.log.Producer;
import io.runnel.log.ProducerConfig;
import io.runnel.log.ProducerRecord;
import io.runnel.log.RecordMetadata;
import io.runnel.log.Serdes;
import io.runnel.log.TopicConfig;

/**
 * The child JVM of {@link KillNineRecoveryTest}: opens (recovering) the log, creates the topic on
 * the first run, then appends from {@value #WRITERS} threads until it is killed. After each
 * {@code send(...).join()} returns it prints {@code ACK <partition> <offset> <value> $} and
 * flushes, so every line the parent reads is an acknowledged record.
 *
 * <p>Arguments: log directory, flush policy ({@code none}, {@code always}, {@code every100}),
 * round number, a file that a shutdown hook creates (it must never exist after a
 * {@code kill -9}), and the id of the first writer thread (the others count up from it).
 * Prints {@code OPENING} just before it opens the log and {@code READY} once it is open.
 */
public final class CrashingWriter {
    static final String TOPIC = "crash";
    static final int PARTITIONS = 3;
    static final int WRITERS = 2;
    static final TopicConfig TOPIC_CONFIG = TopicConfig.builder().partitions(PARTITIONS).segmentBytes(64 << 10).build();
    /** A writer stops (and the child exits, failing the test) after this many records: a runaway guard. */
    static final long MAX_SEQ = 500_000;

    private CrashingWriter() {
    }

    static FlushPolicy policy(String name) {
        return switch (name) {
            case "none" -> FlushPolicy.none();
            case "always" -> FlushPolicy.always();
            case "every100" -> FlushPolicy.everyMessages(100);
            default -> throw new IllegalArgumentException("unknown flush policy " + name);
        };
    }

    /**
     * Runs the child.
     *
     * @param args log directory, flush policy, round, shutdown-hook marker file, first writer id
     */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        FlushPolicy policy = policy(args[1]);
        int round = Integer.parseInt(args[2]);
        Path hookMarker = Path.of(args[3]);
        int firstWriter = Integer.parseInt(args[4]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.writeString(hookMarker, "shutdown hook ran in round " + round);
            } catch (IOException e) {
                e.printStackTrace();
            }
        }));
        haltWhenStdinCloses();

        out.println("OPENING");
        CommitLog log = CommitLog.builder(dir).flushPolicy(policy).open();
        if (log.topic(TOPIC).isEmpty()) {
            log.createTopic(TOPIC, TOPIC_CONFIG);
        }
        // linger.ms 0: each writer waits for every send, so a linger would only slow the rounds down;
        // the two writers still share batches when their sends meet.
        Producer<String, String> producer = log.producer(ProducerConfig.builder().lingerMs(0).build(),
                Serdes.string(), Serdes.string());
        out.println("READY");
        for (int w = firstWriter; w < firstWriter + WRITERS; w++) {
            int writer = w;
            Thread t = new Thread(() -> write(producer, round, writer, out), "writer-" + w);
            t.start();
        }
        // main returns; the writers run until the parent kills the JVM.
    }

    private static void write(Producer<String, String> producer, int round, int writer, PrintStream out) {
        try {
            for (long seq = 0; seq < MAX_SEQ; seq++) {
                CrashRecord r = new CrashRecord(round, writer, seq);
                RecordMetadata md = producer.send(ProducerRecord.of(TOPIC, r.key(), r.value())).join();
                out.println("ACK " + md.topicPartition().partition() + " " + md.offset() + " " + r.value() + " $");
                if (out.checkError()) {
                    Runtime.getRuntime().halt(5);
                }
            }
            out.println("ERROR writer " + writer + " reached " + MAX_SEQ + " records without being killed");
        } catch (Throwable e) {
            e.printStackTrace();
            out.println("ERROR writer " + writer + ": " + e);
        }
        // Not System.exit: the parent checks that no shutdown hook ever runs.
        Runtime.getRuntime().halt(3);
    }

    /** End of stdin means the parent (the test JVM) is gone: stop rather than write forever. */
    static void haltWhenStdinCloses() {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                while (in.read() >= 0) {
                    // the parent sends nothing; just wait for the end
                }
            } catch (IOException e) {
                // treat as closed
            }
            Runtime.getRuntime().halt(2);
        }, "stdin-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
