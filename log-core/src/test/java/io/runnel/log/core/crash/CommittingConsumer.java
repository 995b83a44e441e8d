package io.runnel.log.core.crash;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

/**
 * The child JVM of {@link GroupCommitKillNineTest}: a group member that owns every partition of
 * the topic and commits, as fast as it can, the same offset {@code seq} for all of them in one
 * {@code commitSync}, with {@code seq} counting up from the last committed one. After each
 * {@code commitSync} returns it prints {@code COMMITTED <seq>}, so every line the parent reads is
 * an acknowledged commit. A torn commit would leave partitions with different offsets.
 *
 * <p>Arguments: log directory, flush policy ({@code none}, {@code always}, {@code every100}),
 * partition count. Prints {@code READY <first seq>} once it owns every partition.
 *
 * <p>Not thread-safe: a single-threaded program.
 */
public final class CommittingConsumer {
    static final String TOPIC = "commits";
    static final String GROUP = "committers";
    /** A runaway guard: the child stops (failing the test) after this many commits. */
    static final long MAX_COMMITS = 2_000_000;

    private CommittingConsumer() {
    }

    /**
     * Runs the child.
     *
     * @param args log directory, flush policy, partition count
     */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int partitions = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        CrashingWriter.haltWhenStdinCloses();
        CommitLog log = CommitLog.builder(dir).flushPolicy(CrashingWriter.policy(args[1])).open();
        if (log.topic(TOPIC).isEmpty()) {
            log.createTopic(TOPIC, partitions);
        }
        Consumer<String, String> c = log.consumer(ConsumerConfig.builder().groupId(GROUP).enableAutoCommit(false).build(),
                Serdes.string(), Serdes.string());
        c.subscribe(List.of(TOPIC));
        while (c.assignment().size() < partitions) {
            c.poll(Duration.ofMillis(100));
        }
        long seq = c.committed(new TopicPartition(TOPIC, 0)).orElse(0) + 1;
        out.println("READY " + seq);
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (long end = seq + MAX_COMMITS; seq < end; seq++) {
            for (int p = 0; p < partitions; p++) {
                offsets.put(new TopicPartition(TOPIC, p), seq);
            }
            c.commitSync(offsets);
            out.println("COMMITTED " + seq);
            if (out.checkError()) {
                Runtime.getRuntime().halt(5);
            }
        }
        out.println("ERROR reached " + MAX_COMMITS + " commits without being killed");
        Runtime.getRuntime().halt(3);
    }
}
