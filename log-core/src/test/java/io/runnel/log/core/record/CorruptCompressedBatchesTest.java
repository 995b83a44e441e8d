package io.runnel.log.core.record;

import static io.runnel.log.core.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.runnel.log.core.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_COUNT_OFFSET;
import static io.runnel.log.core.record.RecordBatchDescriptor.RECORDS_OFFSET;
import static io.runnel.log.core.record.RecordFixtures.BatchFields;
import static io.runnel.log.core.record.RecordFixtures.TestRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.runnel.log.CompressionType;
import io.runnel.log.Headers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compressed payloads that are damaged under a valid CRC (so that only the codec and the record
 * parser can notice) are refused with {@link InvalidBatchException}, never another exception
 * type and never a hang; payloads that inflate past the limit are refused as zip bombs.
 */
class CorruptCompressedBatchesTest {

    private static final int ITERATIONS = 1_500;

    /** A batch of text-like and random records, compressed by us or by Kafka. */
    private static ByteBuffer sampleBatch(CompressionType codec, boolean kafka, Random random) {
        List<TestRecord> records = new ArrayList<>(CompressedBatchesTest.compressibleRecords(random, 200));
        records.addAll(RecordFixtures.randomRecords(random, 50, true));
        return kafka ? RecordFixtures.writeKafka(BatchFields.plain(0L), records, codec)
                : RecordFixtures.writeOurs(BatchFields.plain(0L), records, codec);
    }

    private static byte[] payload(ByteBuffer batch) {
        byte[] payload = new byte[batch.remaining() - RECORDS_OFFSET];
        batch.get(RECORDS_OFFSET, payload);
        return payload;
    }

    /** The batch's header with another payload, its length and CRC made right again. */
    private static ByteBuffer withPayload(ByteBuffer batch, byte[] payload) {
        ByteBuffer rebuilt = ByteBuffer.allocate(HEADER_SIZE + payload.length);
        rebuilt.put(0, batch, 0, HEADER_SIZE).put(HEADER_SIZE, payload);
        rebuilt.putInt(BATCH_LENGTH_OFFSET, rebuilt.capacity() - LOG_OVERHEAD);
        fixCrc(rebuilt);
        return rebuilt;
    }

    private static void fixCrc(ByteBuffer batch) {
        RecordBatchView view = new RecordBatchView().wrap(batch, 0);
        batch.putInt(CRC_OFFSET, (int) view.computeChecksum());
        assertTrue(view.isValid());
    }

    private static int readAll(RecordCursor cursor, ByteBuffer batch) {
        cursor.reset(new RecordBatchView().wrap(batch, 0));
        int count = 0;
        while (cursor.next()) {
            cursor.key();
            cursor.value();
            cursor.headers();
            count++;
        }
        return count;
    }

    private static String mutate(Random random, byte[] original, byte[][] out) {
        byte[] p = original.clone();
        int at = random.nextInt(p.length);
        switch (random.nextInt(7)) {
            case 0: {
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int index = random.nextInt(p.length);
                    p[index] ^= (byte) (1 << random.nextInt(8));
                }
                out[0] = p;
                return flips + " bit flips";
            }
            case 1: {
                int n = Math.min(p.length - at, 1 + random.nextInt(16));
                for (int i = 0; i < n; i++) {
                    p[at + i] = (byte) random.nextInt(256);
                }
                out[0] = p;
                return n + " random bytes at " + at;
            }
            case 2:
                out[0] = Arrays.copyOf(p, at);
                return "truncated to " + at;
            case 3: {
                int n = 1 + random.nextInt(8);
                byte[] longer = Arrays.copyOf(p, p.length + n);
                for (int i = p.length; i < longer.length; i++) {
                    longer[i] = (byte) random.nextInt(256);
                }
                out[0] = longer;
                return n + " bytes appended";
            }
            case 4: {
                int n = Math.min(p.length - at, 1 + random.nextInt(64));
                byte[] shorter = new byte[p.length - n];
                System.arraycopy(p, 0, shorter, 0, at);
                System.arraycopy(p, at + n, shorter, at, p.length - at - n);
                out[0] = shorter;
                return n + " bytes removed at " + at;
            }
            case 5: {
                int n = Math.min(p.length - at, 1 + random.nextInt(64));
                Arrays.fill(p, at, at + n, (byte) (random.nextBoolean() ? 0 : 0xff));
                out[0] = p;
                return n + " bytes filled at " + at;
            }
            default: {
                int n = Math.min(p.length - at, 1 + random.nextInt(64));
                byte[] longer = new byte[p.length + n];
                System.arraycopy(p, 0, longer, 0, at + n);
                System.arraycopy(p, at, longer, at + n, p.length - at);
                out[0] = longer;
                return n + " bytes repeated at " + at;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void damagedPayloadsUnderAValidCrcAreInvalidBatchesNeverAnotherExceptionNorAHang(CompressionType codec) {
        long seed = RecordFixtures.seed(codec + " damaged payloads");
        Random random = new Random(seed);
        RecordCursor cursor = new RecordCursor(); // one cursor throughout: errors must not spoil it
        int refused = 0;
        int read = 0;
        for (boolean kafka : new boolean[] {false, true}) {
            ByteBuffer original = sampleBatch(codec, kafka, random);
            int records = readAll(cursor, original);
            byte[] payload = payload(original);
            byte[][] mutated = new byte[1][];
            for (int i = 0; i < ITERATIONS; i++) {
                String what = mutate(random, payload, mutated);
                ByteBuffer batch = withPayload(original, mutated[0]);
                try {
                    readAll(cursor, batch);
                    read++;
                } catch (InvalidBatchException e) {
                    refused++;
                    assertTrue(e.index() >= RECORDS_OFFSET - 4 && e.index() <= batch.limit(), e.getMessage());
                } catch (Throwable t) {
                    fail("seed " + seed + ", " + (kafka ? "Kafka's" : "our") + " " + codec + " batch, iteration "
                            + i + ", " + what + ": " + t, t);
                }
                if (i % 100 == 0) {
                    assertEquals(records, readAll(cursor, original), "the cursor still reads a good batch");
                }
            }
        }
        System.out.println(codec + ": " + refused + " damaged payloads refused, " + read
                + " still decoded (damage the codec cannot see, such as a changed literal)");
        assertTrue(refused > ITERATIONS, codec + ": only " + refused + " refused");
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aTruncatedOrPaddedPayloadIsRefused(CompressionType codec) {
        for (boolean kafka : new boolean[] {false, true}) {
            ByteBuffer original = sampleBatch(codec, kafka, new Random(5));
            byte[] payload = payload(original);
            for (byte[] damaged : List.of(Arrays.copyOf(payload, payload.length - 1),
                    Arrays.copyOf(payload, payload.length + 1), Arrays.copyOf(payload, 3), new byte[] {0})) {
                ByteBuffer batch = withPayload(original, damaged);
                InvalidBatchException e = assertThrows(InvalidBatchException.class,
                        () -> readAll(new RecordCursor(), batch), codec + ", " + damaged.length + " bytes");
                assertTrue(e.getMessage().contains(codec.configName()) || e.getMessage().contains("record"),
                        e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void anErrorInTheDecompressedRecordsIsReportedAtThePayloadWithItsIndexInTheRecords(CompressionType codec) {
        ByteBuffer plain = RecordFixtures.writeOurs(BatchFields.plain(0L), List.of(
                new TestRecord(1L, "k".getBytes(), "v".getBytes(), Headers.empty()),
                new TestRecord(2L, "k".getBytes(), "v".getBytes(), Headers.empty())));
        byte[] records = payload(plain);
        int second = records[0] / 2 + 1; // the first record's length is a one-byte zig-zag varint
        records[second] += 2; // the second record's length now overstates it by one
        ByteScratch compressed = new ByteScratch(64);
        int length = CompressionCodec.create(codec, CompressionCodec::classPresent).compress(records, records.length,
                compressed);
        ByteBuffer batch = withPayload(plain, Arrays.copyOf(compressed.array(), length));
        batch.putShort(ATTRIBUTES_OFFSET, (short) codec.id());
        fixCrc(batch);
        RecordCursor cursor = new RecordCursor().reset(new RecordBatchView().wrap(batch, 0));
        assertTrue(cursor.next());
        InvalidBatchException e = assertThrows(InvalidBatchException.class, cursor::next);
        assertEquals(RECORDS_OFFSET, e.index(), e.getMessage());
        assertTrue(e.getMessage().contains("of the decompressed records"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aRecordCountBeyondWhatTheDecompressedBytesHoldIsRefused(CompressionType codec) {
        ByteBuffer batch = sampleBatch(codec, true, new Random(9));
        batch.putInt(RECORDS_COUNT_OFFSET, 1_000_000);
        fixCrc(batch);
        InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> readAll(new RecordCursor(), batch));
        assertTrue(e.getMessage().contains("record count 1000000 is impossible"), e.getMessage());
        assertEquals(RECORDS_COUNT_OFFSET, e.index());
    }

    /** An LZ4 frame (Kafka's header) around one compressed block. */
    private static byte[] lz4Frame(byte[] block) {
        ByteBuffer frame = ByteBuffer.allocate(7 + 4 + block.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        frame.putInt(Lz4Codec.MAGIC).put((byte) 0x60).put((byte) 0x40);
        int hash = net.jpountz.xxhash.XXHashFactory.safeInstance().hash32().hash(frame.array(), 4, 2, 0);
        frame.put((byte) (hash >> 8)).putInt(block.length).put(block).putInt(0);
        return frame.array();
    }

    @Test
    void anLz4MatchOffsetOfZeroOrReachingBeforeTheBlockIsRefusedSoStaleScratchBytesCannotLeak() {
        ByteBuffer original = sampleBatch(CompressionType.LZ4, false, new Random(4));
        RecordCursor cursor = new RecordCursor();
        assertEquals(250, readAll(cursor, original)); // the scratch now holds records of that batch
        // Four literals "aaaa", a match of 4 at offset 0 (CVE-2025-66566) or 5, then five literals.
        for (int offset : new int[] {0, 5}) {
            byte[] block = {0x40, 'a', 'a', 'a', 'a', (byte) offset, 0, 0x50, 'b', 'b', 'b', 'b', 'b'};
            InvalidBatchException e = assertThrows(InvalidBatchException.class,
                    () -> readAll(cursor, withPayload(original, lz4Frame(block))));
            assertTrue(e.getMessage().contains("match offset " + offset), e.getMessage());
        }
        // The same block with offset 4 is well formed (it then fails as records, not as LZ4).
        byte[] good = {0x40, 'a', 'a', 'a', 'a', 4, 0, 0x50, 'b', 'b', 'b', 'b', 'b'};
        InvalidBatchException e = assertThrows(InvalidBatchException.class,
                () -> readAll(cursor, withPayload(original, lz4Frame(good))));
        assertTrue(e.getMessage().contains("record count"), e.getMessage());
    }

    // ------------------------------------------------------------------ zip bombs

    private static final int SMALL_FLOOR = 1 << 20;

    /** A batch of one record whose value is {@code size} zero bytes, compressed. */
    private static ByteBuffer zeros(CompressionType codec, int size, boolean kafka) {
        List<TestRecord> records = List.of(new TestRecord(1L, null, new byte[size], Headers.empty()));
        return kafka ? RecordFixtures.writeKafka(BatchFields.plain(0L), records, codec)
                : RecordFixtures.writeOurs(BatchFields.plain(0L), records, codec);
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "ZSTD"})
    void aPayloadInflatingPastTheLimitIsRefusedAndReadsWithTheDefaultLimit(CompressionType codec) {
        for (boolean kafka : new boolean[] {false, true}) {
            ByteBuffer batch = zeros(codec, 4 << 20, kafka);
            int compressed = batch.remaining() - RECORDS_OFFSET;
            assertTrue(4 << 20 > 256L * compressed, "zeros compress more than 256 times: " + compressed);
            RecordCursor guarded = new RecordCursor();
            guarded.decompressedSizeFloor(SMALL_FLOOR);
            InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> readAll(guarded, batch));
            assertTrue(e.getMessage().contains("zip-bomb"), e.getMessage());
            assertEquals(RECORDS_OFFSET, e.index());
            assertEquals(1, readAll(new RecordCursor(), batch), "4 MiB is well within the default limit");
        }
    }

    @Test
    void aSnappyBlockClaimingMoreThanTheLimitIsRefusedBeforeAnythingIsAllocated() {
        ByteBuffer original = sampleBatch(CompressionType.SNAPPY, false, new Random(1));
        // A raw snappy block whose preamble (a varint) claims 2^31 - 1 bytes, then one literal.
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00, 0x41};
        InvalidBatchException e = assertThrows(InvalidBatchException.class,
                () -> readAll(new RecordCursor(), withPayload(original, bomb)));
        assertTrue(e.getMessage().contains("zip-bomb"), e.getMessage());
    }

    @Test
    void lz4AndSnappyCannotInflateBeyondTheRatioSoOnlyTheirClaimsAreChecked() {
        // LZ4 produces at most about 255 bytes per input byte, snappy far less: below the ratio limit.
        for (CompressionType codec : List.of(CompressionType.LZ4, CompressionType.SNAPPY)) {
            ByteBuffer batch = zeros(codec, 4 << 20, false);
            int compressed = batch.remaining() - RECORDS_OFFSET;
            assertTrue(4 << 20 <= 256L * compressed, codec + ": " + compressed);
            RecordCursor guarded = new RecordCursor();
            guarded.decompressedSizeFloor(SMALL_FLOOR);
            assertEquals(1, readAll(guarded, batch), codec.toString());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void gzipAndStreamedZstdOfEightyMebibytesOfZerosAreRefusedAtTheRealLimit() throws IOException {
        ByteBuffer header = sampleBatch(CompressionType.GZIP, false, new Random(2));
        for (CompressionType codec : List.of(CompressionType.GZIP, CompressionType.ZSTD)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = codec == CompressionType.GZIP ? new GZIPOutputStream(bytes)
                    : new ZstdOutputStream(bytes)) { // streamed: no content size in the frame
                byte[] chunk = new byte[1 << 20];
                for (int i = 0; i < 80; i++) {
                    out.write(chunk);
                }
            }
            ByteBuffer batch = withPayload(header, bytes.toByteArray());
            batch.putShort(ATTRIBUTES_OFFSET, (short) codec.id());
            fixCrc(batch);
            InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> readAll(new RecordCursor(), batch));
            assertTrue(e.getMessage().contains("more than " + RecordCursor.DECOMPRESSED_SIZE_FLOOR), e.getMessage());
        }
    }

    @Test
    void aZstdFrameDeclaringMoreThanTheLimitIsRefusedBeforeDecompressing() {
        ByteBuffer header = sampleBatch(CompressionType.ZSTD, false, new Random(3));
        byte[] frame = Zstd.compress(new byte[80 << 20]); // one-shot: the frame states its content size
        ByteBuffer batch = withPayload(header, frame);
        InvalidBatchException e = assertThrows(InvalidBatchException.class, () -> readAll(new RecordCursor(), batch));
        assertTrue(e.getMessage().contains("zip-bomb"), e.getMessage());
    }

    @Test
    void theWriterNeverPutsMoreRecordsInACompressedBatchThanTheReaderAccepts() {
        ByteBuffer target = ByteBuffer.allocate(1 << 20);
        RecordBatchWriter writer = new RecordBatchWriter().begin(target, 0, target.capacity(), 0L, 1L)
                .compression(CompressionType.ZSTD)
                .maxUncompressedSize(HEADER_SIZE + RecordBatchWriter.MAX_UNCOMPRESSED_RECORDS);
        byte[] value = new byte[(RecordBatchWriter.MAX_UNCOMPRESSED_RECORDS / 2)];
        assertTrue(writer.append(1L, null, value, null));
        assertEquals(false, writer.append(1L, null, value, null), "a second half would pass the limit");
        assertThrows(IllegalArgumentException.class,
                () -> writer.maxUncompressedSize(HEADER_SIZE + RecordBatchWriter.MAX_UNCOMPRESSED_RECORDS + 1));
        int size = writer.finish();
        assertTrue(size > 0 && size < 64 * 1024, "32 MiB of zeros compress well: " + size);
        assertEquals(1, readAll(new RecordCursor(), target.duplicate().limit(size)));
    }
}
