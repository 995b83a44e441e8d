package io.runnel.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicConfigTest {

    @Test
    void defaultsAreKafkasDocumentedDefaults() {
        TopicConfig c = TopicConfig.defaults();
        assertEquals(1, c.partitions());
        assertEquals(1073741824, c.segmentBytes());
        assertEquals(604800000L, c.segmentMs());
        assertEquals(10485760, c.segmentIndexBytes());
        assertEquals(604800000L, c.retentionMs());
        assertEquals(-1L, c.retentionBytes());
        assertEquals(Set.of(CleanupPolicy.DELETE), c.cleanupPolicy());
        assertEquals(1048588, c.maxMessageBytes());
        assertEquals(4096, c.indexIntervalBytes());
        assertEquals(86400000L, c.deleteRetentionMs());
        assertEquals(0L, c.minCompactionLagMs());
        assertEquals(0.5, c.minCleanableDirtyRatio());
    }

    @Test
    void aFreshBuilderBuildsTheDefaults() {
        assertEquals(TopicConfig.defaults(), TopicConfig.builder().build());
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                bad("partitions (num.partitions)", "was 0", b -> b.partitions(0)),
                bad("partitions (num.partitions)", "was 1000001", b -> b.partitions(1_000_001)),
                bad("segmentBytes (segment.bytes)", "must be >= 1024, was 12", b -> b.segmentBytes(12)),
                bad("segmentMs (segment.ms)", "was 0", b -> b.segmentMs(0)),
                bad("segmentIndexBytes (segment.index.bytes)", "was 11", b -> b.segmentIndexBytes(11)),
                bad("retentionMs (retention.ms)", "was -2", b -> b.retentionMs(-2)),
                bad("retentionBytes (retention.bytes)", "was -2", b -> b.retentionBytes(-2)),
                bad("cleanupPolicy (cleanup.policy)", "was empty", b -> b.cleanupPolicy()),
                bad("cleanupPolicy (cleanup.policy)", "was null", b -> b.cleanupPolicy((CleanupPolicy[]) null)),
                bad("cleanupPolicy (cleanup.policy)", "not contain null",
                        b -> b.cleanupPolicy(CleanupPolicy.DELETE, null)),
                bad("maxMessageBytes (max.message.bytes)", "was 63", b -> b.maxMessageBytes(63)),
                bad("indexIntervalBytes (index.interval.bytes)", "was -1", b -> b.indexIntervalBytes(-1)),
                bad("deleteRetentionMs (delete.retention.ms)", "was -1", b -> b.deleteRetentionMs(-1)),
                bad("minCompactionLagMs (min.compaction.lag.ms)", "was -1", b -> b.minCompactionLagMs(-1)),
                bad("minCleanableDirtyRatio (min.cleanable.dirty.ratio)", "was -0.1",
                        b -> b.minCleanableDirtyRatio(-0.1)),
                bad("minCleanableDirtyRatio (min.cleanable.dirty.ratio)", "was 1.5",
                        b -> b.minCleanableDirtyRatio(1.5)),
                bad("minCleanableDirtyRatio (min.cleanable.dirty.ratio)", "was NaN",
                        b -> b.minCleanableDirtyRatio(Double.NaN)));
    }

    private static Arguments bad(String setting, String detail, UnaryOperator<TopicConfig.Builder> change) {
        return Arguments.of(setting, detail, change);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidSettings")
    void buildRejectsAnOutOfRangeValueNamingTheSetting(String setting, String detail,
                                                       UnaryOperator<TopicConfig.Builder> change) {
        TopicConfig.Builder builder = change.apply(TopicConfig.builder());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, builder::build);
        assertTrue(e.getMessage().startsWith(setting), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    @Test
    void segmentBytesMessageReadsAsDocumented() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> TopicConfig.builder().segmentBytes(12).build());
        assertEquals("segmentBytes (segment.bytes) must be >= 1024, was 12", e.getMessage());
    }

    @Test
    void boundaryValuesAreAccepted() {
        TopicConfig c = TopicConfig.builder()
                .partitions(TopicConfig.MAX_PARTITIONS)
                .segmentBytes(1024)
                .segmentMs(1)
                .segmentIndexBytes(12)
                .retentionMs(-1)
                .retentionBytes(0)
                .maxMessageBytes(64)
                .indexIntervalBytes(0)
                .deleteRetentionMs(0)
                .minCompactionLagMs(0)
                .minCleanableDirtyRatio(1.0)
                .build();
        assertEquals(1_000_000, c.partitions());
        assertEquals(1024, c.segmentBytes());
        assertEquals(TopicConfig.UNLIMITED, c.retentionMs());
        assertEquals(0L, c.retentionBytes());
        assertEquals(1.0, c.minCleanableDirtyRatio());
    }

    @Test
    void toBuilderRoundTripsEverySetting() {
        TopicConfig c = TopicConfig.builder()
                .partitions(12)
                .segmentBytes(4096)
                .segmentMs(1000)
                .segmentIndexBytes(120)
                .retentionMs(-1)
                .retentionBytes(1_000_000)
                .cleanupPolicy(CleanupPolicy.COMPACT, CleanupPolicy.DELETE)
                .maxMessageBytes(2048)
                .indexIntervalBytes(100)
                .deleteRetentionMs(5)
                .minCompactionLagMs(6)
                .minCleanableDirtyRatio(0.25)
                .build();
        TopicConfig copy = c.toBuilder().build();
        assertEquals(c, copy);
        assertEquals(c.hashCode(), copy.hashCode());
        assertEquals(c.toString(), copy.toString());
        assertEquals(EnumSet.allOf(CleanupPolicy.class), copy.cleanupPolicy());
        assertEquals(0.25, copy.minCleanableDirtyRatio());
    }

    @Test
    void configsThatDifferInOneSettingAreNotEqual() {
        TopicConfig a = TopicConfig.defaults();
        assertNotEquals(a, a.toBuilder().minCleanableDirtyRatio(0.6).build());
        assertNotEquals(a, a.toBuilder().cleanupPolicy(CleanupPolicy.COMPACT).build());
        assertNotEquals(a, a.toBuilder().partitions(2).build());
    }

    @Test
    void cleanupPolicyIsAnImmutableCopyWithoutRepeats() {
        CleanupPolicy[] given = {CleanupPolicy.COMPACT, CleanupPolicy.COMPACT};
        TopicConfig.Builder builder = TopicConfig.builder().cleanupPolicy(given);
        given[0] = CleanupPolicy.DELETE;
        TopicConfig c = builder.build();
        assertEquals(Set.of(CleanupPolicy.COMPACT), c.cleanupPolicy());
        assertThrows(UnsupportedOperationException.class, () -> c.cleanupPolicy().add(CleanupPolicy.DELETE));
        assertThrows(UnsupportedOperationException.class,
                () -> TopicConfig.DEFAULT_CLEANUP_POLICY.add(CleanupPolicy.COMPACT));
    }

    @Test
    void changingTheBuilderAfterBuildDoesNotChangeTheConfig() {
        TopicConfig.Builder builder = TopicConfig.builder().partitions(3);
        TopicConfig c = builder.build();
        builder.partitions(5);
        assertEquals(3, c.partitions());
        assertEquals(5, builder.build().partitions());
    }

    @Test
    void defaultsIsOneSharedInstance() {
        assertSame(TopicConfig.defaults(), TopicConfig.defaults());
    }

    @Test
    void toStringNamesTheSettings() {
        String s = TopicConfig.builder().cleanupPolicy(CleanupPolicy.COMPACT).build().toString();
        assertTrue(s.contains("segmentBytes=1073741824"), s);
        assertTrue(s.contains("cleanupPolicy=[compact]"), s);
    }
}
