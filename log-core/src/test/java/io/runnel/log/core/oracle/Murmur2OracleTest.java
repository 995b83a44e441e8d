package io.runnel.log.core.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.runnel.log.core.client.Murmur2;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Decision 2 of DESIGN.md: Runnel's key partitioner is Kafka's, so a key lands in the partition
 * it would in Kafka. Kafka's {@code Utils.murmur2} (kafka-clients 4.1.0) is the oracle.
 */
class Murmur2OracleTest {
    private static final int[] PARTITION_COUNTS = {1, 2, 3, 7, 16, 100};

    /** Keys that stress the tail handling, sign bits and lengths around the 4-byte blocks. */
    static List<byte[]> edgeCases() {
        List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        for (int length = 1; length <= 12; length++) {
            for (byte fill : new byte[] {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff}) {
                byte[] k = new byte[length];
                Arrays.fill(k, fill);
                keys.add(k);
            }
        }
        for (String s : new String[] {"a", "ab", "abc", "abcd", "abcde", "21", "foobar", "key-0", "ключ",
                "émoji-✓", "a-much-longer-key-that-spans-many-blocks-of-four-bytes"}) {
            keys.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    @Test
    void hashAndPartitionEqualKafkasForEdgeCaseKeys() {
        for (byte[] key : edgeCases()) {
            assertSameAsKafka(key);
        }
    }

    @Test
    void hashAndPartitionEqualKafkasForTenThousandRandomKeysOfLengthZeroToSixtyFour() {
        Random random = new Random(Oracle.seed("Murmur2OracleTest"));
        for (int i = 0; i < 10_000; i++) {
            byte[] key = new byte[random.nextInt(65)];
            random.nextBytes(key);
            assertSameAsKafka(key);
        }
    }

    @Test
    void negativeHashesStillMapToAValidPartitionAsInKafka() {
        // Keys whose hash is negative: the sign bit must be masked, not negated (Math.abs would differ).
        int negatives = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            if (Utils.murmur2(key) < 0) {
                negatives++;
                assertSameAsKafka(key);
            }
        }
        assertTrue(negatives > 100, "negative hashes seen: " + negatives);
    }

    private static void assertSameAsKafka(byte[] key) {
        int kafka = Utils.murmur2(key);
        assertEquals(kafka, Murmur2.hash(key), () -> "murmur2 of " + Arrays.toString(key));
        for (int n : PARTITION_COUNTS) {
            assertEquals(Utils.toPositive(kafka) % n, Murmur2.partition(key, n),
                    () -> "partition of " + Arrays.toString(key) + " among " + n);
        }
    }
}
