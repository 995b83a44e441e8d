package io.runnel.log.core.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import io.runnel.log.CommitLog;
import io.runnel.log.Consumer;
import io.runnel.log.ConsumerConfig;
import io.runnel.log.GroupDescription;
import io.runnel.log.GroupState;
import io.runnel.log.Serdes;
import io.runnel.log.TopicPartition;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance 2, commits survive {@code kill -9}: a child JVM ({@link CommittingConsumer}) commits
 * the offset {@code seq} for all {@value #PARTITIONS} partitions of its topic in each
 * {@code commitSync} and prints each acknowledged one; at a random moment it is killed with
 * SIGKILL. On reopen, for every round:
 * <ul>
 *   <li>all partitions have the same committed offset: no commit is torn;</li>
 *   <li>it is the last acknowledged {@code seq} or the one after (in flight when killed, and
 *       already in the OS): no acknowledged commit is lost;</li>
 *   <li>the group is described as empty with those commits, and the next child resumes after them.</li>
 * </ul>
 * Rounds share one directory and alternate the flush policies none, always, every 100. The kill
 * points come from a printed seed ({@code -Dcrash.seed=<seed>}).
 */
@Tag("slow")
class GroupCommitKillNineTest {
    static final int PARTITIONS = 12;
    static final int ROUNDS = 6;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    @Test
    void acknowledgedCommitsSurviveKillNineAndNoneIsTorn() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("GroupCommitKillNineTest seed " + seed + " (-Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = tmp.resolve("log");
        long previous = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String policy = KillNineRecoveryTest.POLICIES[round % KillNineRecoveryTest.POLICIES.length];
            int killAfter = 1 + random.nextInt(round % 2 == 0 ? 50 : 3000);
            long lastAcked;
            try (ChildJvm child = ChildJvm.start(CommittingConsumer.class, tmp.resolve("child-" + round + ".err"),
                    dir.toString(), policy, Integer.toString(PARTITIONS))) {
                String ready = child.nextLine(TIMEOUT);
                if (ready == null || !ready.startsWith("READY ")) {
                    fail("round " + round + ": child printed " + ready + "\n" + child.stderrText());
                }
                long first = Long.parseLong(ready.substring(6));
                assertEquals(previous + 1, first, "round " + round + ": the child resumes after the last commit");
                lastAcked = first - 1;
                for (int i = 0; i < killAfter; i++) {
                    lastAcked = acked(child.nextLine(TIMEOUT), child);
                }
                child.kill9(TIMEOUT);
                for (String line : child.drain(TIMEOUT)) {
                    lastAcked = acked(line, child); // printed before the kill, still in the pipe
                }
            }
            try (CommitLog log = CommitLog.open(dir);
                 Consumer<String, String> c = log.consumer(ConsumerConfig.builder().groupId(CommittingConsumer.GROUP)
                         .build(), Serdes.string(), Serdes.string())) {
                Set<Long> committed = new HashSet<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    OptionalLong o = c.committed(new TopicPartition(CommittingConsumer.TOPIC, p));
                    assertTrue(o.isPresent(), "round " + round + " (" + policy + "), partition " + p + ": no commit");
                    committed.add(o.getAsLong());
                }
                assertEquals(1, committed.size(), "round " + round + " (" + policy + "): a torn commit " + committed);
                long got = committed.iterator().next();
                assertTrue(got == lastAcked || got == lastAcked + 1, "round " + round + " (" + policy
                        + "): committed " + got + " but the last acknowledged commit was " + lastAcked);
                GroupDescription d = log.describeGroup(CommittingConsumer.GROUP).orElseThrow();
                assertEquals(GroupState.EMPTY, d.state());
                assertEquals(PARTITIONS, d.offsets().size());
                previous = got;
                System.out.println("round " + round + " (" + policy + "): killed after " + lastAcked
                        + " acknowledged, recovered " + got);
            }
        }
    }

    private static long acked(String line, ChildJvm child) {
        if (line == null || !line.startsWith("COMMITTED ")) {
            fail("child printed " + line + "\n" + child.stderrText());
        }
        return Long.parseLong(line.substring("COMMITTED ".length()));
    }
}
