package io.runnel.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReplayResultTest {
    private static final Map<TopicPartition, Long> ENDS = Map.of(new TopicPartition("t", 0), 10L);

    @Test
    void endOffsetsAreAnImmutableCopy() {
        Map<TopicPartition, Long> ends = new HashMap<>(ENDS);
        ReplayResult r = new ReplayResult("t", 10, 700, Duration.ofMillis(2), ends);
        ends.put(new TopicPartition("t", 1), 5L);
        assertEquals(ENDS, r.endOffsets());
        assertThrows(UnsupportedOperationException.class, () -> r.endOffsets().put(new TopicPartition("t", 2), 1L));
    }

    @Test
    void recordsPerSecondDividesByTheDurationAndIsZeroForNoTime() {
        assertEquals(5000.0, new ReplayResult("t", 10, 700, Duration.ofMillis(2), ENDS).recordsPerSecond(), 1e-6);
        assertEquals(0.0, new ReplayResult("t", 10, 700, Duration.ZERO, ENDS).recordsPerSecond());
    }

    @Test
    void impossibleValuesAreRefused() {
        assertThrows(NullPointerException.class, () -> new ReplayResult(null, 0, 0, Duration.ZERO, ENDS));
        assertThrows(NullPointerException.class, () -> new ReplayResult("t", 0, 0, null, ENDS));
        assertThrows(NullPointerException.class, () -> new ReplayResult("t", 0, 0, Duration.ZERO, null));
        assertThrows(IllegalArgumentException.class, () -> new ReplayResult("t", -1, 0, Duration.ZERO, ENDS));
        assertThrows(IllegalArgumentException.class, () -> new ReplayResult("t", 0, -1, Duration.ZERO, ENDS));
        assertThrows(IllegalArgumentException.class, () -> new ReplayResult("t", 0, 0, Duration.ofNanos(-1), ENDS));
    }
}
