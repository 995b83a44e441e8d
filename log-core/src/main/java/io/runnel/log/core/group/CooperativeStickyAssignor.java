package io.runnel.log.core.group;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.runnel.log.TopicPartition;

/**
 * Sticky assignment with as few moves as balance needs (the target of Kafka's
 * {@code cooperative-sticky} assignor):
 * <ol>
 *   <li>every member keeps the partitions of its previous assignment that still exist and that it
 *       still subscribes to;</li>
 *   <li>each partition left without an owner, in topic and partition order, goes to the
 *       subscribed member with the fewest partitions (ties: join order);</li>
 *   <li>while a member has two or more partitions more than another member that could own one of
 *       them, one such partition moves from the member with the most to the member with the
 *       fewest, preferring partitions handed out in step 2 over ones kept in step 1.</li>
 * </ol>
 * When all members subscribe to the same topics the result is balanced (counts differ by at most
 * one) and the number of kept partitions that move is the least any balanced assignment needs.
 * With different subscriptions it is balanced as far as single moves can improve it.
 *
 * <p>Stateless and thread-safe.
 */
final class CooperativeStickyAssignor implements PartitionAssignor {

    @Override
    public Map<String, SortedSet<TopicPartition>> assign(List<Subscription> members, Map<String, Integer> partitions,
                                                         Map<String, ? extends Set<TopicPartition>> current) {
        Map<String, TreeSet<TopicPartition>> out = new LinkedHashMap<>();
        Map<String, Set<String>> topicsOf = new LinkedHashMap<>();
        for (Subscription m : members) {
            out.put(m.memberId(), new TreeSet<>(ORDER));
            topicsOf.put(m.memberId(), m.topics());
        }
        Set<TopicPartition> owned = new HashSet<>();
        Set<TopicPartition> kept = new HashSet<>();
        // 1. Keep what is still valid.
        for (Subscription m : members) {
            Set<TopicPartition> had = current.get(m.memberId());
            if (had == null) {
                continue;
            }
            TreeSet<TopicPartition> sorted = new TreeSet<>(ORDER);
            sorted.addAll(had);
            for (TopicPartition tp : sorted) {
                Integer n = partitions.get(tp.topic());
                if (n != null && tp.partition() < n && m.topics().contains(tp.topic()) && owned.add(tp)) {
                    out.get(m.memberId()).add(tp);
                    kept.add(tp);
                }
            }
        }
        // 2. Hand out the rest, each to the eligible member with the fewest.
        for (Map.Entry<String, Integer> topic : new TreeMap<>(partitions).entrySet()) {
            for (int p = 0; p < topic.getValue(); p++) {
                TopicPartition tp = new TopicPartition(topic.getKey(), p);
                if (owned.contains(tp)) {
                    continue;
                }
                String best = null;
                for (Subscription m : members) {
                    if (m.topics().contains(tp.topic())
                            && (best == null || out.get(m.memberId()).size() < out.get(best).size())) {
                        best = m.memberId();
                    }
                }
                if (best != null) {
                    out.get(best).add(tp);
                    owned.add(tp);
                }
            }
        }
        // 3. Balance by single moves from the fullest to the emptiest.
        while (moveOne(members, out, topicsOf, kept)) {
            // each move lowers the sum of squared counts, so this ends
        }
        return new LinkedHashMap<String, SortedSet<TopicPartition>>(out);
    }

    private static boolean moveOne(List<Subscription> members, Map<String, TreeSet<TopicPartition>> out,
                                   Map<String, Set<String>> topicsOf, Set<TopicPartition> kept) {
        List<String> byCount = new ArrayList<>();
        for (Subscription m : members) {
            byCount.add(m.memberId());
        }
        // Stable sort: ties stay in join order.
        byCount.sort((a, b) -> Integer.compare(out.get(b).size(), out.get(a).size()));
        for (String from : byCount) {
            int fromCount = out.get(from).size();
            for (int j = byCount.size() - 1; j >= 0; j--) {
                String to = byCount.get(j);
                if (out.get(to).size() >= fromCount - 1) {
                    break;
                }
                TopicPartition p = pick(out.get(from), topicsOf.get(to), kept);
                if (p != null) {
                    out.get(from).remove(p);
                    out.get(to).add(p);
                    return true;
                }
            }
        }
        return false;
    }

    /** The partition to move: the last one the receiver may own, preferring one not kept. */
    private static TopicPartition pick(TreeSet<TopicPartition> from, Set<String> receiverTopics,
                                       Set<TopicPartition> kept) {
        TopicPartition fallback = null;
        for (Iterator<TopicPartition> it = from.descendingIterator(); it.hasNext(); ) {
            TopicPartition tp = it.next();
            if (receiverTopics.contains(tp.topic())) {
                if (!kept.contains(tp)) {
                    return tp;
                }
                if (fallback == null) {
                    fallback = tp;
                }
            }
        }
        return fallback;
    }
}
