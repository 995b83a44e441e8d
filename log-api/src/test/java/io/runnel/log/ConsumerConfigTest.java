package io.runnel.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerConfigTest {

    @Test
    void defaultsAreKafkasDocumentedDefaults() {
        ConsumerConfig c = ConsumerConfig.defaults();
        assertNull(c.groupId());
        assertFalse(c.hasGroupId());
        assertEquals(OffsetReset.LATEST, c.autoOffsetReset());
        assertEquals(500, c.maxPollRecords());
        assertTrue(c.enableAutoCommit());
        assertEquals(5000L, c.autoCommitIntervalMs());
        assertEquals(45000L, c.sessionTimeoutMs());
        assertEquals(PartitionAssignmentStrategy.COOPERATIVE_STICKY, c.partitionAssignmentStrategy());
        assertEquals(WaitStrategy.BLOCKING, c.waitStrategy());
        assertEquals(c, ConsumerConfig.builder().build());
    }

    private static void assertRejected(ConsumerConfig.Builder builder, String expectedStart) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, builder::build);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    @Test
    void blankGroupIdIsRejectedNamingTheSetting() {
        assertRejected(ConsumerConfig.builder().groupId(""), "groupId (group.id) must be null (no group) or not blank");
        assertRejected(ConsumerConfig.builder().groupId(" \t"), "groupId (group.id)");
    }

    @Test
    void nullAutoOffsetResetIsRejectedNamingTheSetting() {
        assertRejected(ConsumerConfig.builder().autoOffsetReset(null), "autoOffsetReset (auto.offset.reset)");
    }

    @Test
    void maxPollRecordsBelowOneIsRejectedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConsumerConfig.builder().maxPollRecords(0).build());
        assertEquals("maxPollRecords (max.poll.records) must be >= 1, was 0", e.getMessage());
    }

    @Test
    void negativeAutoCommitIntervalIsRejectedNamingTheSetting() {
        assertRejected(ConsumerConfig.builder().autoCommitIntervalMs(-1), "autoCommitIntervalMs (auto.commit.interval.ms)");
    }

    @Test
    void sessionTimeoutBelowOneIsRejectedNamingTheSetting() {
        assertRejected(ConsumerConfig.builder().sessionTimeoutMs(0), "sessionTimeoutMs (session.timeout.ms)");
    }

    @Test
    void nullAssignmentOrWaitStrategyIsRejectedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ConsumerConfig.builder().partitionAssignmentStrategy(null).build());
        assertEquals("partitionAssignmentStrategy (partition.assignment.strategy) must not be null, was null",
                e.getMessage());
        assertRejected(ConsumerConfig.builder().waitStrategy(null), "waitStrategy (Runnel only, no Kafka equivalent)");
    }

    @Test
    void strategiesCarryKafkasProtocolNames() {
        assertEquals("range", PartitionAssignmentStrategy.RANGE.protocolName());
        assertEquals("roundrobin", PartitionAssignmentStrategy.ROUND_ROBIN.protocolName());
        assertEquals("cooperative-sticky", PartitionAssignmentStrategy.COOPERATIVE_STICKY.protocolName());
        for (PartitionAssignmentStrategy s : PartitionAssignmentStrategy.values()) {
            assertEquals(s, PartitionAssignmentStrategy.forProtocolName(s.protocolName()));
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PartitionAssignmentStrategy.forProtocolName("sticky"));
        assertEquals("partitionAssignmentStrategy (partition.assignment.strategy) must be one of range, roundrobin, "
                + "cooperative-sticky, was \"sticky\"", e.getMessage());
        assertThrows(InvalidConfigException.class, () -> PartitionAssignmentStrategy.forProtocolName(null));
    }

    @Test
    void aGroupIdMakesTheConsumerAGroupMember() {
        ConsumerConfig c = ConsumerConfig.builder().groupId("billing").build();
        assertEquals("billing", c.groupId());
        assertTrue(c.hasGroupId());
    }

    @Test
    void toBuilderRoundTripsEverySetting() {
        ConsumerConfig c = ConsumerConfig.builder()
                .groupId("g")
                .autoOffsetReset(OffsetReset.NONE)
                .maxPollRecords(1)
                .enableAutoCommit(false)
                .autoCommitIntervalMs(0)
                .sessionTimeoutMs(1)
                .partitionAssignmentStrategy(PartitionAssignmentStrategy.RANGE)
                .waitStrategy(WaitStrategy.BUSY_SPIN)
                .build();
        ConsumerConfig copy = c.toBuilder().build();
        assertEquals(c, copy);
        assertEquals(c.hashCode(), copy.hashCode());
        assertEquals(OffsetReset.NONE, copy.autoOffsetReset());
        assertFalse(copy.enableAutoCommit());
        assertEquals(PartitionAssignmentStrategy.RANGE, copy.partitionAssignmentStrategy());
        assertEquals(WaitStrategy.BUSY_SPIN, copy.waitStrategy());
        assertNotEquals(c, c.toBuilder().waitStrategy(WaitStrategy.BACKOFF).build());
        assertNotEquals(c, c.toBuilder().partitionAssignmentStrategy(PartitionAssignmentStrategy.ROUND_ROBIN).build());
        assertNotEquals(c, c.toBuilder().groupId(null).build());
        assertTrue(c.toString().contains("groupId=g"), c.toString());
    }
}
