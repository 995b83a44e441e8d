package io.runnel.log.core.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.runnel.log.TopicPartition;

/**
 * Who owns each partition, as the consumers themselves see it: a consumer owns a partition from
 * its {@code onPartitionsAssigned} to its {@code onPartitionsRevoked} (or lost). Records every
 * moment a partition would have two owners.
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class OwnershipTracker {
    private final Map<TopicPartition, String> owners = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private int handovers;

    synchronized void assigned(String member, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            String before = owners.putIfAbsent(tp, member);
            if (before != null && !before.equals(member)) {
                violations.add(tp + " assigned to " + member + " while " + before + " owns it");
            }
            handovers++;
        }
    }

    synchronized void released(String member, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            String before = owners.get(tp);
            if (member.equals(before)) {
                owners.remove(tp);
            } else {
                violations.add(tp + " revoked from " + member + " but owned by " + before);
            }
        }
    }

    synchronized String owner(TopicPartition tp) {
        return owners.get(tp);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int handovers() {
        return handovers;
    }
}
