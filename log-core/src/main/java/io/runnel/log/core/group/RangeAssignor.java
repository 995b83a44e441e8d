package io.runnel.log.core.group;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.runnel.log.TopicPartition;

/**
 * Kafka's range assignment: per topic, its subscribers in join order each get a contiguous range
 * of its partitions, {@code partitions / subscribers} of them, and the first
 * {@code partitions % subscribers} one more.
 *
 * <p>Stateless and thread-safe.
 */
final class RangeAssignor implements PartitionAssignor {

    @Override
    public Map<String, SortedSet<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitions,
                                                         Map<String, ? extends Set<TopicPartition>> current) {
        Map<String, SortedSet<TopicPartition>> out = new LinkedHashMap<>();
        for (Subscription m : members) {
            out.put(m.memberId(), new TreeSet<>(ORDER));
        }
        for (Map.Entry<String, Integer> topic : new TreeMap<>(partitions).entrySet()) {
            List<String> subscribers = new ArrayList<>();
            for (Subscription m : members) {
                if (m.topics().contains(topic.getKey())) {
                    subscribers.add(m.memberId());
                }
            }
            if (subscribers.isEmpty()) {
                continue;
            }
            int n = topic.getValue();
            int per = n / subscribers.size();
            int extra = n % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int count = per + (i < extra ? 1 : 0);
                for (int p = next; p < next + count; p++) {
                    out.get(subscribers.get(i)).add(new TopicPartition(topic.getKey(), p));
                }
                next += count;
            }
        }
        return out;
    }
}
