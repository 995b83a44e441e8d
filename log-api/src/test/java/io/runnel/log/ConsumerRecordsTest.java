package io.runnel.log;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerRecordsTest {

    private static final TopicPartition B1 = new TopicPartition("b", 1);
    private static final TopicPartition A0 = new TopicPartition("a", 0);

    private static ConsumerRecord<String, String> rec(TopicPartition tp, long offset) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, 0, null, tp + "@" + offset, null);
    }

    private static ConsumerRecords<String, String> sample() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> map = new LinkedHashMap<>();
        map.put(B1, List.of(rec(B1, 7), rec(B1, 8)));
        map.put(A0, List.of(rec(A0, 0), rec(A0, 1), rec(A0, 5)));
        return new ConsumerRecords<>(map);
    }

    @Test
    void countsRecordsOverAllPartitions() {
        ConsumerRecords<String, String> records = sample();
        assertEquals(5, records.count());
        assertFalse(records.isEmpty());
    }

    @Test
    void iteratesPartitionByPartitionInMapOrderThenByOffset() {
        List<String> seen = new ArrayList<>();
        for (ConsumerRecord<String, String> r : sample()) {
            seen.add(r.value());
        }
        assertEquals(List.of("b-1@7", "b-1@8", "a-0@0", "a-0@1", "a-0@5"), seen);
        assertEquals(List.of(B1, A0), List.copyOf(sample().partitions()));
    }

    @Test
    void groupsRecordsByPartition() {
        ConsumerRecords<String, String> records = sample();
        assertEquals(List.of(rec(A0, 0), rec(A0, 1), rec(A0, 5)), records.records(A0));
        assertTrue(records.records(new TopicPartition("c", 0)).isEmpty());
    }

    @Test
    void isACopyOfTheGivenMapAndLists() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> map = new LinkedHashMap<>();
        List<ConsumerRecord<String, String>> list = new ArrayList<>(List.of(rec(A0, 0)));
        map.put(A0, list);
        ConsumerRecords<String, String> records = new ConsumerRecords<>(map);
        list.add(rec(A0, 1));
        map.put(B1, List.of(rec(B1, 0)));
        assertEquals(1, records.count());
        assertEquals(1, records.partitions().size());
        assertThrows(UnsupportedOperationException.class, () -> records.records(A0).add(rec(A0, 2)));
        assertThrows(UnsupportedOperationException.class, () -> records.partitions().clear());
    }

    @Test
    void partitionsWithoutRecordsAreLeftOut() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> map = new LinkedHashMap<>();
        map.put(A0, List.of());
        map.put(B1, List.of(rec(B1, 3)));
        ConsumerRecords<String, String> records = new ConsumerRecords<>(map);
        assertEquals(List.of(B1), List.copyOf(records.partitions()));
        assertEquals(1, records.count());
    }

    @Test
    void recordsFiledUnderTheWrongPartitionAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConsumerRecords<>(Map.of(A0, List.of(rec(B1, 0)))));
        assertTrue(e.getMessage().contains("b-1") && e.getMessage().contains("a-0"), e.getMessage());
    }

    @Test
    void offsetsThatDoNotIncreaseAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ConsumerRecords<>(Map.of(A0, List.of(rec(A0, 2), rec(A0, 2)))));
        assertThrows(IllegalArgumentException.class,
                () -> new ConsumerRecords<>(Map.of(A0, List.of(rec(A0, 2), rec(A0, 1)))));
    }

    @Test
    void emptyHasNoRecords() {
        ConsumerRecords<String, String> empty = ConsumerRecords.empty();
        assertEquals(0, empty.count());
        assertTrue(empty.isEmpty());
        assertTrue(empty.partitions().isEmpty());
        assertFalse(empty.iterator().hasNext());
        assertSame(ConsumerRecords.<Long, Long>empty(), ConsumerRecords.<String, String>empty());
    }
}
