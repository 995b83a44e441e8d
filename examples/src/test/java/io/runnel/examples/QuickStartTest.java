package io.runnel.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's demo in a child JVM of the running JDK, twice: it reads back what it wrote,
 * the second run finds the first run's records, and nothing is printed as a JVM warning
 * (no JVM flags, no deprecated-API warnings on JDK 24+).
 */
class QuickStartTest {
    @TempDir
    Path dir;

    private String[] run() throws IOException, InterruptedException {
        return DemoRunner.run(QuickStart.class, dir);
    }

    @Test
    void demoReadsBackItsRecordsAfterReopeningWithoutJvmWarnings() throws Exception {
        String[] first = run();
        assertTrue(first[0].contains("read back 9 records"), first[0]);
        String[] second = run();
        assertTrue(second[0].contains("read back 18 records"), second[0]);
        for (String err : new String[] {first[1], second[1]}) {
            assertFalse(err.contains("WARNING:"), err);
        }
    }
}
