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
 *   <li>{@code CompressionCodec} and its four subclasses ({@code GzipCodec}, {@code SnappyCodec},
 *       {@code Lz4Codec}, {@code ZstdCodec}): Kafka's per-batch compression, in Kafka's framings,
 *       used by the writer and the cursor; {@link io.runnel.log.core.record.CodecUnavailableException}
 *       when a codec's optional library is missing ({@code docs/COMPRESSION.md}).</li>
 * </ul>
 *
 * <p>Writer, view and cursor are reusable and allocate nothing per record or per uncompressed
 * batch; a compressed batch allocates at most per batch (reused scratch arrays that grow to the
 * largest batch, and what the codec library allocates per call). They use absolute gets and puts
 * and never move a buffer's position or limit. Malformed bytes are reported as
 * {@link io.runnel.log.core.record.InvalidBatchException} with the byte index, which the storage
 * layer turns into {@code CorruptLogException}. The package is not exported.
 */
package io.runnel.log.core.record;
