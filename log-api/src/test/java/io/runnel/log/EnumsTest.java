package io.runnel.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnumsTest {

    @Test
    void compressionTypesCarryKafkasCodecIdsAndNames() {
        assertEquals(0, CompressionType.NONE.id());
        assertEquals(1, CompressionType.GZIP.id());
        assertEquals(2, CompressionType.SNAPPY.id());
        assertEquals(3, CompressionType.LZ4.id());
        assertEquals(4, CompressionType.ZSTD.id());
        assertEquals("snappy", CompressionType.SNAPPY.configName());
        for (CompressionType t : CompressionType.values()) {
            assertEquals(t, CompressionType.forId(t.id()));
            assertEquals(t, CompressionType.forConfigName(t.configName()));
        }
    }

    @Test
    void anUnknownCodecIdIsRefusedWithTheValidRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompressionType.forId(5));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("0 (none) to 4 (zstd)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CompressionType.forId(-1));
    }

    @Test
    void anUnknownCompressionNameIsRefusedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> CompressionType.forConfigName("brotli"));
        assertTrue(e.getMessage().startsWith("compressionType (compression.type)"), e.getMessage());
        assertThrows(InvalidConfigException.class, () -> CompressionType.forConfigName(null));
    }

    @Test
    void cleanupPoliciesCarryKafkasNames() {
        assertEquals("delete", CleanupPolicy.DELETE.configName());
        assertEquals("compact", CleanupPolicy.COMPACT.configName());
        assertEquals(CleanupPolicy.COMPACT, CleanupPolicy.forConfigName("compact"));
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> CleanupPolicy.forConfigName("Compact"));
        assertTrue(e.getMessage().startsWith("cleanupPolicy (cleanup.policy)"), e.getMessage());
    }

    @Test
    void offsetResetHasKafkasThreeChoices() {
        assertEquals(3, OffsetReset.values().length);
        assertEquals(OffsetReset.EARLIEST, OffsetReset.valueOf("EARLIEST"));
    }
}
