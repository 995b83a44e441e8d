package io.runnel.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.runnel.log.CompressionType;
import io.runnel.log.core.record.RecordBatchDescriptor;
import io.runnel.log.core.record.RecordBatchView;
import io.runnel.log.core.record.RecordBatchWriter;
import io.runnel.log.core.record.RecordCursor;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One batch of 100 records of 100-byte values (JSON-like text with varying numbers, null keys),
 * per codec: {@link #encodeAndCompress} encodes the records with {@link RecordBatchWriter} and
 * compresses them at {@code finish()}; {@link #decompressAndIterate} decompresses a batch with
 * {@link RecordCursor} and visits every record. {@code NONE} is the uncompressed baseline. An
 * operation is one batch; the {@code records} and {@code payloadBytes} counters give records and
 * value bytes per second (as in {@code BenchmarkReport}'s table, with {@code -p recordSize}
 * absent). The batch sizes are printed at setup.
 *
 * <p>Not thread-safe: JMH state of one benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompressionBenchmark {

    static final int RECORDS = 100;
    static final int VALUE_SIZE = 100;

    /** The codec. */
    @Param({"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    public CompressionType codec;

    private final RecordBatchWriter writer = new RecordBatchWriter();
    private final RecordBatchView view = new RecordBatchView();
    private final RecordCursor cursor = new RecordCursor();
    private final byte[][] values = new byte[RECORDS][];
    private final ByteBuffer target = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer batch = ByteBuffer.allocateDirect(64 * 1024);

    /** Builds the values and one batch to decompress. */
    @Setup
    public void setUp() {
        Random random = new Random(42);
        String[] words = {"order", "created", "customer", "amount", "status", "shipped", "currency", "EUR"};
        for (int i = 0; i < RECORDS; i++) {
            StringBuilder text = new StringBuilder("{\"id\":").append(1_000_000 + i);
            while (text.length() < VALUE_SIZE) {
                text.append(",\"").append(words[random.nextInt(words.length)]).append("\":")
                        .append(random.nextInt(100_000));
            }
            values[i] = text.substring(0, VALUE_SIZE).getBytes(StandardCharsets.US_ASCII);
        }
        int size = encode(batch);
        batch.limit(size);
        System.out.println();
        System.out.println(codec + ": a batch of " + RECORDS + " x " + VALUE_SIZE + " B is " + size + " bytes");
    }

    private int encode(ByteBuffer into) {
        writer.begin(into, 0, into.capacity(), 0L, RecordBatchDescriptor.NO_TIMESTAMP).compression(codec);
        for (int i = 0; i < RECORDS; i++) {
            writer.append(1_700_000_000_000L + i, null, values[i], null);
        }
        return writer.finish();
    }

    /**
     * Encodes and compresses one batch.
     *
     * @param counters counts the records
     * @return its size
     */
    @Benchmark
    public int encodeAndCompress(RecordCounters counters) {
        counters.add(RECORDS, VALUE_SIZE);
        return encode(target);
    }

    /**
     * Decompresses one batch and visits its records.
     *
     * @param blackhole consumes each record's value length and first byte
     * @param counters  counts the records
     */
    @Benchmark
    public void decompressAndIterate(Blackhole blackhole, RecordCounters counters) {
        RecordCursor c = cursor.reset(view.wrap(batch, 0));
        while (c.next()) {
            blackhole.consume(c.valueLength());
            blackhole.consume(c.buffer().get(c.valueOffset()));
            counters.records++;
            counters.payloadBytes += c.valueLength();
        }
    }
}
