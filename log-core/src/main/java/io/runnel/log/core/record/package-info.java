/**
 * The record batch codec: Kafka's v2 batch format (magic 2), byte for byte.
 *
 * <ul>
 *   <li>{@link io.runnel.log.core.record.RecordBatchDescriptor}: the layout, as a diagram and
 *       offset constants.</li>
 *   <li>{@link io.runnel.log.core.record.RecordBatchWriter}: encodes one batch into a buffer
 *       region.</li>
 *   <li>{@link io.runnel.log.core.record.RecordBatchView}: a flyweight over a batch in a heap,
 *       direct or mapped buffer; header fields and CRC validation.</li>
 *   <li>{@link io.runnel.log.core.record.RecordCursor}: iterates over the records of a batch,
 *       validating their structure.</li>
 *   <li>{@link io.runnel.log.core.record.Varints}, {@link io.runnel.log.core.record.VarintReader},
 *       {@link io.runnel.log.core.record.Utf8}: the encodings underneath.</li>
 * </ul>
 *
 * <p>Writer, view and cursor are reusable and allocate nothing per record or per batch; they
 * use absolute gets and puts and never move a buffer's position or limit. Malformed bytes are
 * reported as {@link io.runnel.log.core.record.InvalidBatchException} with the byte index, which
 * the storage layer turns into {@code CorruptLogException}. The package is not exported.
 */
package io.runnel.log.core.record;
