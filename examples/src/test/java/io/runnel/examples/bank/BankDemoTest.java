package io.runnel.examples.bank;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import io.runnel.examples.DemoRunner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's demo in a child JVM of the running JDK, twice: the second run rebuilds the
 * first run's balances by replay before adding to them, the replay is logged, and nothing is
 * printed as a JVM warning (no JVM flags, no deprecated-API warnings on JDK 24+).
 */
class BankDemoTest {
    @TempDir
    Path dir;

    private String[] run() throws IOException, InterruptedException {
        return DemoRunner.run(BankDemo.class, dir);
    }

    @Test
    void secondRunRebuildsTheFirstRunsBalancesByReplayWithoutJvmWarnings() throws Exception {
        String[] first = run();
        assertTrue(first[0].contains("rebuilt 0 accounts from 0 events by replay"), first[0]);
        assertTrue(first[0].contains("withdraw bob 1000      -> refused: bob has 20, cannot take 1000"), first[0]);
        assertTrue(first[0].contains("transfer alice bob 30  -> ok, alice = 70, bob = 30"), first[0]);
        assertTrue(first[0].contains("balances: {alice=70, bob=20}"), first[0]);

        String[] second = run();
        assertTrue(second[0].contains("rebuilt 2 accounts from 5 events by replay"), second[0]);
        assertTrue(second[0].contains(": {alice=70, bob=20}"), second[0]);
        assertTrue(second[0].contains("open alice             -> refused: account alice is already open"), second[0]);
        assertTrue(second[0].contains("balances: {alice=140, bob=40}"), second[0]);
        assertTrue(second[1].contains("replayed bank-events: 5 records"), "the replay is logged: " + second[1]);
        for (String err : new String[] {first[1], second[1]}) {
            assertFalse(err.contains("WARNING:"), err);
        }
    }
}
