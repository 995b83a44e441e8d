package io.runnel.log;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordsTest {

    @Test
    void producerRecordWithoutTopicIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> ProducerRecord.of(null, "k", "v"));
        assertEquals("topic", e.getMessage());
    }

    @Test
    void producerRecordWithNegativePartitionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProducerRecord<>("t", -1, null, "k", "v", null));
        assertTrue(e.getMessage().contains("partition"), e.getMessage());
    }

    @Test
    void producerRecordWithNegativeTimestampIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProducerRecord<>("t", null, -1L, "k", "v", null));
        assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    }

    @Test
    void producerRecordAcceptsNullOrZeroPartitionAndTimestamp() {
        ProducerRecord<String, String> r = new ProducerRecord<>("t", 0, 0L, "k", "v", null);
        assertEquals(0, r.partition());
        assertEquals(0L, r.timestamp());
    }

    @Test
    void producerRecordWithNullHeadersHasEmptyHeaders() {
        ProducerRecord<String, String> r = new ProducerRecord<>("t", null, null, "k", "v", null);
        assertSame(Headers.empty(), r.headers());
    }

    @Test
    void ofWithKeyAndValueLeavesPartitionAndTimestampToTheProducer() {
        ProducerRecord<String, Long> r = ProducerRecord.of("t", "k", 7L);
        assertEquals("t", r.topic());
        assertEquals("k", r.key());
        assertEquals(7L, r.value());
        assertNull(r.partition());
        assertNull(r.timestamp());
        assertSame(Headers.empty(), r.headers());
    }

    @Test
    void ofWithValueOnlyHasANullKey() {
        ProducerRecord<String, String> r = ProducerRecord.of("t", "v");
        assertNull(r.key());
        assertEquals("v", r.value());
    }

    @Test
    void recordMetadataExposesTopicAndPartitionAndRefusesANegativeOffset() {
        RecordMetadata m = new RecordMetadata(new TopicPartition("t", 3), 42, 1000);
        assertEquals("t", m.topic());
        assertEquals(3, m.partition());
        assertThrows(IllegalArgumentException.class, () -> new RecordMetadata(new TopicPartition("t", 0), -1, 0));
        assertThrows(NullPointerException.class, () -> new RecordMetadata(null, 0, 0));
    }

    @Test
    void consumerRecordKnowsItsTopicPartitionAndNormalisesNullHeaders() {
        ConsumerRecord<String, String> r = new ConsumerRecord<>("t", 2, 5, 100, "k", "v", null);
        assertEquals(new TopicPartition("t", 2), r.topicPartition());
        assertSame(Headers.empty(), r.headers());
        assertThrows(IllegalArgumentException.class, () -> new ConsumerRecord<>("t", -1, 0, 0, "k", "v", null));
        assertThrows(IllegalArgumentException.class, () -> new ConsumerRecord<>("t", 0, -1, 0, "k", "v", null));
        assertThrows(NullPointerException.class, () -> new ConsumerRecord<>(null, 0, 0, 0, "k", "v", null));
    }

    @Test
    void topicPartitionPrintsAsKafkaDoes() {
        assertEquals("t-0", new TopicPartition("t", 0).toString());
        assertEquals("orders.v2-17", new TopicPartition("orders.v2", 17).toString());
        assertThrows(IllegalArgumentException.class, () -> new TopicPartition("t", -1));
    }
}
