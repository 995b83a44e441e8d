package io.runnel.log.core.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.IntStream;

import io.runnel.log.PartitionAssignmentStrategy;
import io.runnel.log.TopicPartition;
import io.runnel.log.core.group.PartitionAssignor.Subscription;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The assignors' properties, on fixed examples and on random groups from a printed seed
 * ({@code -Dassignor.seed=<seed>} replays): every partition of a subscribed topic goes to exactly
 * one member that subscribes to it; the same input gives the same output; with one subscription
 * for all, counts differ by at most one; range and round-robin match Kafka's layouts; the sticky
 * assignor moves exactly as many previously owned partitions as the best balanced assignment
 * must, keeps everything when a member leaves, and only takes what a joining member needs.
 */
class AssignorPropertiesTest {

    private static final long SEED = Long.getLong("assignor.seed", System.nanoTime());

    private static Subscription member(String id, String... topics) {
        return new Subscription(id, Set.of(topics));
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    private static Map<String, Integer> counts(Object... topicAndCount) {
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < topicAndCount.length; i += 2) {
            m.put((String) topicAndCount[i], (Integer) topicAndCount[i + 1]);
        }
        return m;
    }

    private static void assertValid(List<Subscription> members, Map<String, Integer> partitions,
                                    Map<String, SortedSet<TopicPartition>> out, String where) {
        assertEquals(members.stream().map(Subscription::memberId).toList(), List.copyOf(out.keySet()), where);
        Map<TopicPartition, String> owner = new HashMap<>();
        for (Subscription m : members) {
            for (TopicPartition tp : out.get(m.memberId())) {
                assertTrue(m.topics().contains(tp.topic()), where + ": " + tp + " given to non-subscriber " + m);
                String before = owner.put(tp, m.memberId());
                if (before != null) {
                    fail(where + ": " + tp + " given to " + before + " and " + m.memberId());
                }
            }
        }
        for (Map.Entry<String, Integer> e : partitions.entrySet()) {
            boolean subscribed = members.stream().anyMatch(m -> m.topics().contains(e.getKey()));
            for (int p = 0; p < e.getValue(); p++) {
                assertEquals(subscribed, owner.containsKey(tp(e.getKey(), p)), where + ": " + tp(e.getKey(), p));
            }
        }
    }

    private static void assertBalanced(Map<String, SortedSet<TopicPartition>> out, String where) {
        int min = out.values().stream().mapToInt(Set::size).min().orElse(0);
        int max = out.values().stream().mapToInt(Set::size).max().orElse(0);
        assertTrue(max - min <= 1, where + ": counts from " + min + " to " + max + ": " + out);
    }

    @Test
    void rangeGivesEachSubscriberAContiguousRangeWithTheRemainderFirst() {
        List<Subscription> members = List.of(member("c1", "a", "b"), member("c2", "a", "b"), member("c3", "a"));
        Map<String, SortedSet<TopicPartition>> out = new RangeAssignor().assign(members, counts("a", 7, "b", 3), Map.of());
        assertEquals(Set.of(tp("a", 0), tp("a", 1), tp("a", 2), tp("b", 0), tp("b", 1)), out.get("c1"));
        assertEquals(Set.of(tp("a", 3), tp("a", 4), tp("b", 2)), out.get("c2"));
        assertEquals(Set.of(tp("a", 5), tp("a", 6)), out.get("c3"));
    }

    @Test
    void roundRobinDealsPartitionsInTopicOrderSkippingNonSubscribers() {
        List<Subscription> members = List.of(member("c1", "a", "b"), member("c2", "b"), member("c3", "a", "b"));
        Map<String, SortedSet<TopicPartition>> out =
                new RoundRobinAssignor().assign(members, counts("a", 3, "b", 3), Map.of());
        // a-0 c1, a-1 c3 (c2 skipped), a-2 c1, b-0 c2, b-1 c3, b-2 c1
        assertEquals(Set.of(tp("a", 0), tp("a", 2), tp("b", 2)), out.get("c1"));
        assertEquals(Set.of(tp("b", 0)), out.get("c2"));
        assertEquals(Set.of(tp("a", 1), tp("b", 1)), out.get("c3"));
    }

    @ParameterizedTest
    @EnumSource(PartitionAssignmentStrategy.class)
    void everyStrategyIsValidDeterministicAndBalancedForOneSharedSubscription(PartitionAssignmentStrategy strategy) {
        System.out.println("assignor seed " + SEED + " (-Dassignor.seed=" + SEED + ")");
        Random r = new Random(SEED);
        PartitionAssignor assignor = PartitionAssignor.of(strategy);
        for (int round = 0; round < 300; round++) {
            String where = strategy + " round " + round + " seed " + SEED;
            int topics = 1 + r.nextInt(3);
            Map<String, Integer> partitions = new TreeMap<>();
            for (int t = 0; t < topics; t++) {
                partitions.put("t" + t, 1 + r.nextInt(12));
            }
            String[] names = partitions.keySet().toArray(new String[0]);
            List<Subscription> members = new ArrayList<>();
            int n = 1 + r.nextInt(8);
            for (int m = 0; m < n; m++) {
                members.add(member("m" + m, names));
            }
            Map<String, Set<TopicPartition>> current = randomCurrent(r, members, partitions);
            Map<String, SortedSet<TopicPartition>> out = assignor.assign(members, partitions, current);
            assertValid(members, partitions, out, where);
            assertEquals(out, assignor.assign(members, partitions, current), where + ": not deterministic");
            if (strategy != PartitionAssignmentStrategy.RANGE || topics == 1) {
                // Range balances per topic, so with several topics the first members may get one more of each.
                assertBalanced(out, where);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(PartitionAssignmentStrategy.class)
    void everyStrategyIsValidForDifferentSubscriptions(PartitionAssignmentStrategy strategy) {
        Random r = new Random(SEED + 1);
        PartitionAssignor assignor = PartitionAssignor.of(strategy);
        for (int round = 0; round < 300; round++) {
            String where = strategy + " round " + round + " seed " + SEED;
            Map<String, Integer> partitions = new TreeMap<>();
            for (int t = 0; t < 4; t++) {
                if (r.nextBoolean()) {
                    partitions.put("t" + t, 1 + r.nextInt(6));
                }
            }
            List<Subscription> members = new ArrayList<>();
            for (int m = 0; m < 1 + r.nextInt(6); m++) {
                Set<String> topics = new HashSet<>();
                for (int t = 0; t < 5; t++) { // t4 never exists: subscriptions may name missing topics
                    if (r.nextInt(3) == 0) {
                        topics.add("t" + t);
                    }
                }
                members.add(new Subscription("m" + m, topics));
            }
            Map<String, Set<TopicPartition>> current = randomCurrent(r, members, partitions);
            Map<String, Integer> existing = new TreeMap<>();
            partitions.forEach((t, c) -> {
                if (members.stream().anyMatch(m -> m.topics().contains(t))) {
                    existing.put(t, c);
                }
            });
            Map<String, SortedSet<TopicPartition>> out = assignor.assign(members, existing, current);
            assertValid(members, existing, out, where);
            assertEquals(out, assignor.assign(members, existing, current), where + ": not deterministic");
        }
    }

    /** A random previous assignment: some members own random partitions (maybe several members the same). */
    private static Map<String, Set<TopicPartition>> randomCurrent(Random r, List<Subscription> members,
                                                                  Map<String, Integer> partitions) {
        Map<String, Set<TopicPartition>> current = new LinkedHashMap<>();
        for (Subscription m : members) {
            if (r.nextInt(4) == 0) {
                continue; // a member that just joined
            }
            Set<TopicPartition> owned = new HashSet<>();
            partitions.forEach((t, c) -> IntStream.range(0, c + 1).forEach(p -> { // c: one that no longer exists
                if (r.nextInt(3) == 0) {
                    owned.add(tp(t, p));
                }
            }));
            current.put(m.memberId(), owned);
        }
        return current;
    }

    @Test
    void stickyMovesOnlyAsManyOwnedPartitionsAsTheBestBalancedAssignmentMust() {
        Random r = new Random(SEED + 2);
        PartitionAssignor sticky = new CooperativeStickyAssignor();
        for (int round = 0; round < 500; round++) {
            String where = "round " + round + " seed " + SEED;
            int partitionCount = 1 + r.nextInt(30);
            Map<String, Integer> partitions = counts("t", partitionCount);
            List<Subscription> members = new ArrayList<>();
            int n = 1 + r.nextInt(7);
            for (int m = 0; m < n; m++) {
                members.add(member("m" + m, "t"));
            }
            // A valid previous assignment (no partition owned twice), possibly unbalanced and partial.
            Map<String, Set<TopicPartition>> current = new LinkedHashMap<>();
            for (Subscription m : members) {
                current.put(m.memberId(), new HashSet<>());
            }
            for (int p = 0; p < partitionCount; p++) {
                int who = r.nextInt(n + 2); // n, n+1: unowned
                if (who < n) {
                    current.get("m" + (r.nextInt(3) == 0 ? 0 : who)).add(tp("t", p)); // skew towards m0
                }
            }
            Map<String, SortedSet<TopicPartition>> out = sticky.assign(members, partitions, current);
            assertValid(members, partitions, out, where);
            assertBalanced(out, where);
            int moved = 0;
            for (Subscription m : members) {
                for (TopicPartition tp : current.get(m.memberId())) {
                    if (!out.get(m.memberId()).contains(tp)) {
                        moved++;
                    }
                }
            }
            assertEquals(leastMoves(current, members, partitionCount), moved, where + ": " + current + " -> " + out);
        }
    }

    /**
     * The fewest owned partitions any balanced assignment moves: members end with {@code q} or
     * {@code q + 1} (exactly {@code P % M} of them with {@code q + 1}); a member keeps at most its
     * quota; the fullest members best take the larger quotas.
     */
    private static int leastMoves(Map<String, Set<TopicPartition>> current, List<Subscription> members, int partitions) {
        int n = members.size();
        int q = partitions / n;
        int extra = partitions % n;
        List<Integer> owned = new ArrayList<>();
        for (Subscription m : members) {
            owned.add(current.get(m.memberId()).size());
        }
        owned.sort((a, b) -> b - a);
        int moves = 0;
        for (int i = 0; i < n; i++) {
            int quota = q + (i < extra ? 1 : 0);
            moves += Math.max(0, owned.get(i) - quota);
        }
        return moves;
    }

    @Test
    void stickyKeepsEveryPartitionWhenAMemberLeavesAndTakesOnlyWhatAJoinerNeeds() {
        PartitionAssignor sticky = new CooperativeStickyAssignor();
        Map<String, Integer> partitions = counts("t", 10);
        List<Subscription> three = List.of(member("a", "t"), member("b", "t"), member("c", "t"));
        Map<String, SortedSet<TopicPartition>> before = sticky.assign(three, partitions, Map.of());
        assertBalanced(before, "three");

        // b leaves: a and c keep all of theirs; b's partitions are shared out.
        List<Subscription> two = List.of(member("a", "t"), member("c", "t"));
        Map<String, SortedSet<TopicPartition>> after = sticky.assign(two, partitions, before);
        assertTrue(after.get("a").containsAll(before.get("a")), after.toString());
        assertTrue(after.get("c").containsAll(before.get("c")), after.toString());
        assertBalanced(after, "two");

        // d joins: it gets 10 / 4 = 2 or 3, and nobody else gains or swaps anything.
        List<Subscription> four = List.of(member("a", "t"), member("b", "t"), member("c", "t"), member("d", "t"));
        Map<String, SortedSet<TopicPartition>> joined = sticky.assign(four, partitions, before);
        for (String m : List.of("a", "b", "c")) {
            assertTrue(before.get(m).containsAll(joined.get(m)), m + " gained: " + joined);
        }
        assertTrue(joined.get("d").size() == 2 || joined.get("d").size() == 3, joined.toString());
        assertBalanced(joined, "four");
    }
}
