package io.runnel.log;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlushPolicyTest {

    @Test
    void noneAndAlwaysCarryNoCountOrInterval() {
        assertEquals(FlushPolicy.Kind.NONE, FlushPolicy.none().kind());
        assertEquals(FlushPolicy.Kind.ALWAYS, FlushPolicy.always().kind());
        assertEquals(0L, FlushPolicy.always().messages());
        assertEquals(Duration.ZERO, FlushPolicy.none().interval());
        assertSame(FlushPolicy.none(), FlushPolicy.none());
        assertNotEquals(FlushPolicy.none(), FlushPolicy.always());
    }

    @Test
    void everyMessagesKeepsItsCount() {
        FlushPolicy p = FlushPolicy.everyMessages(1000);
        assertEquals(FlushPolicy.Kind.EVERY_MESSAGES, p.kind());
        assertEquals(1000L, p.messages());
        assertEquals(Duration.ZERO, p.interval());
        assertEquals(p, FlushPolicy.everyMessages(1000));
        assertEquals(p.hashCode(), FlushPolicy.everyMessages(1000).hashCode());
        assertNotEquals(p, FlushPolicy.everyMessages(999));
        assertEquals("FlushPolicy[everyMessages=1000]", p.toString());
    }

    @Test
    void everyIntervalKeepsItsInterval() {
        FlushPolicy p = FlushPolicy.everyInterval(Duration.ofSeconds(1));
        assertEquals(FlushPolicy.Kind.EVERY_INTERVAL, p.kind());
        assertEquals(Duration.ofMillis(1000), p.interval());
        assertEquals(0L, p.messages());
        assertEquals(p, FlushPolicy.everyInterval(Duration.ofMillis(1000)));
        assertNotEquals(p, FlushPolicy.everyInterval(Duration.ofMillis(999)));
        assertEquals("FlushPolicy[everyInterval=PT1S]", p.toString());
    }

    @Test
    void everyMessagesBelowOneIsRejectedNamingTheSettingAndRange() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> FlushPolicy.everyMessages(0));
        assertEquals("everyMessages (flush.messages) must be >= 1, was 0", e.getMessage());
        assertThrows(InvalidConfigException.class, () -> FlushPolicy.everyMessages(-5));
    }

    @Test
    void everyIntervalThatIsNotPositiveIsRejectedNamingTheSetting() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), null}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> FlushPolicy.everyInterval(d));
            assertTrue(e.getMessage().startsWith("everyInterval (flush.ms) must"), e.getMessage());
        }
    }
}
