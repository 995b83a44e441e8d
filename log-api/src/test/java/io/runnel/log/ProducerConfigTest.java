package io.runnel.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProducerConfigTest {

    @Test
    void defaultsAreKafkasDocumentedDefaults() {
        ProducerConfig c = ProducerConfig.defaults();
        assertEquals(16384, c.batchSize());
        assertEquals(0L, c.lingerMs()); // Kafka's is 5 ms since 4.0; in process 0 (docs/DECISIONS.md)
        assertEquals(CompressionType.NONE, c.compressionType());
        assertEquals(c, ProducerConfig.builder().build());
    }

    @Test
    void negativeBatchSizeIsRejectedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ProducerConfig.builder().batchSize(-1).build());
        assertEquals("batchSize (batch.size) must be >= 0, was -1", e.getMessage());
    }

    @Test
    void negativeLingerIsRejectedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ProducerConfig.builder().lingerMs(-1).build());
        assertTrue(e.getMessage().startsWith("lingerMs (linger.ms) must be >= 0"), e.getMessage());
    }

    @Test
    void nullCompressionTypeIsRejectedNamingTheSetting() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> ProducerConfig.builder().compressionType(null).build());
        assertTrue(e.getMessage().startsWith("compressionType (compression.type) must not be null"), e.getMessage());
    }

    @Test
    void zeroBatchSizeAndLingerAreAccepted() {
        ProducerConfig c = ProducerConfig.builder().batchSize(0).lingerMs(0).build();
        assertEquals(0, c.batchSize());
        assertEquals(0L, c.lingerMs());
    }

    @Test
    void toBuilderRoundTripsEverySetting() {
        ProducerConfig c = ProducerConfig.builder().batchSize(1).lingerMs(2).compressionType(CompressionType.ZSTD).build();
        ProducerConfig copy = c.toBuilder().build();
        assertEquals(c, copy);
        assertEquals(c.hashCode(), copy.hashCode());
        assertEquals(CompressionType.ZSTD, copy.compressionType());
        assertNotEquals(c, c.toBuilder().lingerMs(3).build());
        assertEquals("ProducerConfig[batchSize=1, lingerMs=2, compressionType=zstd]", c.toString());
    }
}
