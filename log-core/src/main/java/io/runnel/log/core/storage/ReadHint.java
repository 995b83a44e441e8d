package io.runnel.log.core.storage;

/**
 * Where a reader's last {@link PartitionLog#read read} of a partition ended: the segment, the
 * byte position of the next batch and that batch's offset. A read that starts at that offset
 * again, in the same segment, with no truncation of the log in between, starts at that position
 * instead of looking the offset up in the offset index and scanning batch headers from the
 * entry it finds. A tailing consumer reads every new batch this way in constant time, as a
 * queue's tailer does. Anything else (another offset, a segment rolled, deleted or replaced by
 * compaction, a truncation) falls back to the index lookup; a hint is never needed for a
 * correct read, only for a fast one.
 *
 * <p>Not thread-safe: one per reader, used by the reader's thread only.
 */
public final class ReadHint {
    private LogSegment segment;
    private int position;
    private long offset = -1;
    private long truncations;

    /** Creates a hint that matches no read yet. */
    public ReadHint() {
    }

    /**
     * Where a read of {@code wanted} may start in {@code seg}, or -1 when this hint does not
     * apply.
     *
     * @param seg         the segment the read is about to read from
     * @param wanted      the first offset the read wants
     * @param truncations the log's truncation count now
     * @param limit       the segment's published size
     * @return the byte position, or -1
     */
    int positionIn(LogSegment seg, long wanted, long truncations, int limit) {
        return seg == segment && wanted == offset && truncations == this.truncations && position <= limit
                ? position : -1;
    }

    /**
     * Records where a read ended.
     *
     * @param seg         the segment it ended in
     * @param position    the byte position of the next batch
     * @param next        the offset of the next batch
     * @param truncations the log's truncation count when the read started
     */
    void remember(LogSegment seg, int position, long next, long truncations) {
        this.segment = seg;
        this.position = position;
        this.offset = next;
        this.truncations = truncations;
    }

    /** Forgets the last read (the reader moved elsewhere, or let go of the partition). */
    public void clear() {
        segment = null;
        offset = -1;
    }
}
