package io.runnel.log.core.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.OffsetReset;
import io.runnel.log.Producer;
import io.runnel.log.ProducerRecord;
import io.runnel.log.Serdes;
import io.runnel.log.WaitStrategy;

/**
 * The child JVM of {@link WaitStrategyTest#theIdleStrategiesNeedNoJvmFlagAndPrintNoWarning}: uses
 * a consumer of each wait strategy (each waits, reads and commits), started with no JVM flag;
 * prints {@value #DONE} at the end. Its parent fails on any "WARNING" line.
 *
 * <p>Not thread-safe: a single-threaded program.
 */
public final class WaitStrategyChild {
    static final String DONE = "wait strategies done";

    private WaitStrategyChild() {
    }

    /**
     * Runs the child.
     *
     * @param args the log directory
     */
    public static void main(String[] args) {
        try (CommitLog log = CommitLog.open(Path.of(args[0]))) {
            log.createTopic("t", 1);
            Producer<String, String> p = log.producer(Serdes.string(), Serdes.string());
            for (WaitStrategy s : WaitStrategy.values()) {
                try (Consumer<String, String> c = log.consumer(ConsumerConfig.builder().groupId("g-" + s)
                        .waitStrategy(s).autoOffsetReset(OffsetReset.LATEST).build(), Serdes.string(), Serdes.string())) {
                    c.subscribe(List.of("t"));
                    c.poll(Duration.ofMillis(20)); // joins, starts at the end, and waits out its timeout
                    p.send(ProducerRecord.of("t", "k", s.name())).join();
                    int n = 0;
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (n == 0 && System.nanoTime() < deadline) {
                        n = c.poll(Duration.ofMillis(100)).count();
                    }
                    c.commitSync();
                    System.out.println(s + " read " + n);
                }
            }
        }
        System.out.println(DONE);
    }
}
