package io.runnel.log.core.group;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.runnel.log.TopicPartition;

/**
 * Kafka's round-robin assignment: every partition of every subscribed topic, in topic and
 * partition order, goes to the next member, circling in join order, that subscribes to its topic.
 *
 * <p>Stateless and thread-safe.
 */
final class RoundRobinAssignor implements PartitionAssignor {

    @Override
    public Map<String, SortedSet<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitions,
                                                         Map<String, ? extends Set<TopicPartition>> current) {
        Map<String, SortedSet<TopicPartition>> out = new LinkedHashMap<>();
        for (Subscription m : members) {
            out.put(m.memberId(), new TreeSet<>(ORDER));
        }
        if (members.isEmpty()) {
            return out;
        }
        int next = 0;
        for (Map.Entry<String, Integer> topic : new TreeMap<>(partitions).entrySet()) {
            for (int p = 0; p < topic.getValue(); p++) {
                for (int tries = 0; tries < members.size(); tries++) {
                    Subscription m = members.get(next);
                    next = (next + 1) % members.size();
                    if (m.topics().contains(topic.getKey())) {
                        out.get(m.memberId()).add(new TopicPartition(topic.getKey(), p));
                        break;
                    }
                }
            }
        }
        return out;
    }
}
