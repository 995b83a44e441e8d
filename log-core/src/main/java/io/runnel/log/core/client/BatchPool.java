package io.runnel.log.core.client;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * The idle batches of one producer, shared by its partitions, so that a batch's 16 KiB buffer
 * (at the default {@code batch.size}) is reused rather than allocated again. Batches are kept by
 * capacity (a topic whose {@code max.message.bytes} is below {@code batch.size} has smaller
 * ones), at most {@value #MAX_IDLE} of them in all: enough for a partition whose senders are
 * held back by its backlog ({@link PartitionBatcher#MAX_DUE_BATCHES} batches due, as many being
 * appended, and the open one), and a bound on what an idle producer holds, whatever the number
 * of partitions it wrote to.
 *
 * <p>Thread-safe: {@code synchronized}; taken once per batch, not per record.
 */
final class BatchPool {
    /** Idle batches kept, all capacities together. */
    static final int MAX_IDLE = 2 * PartitionBatcher.MAX_DUE_BATCHES + 2;

    /** One shelf per capacity; a producer's topics rarely have more than one or two. */
    private final ArrayList<Shelf> shelves = new ArrayList<>();
    private int count;

    /**
     * An idle batch of this capacity, or a new one.
     *
     * @param capacity the batch capacity in bytes
     * @return a batch, to be started with {@link ProducerBatch#begin}
     */
    synchronized ProducerBatch take(int capacity) {
        ProducerBatch b = shelf(capacity).batches.pollFirst();
        if (b == null) {
            return new ProducerBatch(capacity, true);
        }
        count--;
        return b;
    }

    /**
     * Gives back a batch that was appended (or failed); dropped when the pool is full.
     *
     * @param b a batch from {@link #take}
     */
    synchronized void give(ProducerBatch b) {
        if (count < MAX_IDLE) {
            shelf(b.capacity()).batches.addFirst(b);
            count++;
        }
    }

    private Shelf shelf(int capacity) {
        for (int i = 0; i < shelves.size(); i++) {
            if (shelves.get(i).capacity == capacity) {
                return shelves.get(i);
            }
        }
        Shelf s = new Shelf(capacity);
        shelves.add(s);
        return s;
    }

    /** The idle batches of one capacity. */
    private static final class Shelf {
        final int capacity;
        final ArrayDeque<ProducerBatch> batches = new ArrayDeque<>();

        Shelf(int capacity) {
            this.capacity = capacity;
        }
    }
}
