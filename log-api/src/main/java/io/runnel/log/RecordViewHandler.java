package io.runnel.log;

/**
 * Receives the records of a {@link CommitLog#replayViews(String, RecordViewHandler) replay of
 * views}, read in place from the log's files, one call per record. Records of one partition
 * arrive in offset order.
 *
 * <p><strong>The {@link RecordView} and every buffer from it are valid only until
 * {@link #onRecord} returns</strong>: copy what you keep (see {@link RecordView}).
 *
 * <p>An exception thrown by {@link #onRecord} stops the replay at that record and propagates,
 * unwrapped, out of {@code replayViews}; the records handled before it stay handled.
 *
 * <p>Thread-safety: called only on the thread that called {@code replayViews}, one call at a time,
 * so an implementation needs no synchronisation of its own for that.
 */
@FunctionalInterface
public interface RecordViewHandler {

    /**
     * One record of the replay.
     *
     * @param record a view of the record, valid during this call only; the same object is passed
     *               again, pointing at the next record
     */
    void onRecord(RecordView record);
}
