package io.runnel.benchmarks;

import static io.runnel.benchmarks.SideBySide.find;
import static io.runnel.benchmarks.SideBySide.value;

import java.util.List;
import java.util.Locale;

import io.runnel.benchmarks.SideBySide.Row;

/**
 * The targets, one line each, met or not, with the ratio behind it, from the rows of
 * {@link SideBySide}. A target whose benchmarks did not run says so.
 *
 * <p>Thread-safety: stateless.
 */
final class Targets {
    private Targets() {
    }

    /**
     * The Markdown list of targets.
     *
     * @param rows the side-by-side rows
     * @return one line per target
     */
    static String lines(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        double single = ratio(find(rows, "append", "RunnelLog", "oneRecord", "recordSize", "100"),
                find(rows, "append", "Chronicle", "oneRecord", "recordSize", "100"));
        line(out, "Single-record append, 100 B, one thread, >= 1.0x Chronicle Queue (stretch 1.5x)", single >= 1.0,
                fmt(single) + " Chronicle" + (single >= 1.5 ? ", stretch met" : ", stretch not met"));

        StringBuilder kafka = new StringBuilder();
        StringBuilder raw = new StringBuilder();
        boolean kafkaMet = true;
        boolean rawMet = true;
        for (String size : List.of("100", "1024")) {
            Row runnel = find(rows, "append", "RunnelLog", "batchOf100", "recordSize", size);
            double k = ratio(runnel, find(rows, "append", "Kafka", "batchOf100", "recordSize", size));
            double b = ratio(runnel, fastest(find(rows, "append", "RawMapped", "batchOf100", "recordSize", size),
                    find(rows, "append", "RawChannel", "batchOf100", "recordSize", size)));
            kafkaMet &= k >= 5.0;
            rawMet &= b >= 0.5;
            kafka.append(kafka.length() == 0 ? "" : ", ").append(fmt(k)).append(" at ").append(size).append(" B");
            raw.append(raw.length() == 0 ? "" : ", ").append(fmt(b)).append(" at ").append(size).append(" B");
        }
        line(out, "Batched append (batches of 100, one thread) >= 5x Kafka UnifiedLog", kafkaMet, kafka + " Kafka");
        line(out, "Batched append >= 50% of the raw baseline's bytes/s (the faster of mapped and FileChannel)",
                rawMet, raw + " of the baseline");

        StringBuilder chronicle = new StringBuilder();
        StringBuilder rawRead = new StringBuilder();
        boolean chronicleMet = true;
        boolean rawReadMet = true;
        for (String size : List.of("100", "1024")) {
            Row runnel = find(rows, "read", "RunnelLog", "readAll", "recordSize", size, "verifyCrc", "false");
            Row checked = find(rows, "read", "RunnelLog", "readAll", "recordSize", size, "verifyCrc", "true");
            Row tailer = find(rows, "read", "Chronicle", "readAll", "recordSize", size);
            double c = ratio(runnel, tailer);
            double b = ratio(runnel, fastest(find(rows, "read", "RawMapped", "readAll", "recordSize", size),
                    find(rows, "read", "RawChannel", "readAll", "recordSize", size)));
            chronicleMet &= c >= 1.0;
            rawReadMet &= b >= 0.5;
            chronicle.append(chronicle.length() == 0 ? "" : ", ").append(fmt(c)).append(" at ").append(size)
                    .append(" B (").append(fmt(ratio(checked, tailer))).append(" with CRC checked)");
            rawRead.append(rawRead.length() == 0 ? "" : ", ").append(fmt(b)).append(" at ").append(size).append(" B");
        }
        line(out, "Sequential zero-copy read (no CRC check, as Chronicle has none) >= 1.0x Chronicle's tailer",
                chronicleMet, chronicle + " Chronicle");
        line(out, "Sequential zero-copy read >= 50% of the raw read baseline (the faster of mapped and FileChannel)",
                rawReadMet, rawRead + " of the baseline");

        // Chronicle's appender and tailer are its low-level path: the like-for-like is Runnel's
        // storage engine; the public Producer/Consumer is reported on its own line.
        Row chronicleLatency = find(rows, "latency", "Chronicle", "sendToReceive", "waitStrategy", "BUSY_SPIN");
        double p99Log = ratio(find(rows, "latency", "RunnelLog", "sendToReceive", "waitStrategy", "BUSY_SPIN"),
                chronicleLatency);
        line(out, "Producer-to-consumer p99, one JVM, busy-spin, <= Chronicle's (storage engine: appendRecord, read)",
                p99Log <= 1.0, fmt(p99Log) + " Chronicle's p99");
        double p99Client = ratio(find(rows, "latency", "RunnelClient", "sendToReceive", "waitStrategy", "BUSY_SPIN"),
                chronicleLatency);
        line(out, "Producer-to-consumer p99, one JVM, busy-spin, <= Chronicle's (public API: Producer.send, Consumer.poll)",
                p99Client <= 1.0, fmt(p99Client) + " Chronicle's p99");

        for (String state : List.of("clean", "crash")) {
            double growth = ratio(find(rows, "open", "RunnelClient", "open", "segments", "100", "shutdown", state),
                    find(rows, "open", "RunnelClient", "open", "segments", "1", "shutdown", state));
            double kafkaGrowth = ratio(find(rows, "open", "Kafka", "open", "segments", "100", "shutdown", state),
                    find(rows, "open", "Kafka", "open", "segments", "1", "shutdown", state));
            line(out, state.equals("clean")
                            ? "Open after a clean close independent of log size (100 segments within 1.5x of 1)"
                            : "Open after a crash proportional to the unflushed tail only (same tail: 100 segments within 1.5x of 1)",
                    growth <= 1.5, "100 segments take " + fmt(growth) + " the time of 1 (Kafka " + fmt(kafkaGrowth) + ")");
        }

        StringBuilder alloc = new StringBuilder();
        boolean allocMet = true;
        for (String[] b : new String[][] {{"append", "oneRecord"}, {"append", "batchOf100"}, {"read", "readAll"}}) {
            Row r = find(rows, b[0], "RunnelLog", b[1], "recordSize", "100");
            double perRecord = r == null ? Double.NaN : r.allocPerRecord();
            allocMet &= perRecord < 1.0;
            alloc.append(alloc.length() == 0 ? "" : ", ").append(b[0]).append('.').append(b[1]).append(' ')
                    .append(Double.isNaN(perRecord) ? "n/a" : String.format(Locale.ROOT, "%.3f", perRecord))
                    .append(" B/record");
        }
        line(out, "No allocation per record on the low-level path (-prof gc, below 1 B/record at 100 B)", allocMet,
                alloc.toString());
        return out.toString();
    }

    private static void line(StringBuilder out, String target, boolean met, String evidence) {
        boolean ran = !evidence.contains("n/a");
        out.append("- ").append(target).append(": **").append(!ran ? "not measured" : met ? "met" : "not met")
                .append("**, ").append(evidence).append('\n');
    }

    private static Row fastest(Row a, Row b) {
        return a == null ? b : b == null || a.value() >= b.value() ? a : b;
    }

    private static double ratio(Row a, Row b) {
        double x = value(a);
        double y = value(b);
        return Double.isNaN(x) || Double.isNaN(y) || y == 0 ? Double.NaN : x / y;
    }

    private static String fmt(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
    }
}
