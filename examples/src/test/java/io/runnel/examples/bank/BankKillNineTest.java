package io.runnel.examples.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bank survives {@code kill -9}: a {@link BankShell} in a child JVM gets a burst of random
 * operations and is killed after a random number of answers, while it is still working through
 * the rest; then it is started again, several times. Each start rebuilds the balances by replay,
 * and they must equal exactly the balances of the acknowledged ({@code ok}) operations, as this
 * test computes them with a model of its own; the number of events replayed must equal the number
 * of acknowledged operations. The only other event allowed is the one operation the shell may
 * have appended without getting to print its {@code ok}; the event count says whether it is there,
 * and the balances must then include it. So every acknowledged operation is replayed, and none is
 * invented, lost or doubled.
 *
 * <p>Every answer is also checked against the model's own verdict (ok or refused), so the shell
 * and the model agree on the rules. The seed is printed; run again with {@code -Dbank.seed=N}.
 */
@Tag("slow")
class BankKillNineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int KILLS = 4;
    private static final int BURST = 2000;
    private static final String[] ACCOUNTS = {"alice", "bob", "carol", "dave", "erin", "frank"};
    private static final Pattern READY = Pattern.compile("ready: rebuilt (\\d+) accounts from (\\d+) events by replay.*");

    @TempDir
    Path dir;

    /** The test's own bank: balances and the rules that accept or refuse an operation. */
    static final class Model {
        final Map<String, Long> balances = new TreeMap<>();

        Model copy() {
            Model m = new Model();
            m.balances.putAll(balances);
            return m;
        }

        /** Applies an operation if the rules allow it; returns whether they did. */
        boolean apply(String operation) {
            String[] w = operation.split(" ");
            switch (w[0]) {
                case "open":
                    return balances.putIfAbsent(w[1], 0L) == null;
                case "deposit":
                    if (!balances.containsKey(w[1])) {
                        return false;
                    }
                    balances.merge(w[1], Long.parseLong(w[2]), Long::sum);
                    return true;
                case "withdraw": {
                    long amount = Long.parseLong(w[2]);
                    if (!balances.containsKey(w[1]) || balances.get(w[1]) < amount) {
                        return false;
                    }
                    balances.merge(w[1], -amount, Long::sum);
                    return true;
                }
                case "transfer": {
                    long amount = Long.parseLong(w[3]);
                    if (!balances.containsKey(w[1]) || !balances.containsKey(w[2]) || w[1].equals(w[2])
                            || balances.get(w[1]) < amount) {
                        return false;
                    }
                    balances.merge(w[1], -amount, Long::sum);
                    balances.merge(w[2], amount, Long::sum);
                    return true;
                }
                default:
                    throw new IllegalArgumentException(operation);
            }
        }

        String render() {
            return BankShell.render(balances);
        }
    }

    private static String randomOperation(Random random) {
        String a = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
        String b = ACCOUNTS[random.nextInt(ACCOUNTS.length)];
        int kind = random.nextInt(100);
        if (kind < 8) {
            return "open " + a;
        }
        if (kind < 40) {
            return "deposit " + a + " " + (1 + random.nextInt(200));
        }
        if (kind < 65) {
            return "withdraw " + a + " " + (1 + random.nextInt(150));
        }
        return "transfer " + a + " " + b + " " + (1 + random.nextInt(150));
    }

    @Test
    void everyAcknowledgedOperationIsRebuiltAfterKillNineAndNoneIsInvented() {
        long seed = Long.getLong("bank.seed", System.nanoTime());
        System.out.println("BankKillNineTest seed " + seed + " (-Dbank.seed=" + seed + " to repeat)");
        Random random = new Random(seed);
        Model acknowledged = new Model();
        long events = 0;
        String inFlight = null;
        int inFlightFound = 0;
        int killedMidBurst = 0;
        long acks = 0;
        for (int round = 0; round <= KILLS; round++) {
            try (ShellProcess shell = ShellProcess.start(dir)) {
                String ready = shell.nextLine(TIMEOUT);
                Matcher m = READY.matcher(String.valueOf(ready));
                if (!m.matches()) {
                    fail("round " + round + ": expected the ready line, got " + ready + "\n" + shell.stderr());
                }
                long replayed = Long.parseLong(m.group(2));
                if (inFlight != null && replayed == events + 1) {
                    // Appended before the kill, but its "ok" was never printed: allowed, once.
                    assertTrue(acknowledged.apply(inFlight), inFlight);
                    events++;
                    inFlightFound++;
                }
                assertEquals(events, replayed, "round " + round + " (seed " + seed + "): events replayed,"
                        + " expected one per acknowledged operation" + (inFlight == null ? "" : " (or one more: "
                        + inFlight + ")"));
                assertTrue(shell.nextLine(TIMEOUT).startsWith("commands:"));
                shell.send("balances");
                assertEquals("balances " + acknowledged.render(), shell.nextLine(TIMEOUT),
                        "round " + round + " (seed " + seed + "): balances rebuilt by replay");
                assertEquals(acknowledged.balances.size(), Integer.parseInt(m.group(1)), "accounts rebuilt");
                inFlight = null;
                if (round == KILLS) {
                    shell.closeStdin();
                    assertEquals(0, shell.waitFor(TIMEOUT), shell.stderr());
                    assertFalse(shell.stderr().contains("WARNING:"), shell.stderr());
                    break;
                }

                // A burst of operations, with the model's verdict for each, computed ahead.
                Model predicted = acknowledged.copy();
                List<String> operations = new ArrayList<>();
                List<Boolean> verdicts = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    String op = randomOperation(random);
                    operations.add(op);
                    verdicts.add(predicted.apply(op));
                }
                shell.sendInBackground(operations);
                // Kill in the first half, so that the shell is most likely still busy with the rest.
                int killAfter = 1 + random.nextInt(BURST / 2);
                int answered = 0;
                while (answered < killAfter) {
                    String line = shell.nextLine(TIMEOUT);
                    if (line == null) {
                        fail("round " + round + ": the shell died by itself\n" + shell.stderr());
                    }
                    acks += check(acknowledged, operations.get(answered), verdicts.get(answered), line, round, seed);
                    events += verdicts.get(answered) ? 1 : 0;
                    answered++;
                }
                shell.kill9(TIMEOUT);
                // Answers already in the pipe were printed before the kill: acknowledged too.
                for (String line : shell.drain(TIMEOUT)) {
                    acks += check(acknowledged, operations.get(answered), verdicts.get(answered), line, round, seed);
                    events += verdicts.get(answered) ? 1 : 0;
                    answered++;
                }
                if (answered < BURST) {
                    killedMidBurst++;
                    // The shell may have appended the next operation's event and died before (or while)
                    // printing its answer. Any later one it never read.
                    if (verdicts.get(answered)) {
                        inFlight = operations.get(answered);
                    }
                } else {
                    assertEquals("", shell.tornTail());
                }
            }
        }
        System.out.printf("BankKillNineTest: %d kills (%d in the middle of a burst), %d acknowledged operations,"
                        + " %d events, %d appended but unacknowledged operation(s) found on restart; balances %s%n",
                KILLS, killedMidBurst, acks, events, inFlightFound, acknowledged.render());
        assertTrue(events > 0);
    }

    /** Checks one answer against the model's verdict; applies an acknowledged operation; returns 1 for an ok. */
    private static int check(Model acknowledged, String operation, boolean verdict, String answer, int round,
                             long seed) {
        if (answer.startsWith("ok ")) {
            assertTrue(verdict, "round " + round + " (seed " + seed + "): the shell accepted " + operation
                    + " but the model refuses it: " + answer);
            assertTrue(acknowledged.apply(operation));
            String account = operation.split(" ")[1];
            assertEquals("ok " + account + "=" + acknowledged.balances.get(account), answer, operation);
            return 1;
        }
        if (answer.startsWith("refused: ")) {
            assertFalse(verdict, "round " + round + " (seed " + seed + "): the shell refused " + operation
                    + " but the model accepts it: " + answer);
            return 0;
        }
        fail("round " + round + ": unexpected answer to " + operation + ": " + answer);
        return 0;
    }
}
