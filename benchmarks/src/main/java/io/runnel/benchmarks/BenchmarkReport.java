package io.runnel.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the suite (or the benchmarks named on the command line) with the GC profiler, writes
 * the JMH results as JSON and prints a Markdown table of ops/s, records/s, MB/s and bytes
 * allocated per operation and per record, also written next to the JSON as {@code .md}.
 *
 * <pre>
 * java -cp benchmarks.jar io.runnel.benchmarks.BenchmarkReport quick|full [JMH options]
 * </pre>
 *
 * <p>{@code quick}: 1 fork, 2 warmup iterations of 1 s, 3 measured of 2 s, for a check that
 * everything works; {@code full}: the settings in the benchmarks' annotations. JMH options given
 * after the mode win over both (for example {@code -f 3}, a benchmark regex, {@code -p recordSize=100}).
 * MB/s counts payload (value) bytes, 10^6 to the MB.
 *
 * <p>Thread-safety: a command-line program; not for use as a library.
 */
public final class BenchmarkReport {
    private BenchmarkReport() {
    }

    /**
     * Runs the benchmarks and prints the table.
     *
     * @param args {@code quick} or {@code full}, then JMH command-line options
     * @throws CommandLineOptionException when the JMH options do not parse
     * @throws RunnerException            when a benchmark fails
     * @throws IOException                when the table cannot be written
     */
    public static void main(String[] args) throws CommandLineOptionException, RunnerException, IOException {
        if (args.length == 0 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: BenchmarkReport quick|full [JMH options]");
            System.exit(2);
        }
        boolean quick = args[0].equals("quick");
        CommandLineOptions cli = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (quick) {
            if (!cli.getForkCount().hasValue()) {
                options.forks(1);
            }
            if (!cli.getWarmupIterations().hasValue()) {
                options.warmupIterations(2);
            }
            if (!cli.getWarmupTime().hasValue()) {
                options.warmupTime(TimeValue.seconds(1));
            }
            if (!cli.getMeasurementIterations().hasValue()) {
                options.measurementIterations(3);
            }
            if (!cli.getMeasurementTime().hasValue()) {
                options.measurementTime(TimeValue.seconds(2));
            }
        }
        if (cli.getProfilers().stream().noneMatch(p -> p.getKlass().equals("gc")
                || p.getKlass().equals(GCProfiler.class.getName()))) {
            options.addProfiler(GCProfiler.class);
        }
        if (!cli.shouldFailOnError().hasValue()) {
            options.shouldFailOnError(true);
        }
        String json = cli.getResult().orElse("jmh-result.json");
        options.result(json).resultFormat(ResultFormatType.JSON);

        Collection<RunResult> results = new Runner(options.build()).run();

        String table = table(results);
        Path md = Path.of(json.endsWith(".json") ? json.substring(0, json.length() - 5) + ".md" : json + ".md");
        Files.writeString(md, table, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("Results: " + json + ", table: " + md);
        System.out.println();
        System.out.print(table);
    }

    /**
     * The Markdown table: one row per benchmark and parameter set.
     *
     * @param results the JMH results
     * @return the table
     */
    static String table(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | recordSize | verifyCrc | ops/s | ± % | records/s | MB/s | B/op | B/record |\n");
        out.append("| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1) + otherParams(r);
            String size = param(r, "recordSize");
            String crc = param(r, "verifyCrc");
            Result<?> primary = r.getPrimaryResult();
            double ops = primary.getScore();
            double error = Double.isNaN(primary.getScoreError()) ? Double.NaN : 100 * primary.getScoreError() / ops;
            Result<?> counted = r.getSecondaryResults().get("records");
            Result<?> payload = r.getSecondaryResults().get("payloadBytes");
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            // Without counters an operation is one record (@OperationsPerInvocation where batched).
            double records = counted != null ? counted.getScore() : ops;
            double bytesPerSecond = payload != null ? payload.getScore()
                    : size.isEmpty() ? Double.NaN : records * Integer.parseInt(size);
            double bytesPerOp = alloc != null ? alloc.getScore() : Double.NaN;
            double bytesPerRecord = bytesPerOp * ops / records;
            out.append("| ").append(name)
                    .append(" | ").append(size)
                    .append(" | ").append(crc)
                    .append(" | ").append(format(ops < 1000 ? "%,.2f" : "%,.0f", ops))
                    .append(" | ").append(format("%.0f", error))
                    .append(" | ").append(format("%,.0f", records))
                    .append(" | ").append(format("%,.0f", bytesPerSecond / 1e6))
                    .append(" | ").append(format("%,.2f", bytesPerOp))
                    .append(" | ").append(format("%,.3f", bytesPerRecord))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Parameters without a column of their own, as " (name=value, ...)" after the benchmark's name. */
    private static String otherParams(RunResult r) {
        StringBuilder s = new StringBuilder();
        for (String key : r.getParams().getParamsKeys()) {
            if (!key.equals("recordSize") && !key.equals("verifyCrc")) {
                s.append(s.length() == 0 ? " (" : ", ").append(key).append('=').append(r.getParams().getParam(key));
            }
        }
        return s.length() == 0 ? "" : s.append(')').toString();
    }

    private static String param(RunResult r, String key) {
        String value = r.getParams().getParam(key);
        return value == null ? "" : value;
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, pattern, value);
    }
}
