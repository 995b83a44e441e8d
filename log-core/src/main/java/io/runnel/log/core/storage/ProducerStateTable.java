package io.runnel.log.core.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker half of Kafka's idempotent producer, for one partition: per producer id, the last
 * {@value #BATCHES_PER_PRODUCER} batches appended with a sequence number, so that a batch sent
 * again (same producer id, producer epoch and sequence range) is recognised and not appended a
 * second time; its earlier base offset is returned instead.
 *
 * <p>Only duplicates are detected. Unlike Kafka's broker, a gap or a jump in the sequence is not
 * refused ({@code OutOfOrderSequenceException}): in one process a batch cannot be lost in
 * flight, so the sequence is only needed to recognise a batch appended before.
 *
 * <p>The table lives in memory. It starts empty when the partition opens: a producer, and its
 * id, live only as long as the process that created them, and ids are never reused, so no batch
 * appended before a restart can be sent again by its producer afterwards. It keeps the
 * {@value #MAX_PRODUCERS} producer ids that appended most recently; an id evicted from it (idle
 * while that many others wrote) loses its duplicate detection.
 *
 * <p>Not thread-safe: used under the partition's append lock.
 */
final class ProducerStateTable {
    /** Batches remembered per producer id: Kafka's limit of in-flight requests per connection. */
    static final int BATCHES_PER_PRODUCER = 5;
    /** Producer ids remembered per partition, least recently appended evicted first. */
    static final int MAX_PRODUCERS = 1024;

    private final Map<Long, Entry> producers = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ProducerStateTable.Entry> eldest) {
            return size() > MAX_PRODUCERS;
        }
    };

    /**
     * The producer that appended last, looked up without the map (whose boxed key would allocate
     * on every append). Skipping the map's access-order update for it changes nothing: no other
     * producer touched the map since it was last looked up there, so it is still the most recent.
     */
    private long lastId = -1;
    private Entry lastEntry;

    private Entry entry(long producerId) {
        if (producerId == lastId && lastEntry != null) {
            return lastEntry;
        }
        Entry e = producers.get(producerId);
        if (e != null) {
            lastId = producerId;
            lastEntry = e;
        }
        return e;
    }

    /**
     * The base offset at which this batch was appended before, if it was.
     *
     * @param producerId   the batch's producer id, at least 0
     * @param epoch        its producer epoch
     * @param baseSequence its base sequence, at least 0
     * @param lastSequence the sequence of its last record
     * @return the earlier base offset, or -1 when the batch is new
     */
    long duplicateOf(long producerId, short epoch, int baseSequence, int lastSequence) {
        Entry e = entry(producerId);
        if (e == null || e.epoch != epoch) {
            return -1;
        }
        for (int i = 0; i < e.size; i++) {
            if (e.baseSequences[i] == baseSequence && e.lastSequences[i] == lastSequence) {
                return e.baseOffsets[i];
            }
        }
        return -1;
    }

    /**
     * Remembers an appended batch; a new epoch forgets the batches of the earlier one.
     *
     * @param producerId   the batch's producer id, at least 0
     * @param epoch        its producer epoch
     * @param baseSequence its base sequence
     * @param lastSequence the sequence of its last record
     * @param baseOffset   the offset it was appended at
     * @param lastOffset   the offset of its last record
     */
    void record(long producerId, short epoch, int baseSequence, int lastSequence, long baseOffset, long lastOffset) {
        Entry e = entry(producerId);
        if (e == null) {
            e = new Entry();
            producers.put(producerId, e);
            lastId = producerId;
            lastEntry = e;
        }
        if (e.epoch != epoch) {
            e.epoch = epoch;
            e.size = 0;
            e.next = 0;
        }
        int i = e.next;
        e.baseSequences[i] = baseSequence;
        e.lastSequences[i] = lastSequence;
        e.baseOffsets[i] = baseOffset;
        e.lastOffsets[i] = lastOffset;
        e.next = (i + 1) % BATCHES_PER_PRODUCER;
        e.size = Math.min(e.size + 1, BATCHES_PER_PRODUCER);
    }

    /**
     * Forgets every batch that reaches {@code endOffset} or beyond: after a truncation they are
     * no longer in the log, so sending one again must append it.
     *
     * @param endOffset the new end offset of the log
     */
    void truncateFromEnd(long endOffset) {
        for (Entry e : producers.values()) {
            int kept = 0;
            for (int k = 0; k < e.size; k++) {
                // Oldest first, so that the ring stays in append order.
                int i = Math.floorMod(e.next - e.size + k, BATCHES_PER_PRODUCER);
                if (e.lastOffsets[i] < endOffset) {
                    e.baseSequences[kept] = e.baseSequences[i];
                    e.lastSequences[kept] = e.lastSequences[i];
                    e.baseOffsets[kept] = e.baseOffsets[i];
                    e.lastOffsets[kept] = e.lastOffsets[i];
                    kept++;
                }
            }
            e.size = kept;
            e.next = kept % BATCHES_PER_PRODUCER;
        }
    }

    /**
     * The sequence of a batch's last record, wrapping past {@link Integer#MAX_VALUE} to 0 as in
     * Kafka.
     *
     * @param baseSequence    the batch's base sequence, at least 0
     * @param lastOffsetDelta its last offset delta
     * @return the last sequence
     */
    static int lastSequence(int baseSequence, int lastOffsetDelta) {
        return (int) (((long) baseSequence + lastOffsetDelta) % (Integer.MAX_VALUE + 1L));
    }

    /** The remembered batches of one producer id: a ring, {@code next} is the slot to write. */
    private static final class Entry {
        short epoch;
        int size;
        int next;
        final int[] baseSequences = new int[BATCHES_PER_PRODUCER];
        final int[] lastSequences = new int[BATCHES_PER_PRODUCER];
        final long[] baseOffsets = new long[BATCHES_PER_PRODUCER];
        final long[] lastOffsets = new long[BATCHES_PER_PRODUCER];
    }
}
