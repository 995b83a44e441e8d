package io.runnel.log;

/**
 * Receives the records of a {@link CommitLog#replay(String, Serde, Serde, ReplayHandler) replay},
 * deserialised, one call per record. Records of one partition arrive in offset order.
 *
 * <p>An exception thrown by {@link #onRecord} stops the replay at that record and propagates,
 * unwrapped, out of {@code replay}; the records handled before it stay handled.
 *
 * <p>Thread-safety: called only on the thread that called {@code replay}, one call at a time, so
 * an implementation needs no synchronisation of its own for that.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface ReplayHandler<K, V> {

    /**
     * One record of the replay. The record, its key, value and headers are the handler's to keep.
     *
     * @param record the record, never null
     */
    void onRecord(ConsumerRecord<K, V> record);
}
