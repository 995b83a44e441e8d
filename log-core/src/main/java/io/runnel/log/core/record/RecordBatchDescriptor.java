package io.runnel.log.core.record;

/**
 * The byte layout of a record batch in Kafka's v2 format (magic 2), the format of every
 * {@code .log} segment (DESIGN.md, decision 1). All multi-byte fields are big-endian; offsets
 * below are relative to the first byte of the batch.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Base Offset                          |   0
 * |                                                               |
 * |                                                               |   4
 * +---------------------------------------------------------------+
 * |                          Batch Length                         |   8
 * +---------------------------------------------------------------+
 * |                     Partition Leader Epoch                    |  12
 * +---------------+-----------------------------------------------+
 * |     Magic     |                    CRC-32C                    |  16
 * +---------------+-------------------------------+---------------+
 * |CRC-32C (cont.)|           Attributes          |Last Off. Delta|  20
 * +---------------+-------------------------------+---------------+
 * |            Last Off. Delta (cont.)            | Base Timestamp|  24
 * +-----------------------------------------------+               |
 * |                     Base Timestamp (cont.)                    |  28
 * |                                               +---------------+
 * |                                               | Max Timestamp |  32
 * +-----------------------------------------------+               |
 * |                     Max Timestamp (cont.)                     |  36
 * |                                               +---------------+
 * |                                               |  Producer Id  |  40
 * +-----------------------------------------------+               |
 * |                      Producer Id (cont.)                      |  44
 * |                                               +---------------+
 * |                                               | Producer Epoch|  48
 * +---------------+-------------------------------+---------------+
 * |    (cont.)    |                 Base Sequence                 |  52
 * +---------------+-----------------------------------------------+
 * |    (cont.)    |                 Records Count                 |  56
 * +---------------+-----------------------------------------------+
 * |    (cont.)    |                  Records ...                  |  60
 * +---------------+                                               |
 * |                              ...                              |
 * </pre>
 *
 * <ul>
 *   <li>{@code batchLength} counts the bytes after itself: the batch occupies
 *       {@link #LOG_OVERHEAD} {@code + batchLength} bytes.</li>
 *   <li>{@code crc} is the CRC-32C (Castagnoli) of the bytes from {@code attributes} to the end
 *       of the batch, stored as an unsigned 32-bit value. {@code baseOffset}, {@code batchLength},
 *       {@code partitionLeaderEpoch} and {@code magic} are outside it, so the base offset and the
 *       leader epoch can be stamped in place without recomputing it.</li>
 *   <li>{@code attributes}: bits 0-2 compression codec (0 none, 1 gzip, 2 snappy, 3 lz4,
 *       4 zstd), bit 3 timestamp type (0 create time, 1 log-append time), bit 4 transactional,
 *       bit 5 control batch, bit 6 delete horizon set (then {@code baseTimestamp} holds it).</li>
 *   <li>{@code lastOffsetDelta} is {@code lastOffset - baseOffset}; compaction may remove
 *       records without changing it.</li>
 *   <li>{@code baseTimestamp} is the first record's timestamp; {@code maxTimestamp} the
 *       largest record timestamp, or the log-append time when bit 3 is set.</li>
 * </ul>
 *
 * <p>Records follow the header (compressed as a whole when the codec is not 0). Each record is,
 * with zig-zag varints as in protobuf (see {@link Varints}):
 *
 * <pre>
 * length          varint   bytes of the record after this field
 * attributes      int8     unused, 0
 * timestampDelta  varlong  timestamp - baseTimestamp
 * offsetDelta     varint   offset - baseOffset
 * keyLength       varint   -1 for a null key
 * key             bytes
 * valueLength     varint   -1 for a null value
 * value           bytes
 * headersCount    varint
 * headers         per header: keyLength varint, key UTF-8 bytes,
 *                             valueLength varint (-1 for null), value bytes
 * </pre>
 *
 * <p>Thread-safe: constants only.
 */
public final class RecordBatchDescriptor {

    /** Offset of {@code baseOffset}, int64. */
    public static final int BASE_OFFSET_OFFSET = 0;
    /** Offset of {@code batchLength}, int32: the bytes of the batch after this field. */
    public static final int BATCH_LENGTH_OFFSET = 8;
    /** Offset of {@code partitionLeaderEpoch}, int32. */
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    /** Offset of {@code magic}, int8. */
    public static final int MAGIC_OFFSET = 16;
    /** Offset of {@code crc}, uint32. */
    public static final int CRC_OFFSET = 17;
    /** Offset of {@code attributes}, int16; the CRC covers the batch from here to its end. */
    public static final int ATTRIBUTES_OFFSET = 21;
    /** Offset of {@code lastOffsetDelta}, int32. */
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    /** Offset of {@code baseTimestamp}, int64. */
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    /** Offset of {@code maxTimestamp}, int64. */
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    /** Offset of {@code producerId}, int64. */
    public static final int PRODUCER_ID_OFFSET = 43;
    /** Offset of {@code producerEpoch}, int16. */
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    /** Offset of {@code baseSequence}, int32. */
    public static final int BASE_SEQUENCE_OFFSET = 53;
    /** Offset of {@code recordsCount}, int32. */
    public static final int RECORDS_COUNT_OFFSET = 57;
    /** Offset of the first record. */
    public static final int RECORDS_OFFSET = 61;

    /** Size of the batch header: a batch without records. */
    public static final int HEADER_SIZE = RECORDS_OFFSET;
    /** Bytes before {@code batchLength} counts: the base offset and the length itself. */
    public static final int LOG_OVERHEAD = 12;
    /** The smallest valid {@code batchLength}: a header without records. */
    public static final int MIN_BATCH_LENGTH = HEADER_SIZE - LOG_OVERHEAD;

    /** The only magic value this codec reads and writes. */
    public static final byte MAGIC_V2 = 2;

    /** {@code producerId} of a batch from a producer that is neither idempotent nor transactional. */
    public static final long NO_PRODUCER_ID = -1L;
    /** {@code producerEpoch} when there is no producer id. */
    public static final short NO_PRODUCER_EPOCH = -1;
    /** {@code baseSequence} when there is no producer id. */
    public static final int NO_SEQUENCE = -1;
    /** {@code partitionLeaderEpoch} when no leader epoch was stamped. */
    public static final int NO_PARTITION_LEADER_EPOCH = -1;
    /** A timestamp that is not known; the only negative timestamp Kafka accepts. */
    public static final long NO_TIMESTAMP = -1L;

    /** Attribute bits 0-2: the compression codec id. */
    public static final int COMPRESSION_CODEC_MASK = 0x07;
    /** Attribute bit 3: set for log-append time, clear for create time. */
    public static final int TIMESTAMP_TYPE_MASK = 0x08;
    /** Attribute bit 4: the batch belongs to a transaction. */
    public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
    /** Attribute bit 5: the batch holds control records (transaction markers). */
    public static final int CONTROL_FLAG_MASK = 0x20;
    /** Attribute bit 6: {@code baseTimestamp} holds the delete horizon set by compaction. */
    public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

    /** Compression codec id of an uncompressed batch. */
    public static final int NO_COMPRESSION = 0;

    /**
     * The smallest value of a record's {@code length} field: attributes, timestamp delta, offset
     * delta, key length, value length and header count of one byte each.
     */
    public static final int MIN_RECORD_BODY_SIZE = 6;

    private RecordBatchDescriptor() {
    }
}
