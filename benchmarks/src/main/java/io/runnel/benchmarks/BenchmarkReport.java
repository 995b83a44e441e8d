package io.runnel.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
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
 * Runs the side-by-side suite (or the benchmarks named on the command line) in one JMH
 * invocation with the GC profiler, writes JMH's JSON, and writes and prints a Markdown report:
 * the machine, the JDK, the date and load average; the side-by-side table with the ratios
 * Runnel/Chronicle, Runnel/Kafka and Runnel/baseline ({@link SideBySide}); one line per target
 * ({@link Targets}); every result with its allocation per operation.
 *
 * <pre>
 * java -cp benchmarks.jar io.runnel.benchmarks.BenchmarkReport quick|full [JMH options]
 * </pre>
 *
 * <p>{@code quick}: 1 fork, 2 warmup iterations of 1 s, 2 measured of 1 s, topics of 256 MiB for
 * the reads: under 10 minutes on 2 cores, to see where things stand. {@code full}: the settings
 * in the benchmarks' annotations (5 x 2 s warmup, 5 x 2 s measured, topics of 1 GiB). JMH options
 * given after the mode win over both (for example {@code -f 3}, a benchmark regex,
 * {@code -p recordSize=100}); without a regex the side-by-side suite runs (packages
 * {@code append}, {@code read}, {@code latency}, {@code open}).
 *
 * <p>Thread-safety: a command-line program; not for use as a library.
 */
public final class BenchmarkReport {
    /** The side-by-side suite. */
    static final String SUITE = "io\\.runnel\\.benchmarks\\.(append|read|latency|open)\\..*";

    private BenchmarkReport() {
    }

    /**
     * Runs the benchmarks and prints the report.
     *
     * @param args {@code quick} or {@code full}, then JMH command-line options
     * @throws CommandLineOptionException when the JMH options do not parse
     * @throws RunnerException            when a benchmark fails
     * @throws IOException                when the report cannot be written
     */
    public static void main(String[] args) throws CommandLineOptionException, RunnerException, IOException {
        if (args.length == 0 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: BenchmarkReport quick|full [JMH options]");
            System.exit(2);
        }
        String mode = args[0];
        CommandLineOptions cli = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(SUITE);
        }
        if (mode.equals("quick")) {
            quick(cli, options);
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

        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadBefore = loadAverage();
        Collection<RunResult> results = new Runner(options.build()).run();
        String header = "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpu() + "; "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ". JDK "
                + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + "). Profile " + mode + ", started " + start + ", "
                + (Instant.now().getEpochSecond() - start.getEpochSecond()) + " s. Load average (1, 5, 15 min) "
                + "before: " + loadBefore + "; after: " + loadAverage() + ".\n";

        List<SideBySide.Row> rows = SideBySide.rows(results);
        String report = header + "\n" + SideBySide.table(rows) + "\nTargets:\n\n" + Targets.lines(rows)
                + "\nAll results:\n\n" + table(results);
        Path md = Path.of(json.endsWith(".json") ? json.substring(0, json.length() - 5) + ".md" : json + ".md");
        Files.writeString(md, report, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("Results: " + json + ", report: " + md);
        System.out.println();
        System.out.print(report);
    }

    /** The quick profile, where the command line does not say otherwise. */
    private static void quick(CommandLineOptions cli, ChainedOptionsBuilder options) {
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
            options.measurementIterations(2);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(1));
        }
        if (!cli.getParameter("topicMiB").hasValue()) {
            options.param("topicMiB", "256");
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /**
     * The Markdown table of every result: score, error, records and payload per second, and the
     * bytes allocated per operation and per record ({@code gc.alloc.rate.norm}).
     *
     * @param results the JMH results
     * @return the table
     */
    static String table(Collection<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("| benchmark | params | score | unit | ± % | records/s | MB/s | B/op | B/record |\n");
        out.append("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Result<?> primary = r.getPrimaryResult();
            double score = primary.getScore();
            double error = Double.isNaN(primary.getScoreError()) ? Double.NaN : 100 * primary.getScoreError() / score;
            boolean throughput = primary.getScoreUnit().endsWith("/s");
            Result<?> counted = r.getSecondaryResults().get("records");
            Result<?> payload = r.getSecondaryResults().get("payloadBytes");
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            String size = r.getParams().getParam("recordSize");
            // Without counters an operation of a throughput benchmark is one record
            // (@OperationsPerInvocation where batched).
            double records = counted != null ? counted.getScore() : throughput ? score : Double.NaN;
            double bytesPerSecond = payload != null ? payload.getScore()
                    : size == null ? Double.NaN : records * Integer.parseInt(size);
            double bytesPerOp = alloc != null ? alloc.getScore() : Double.NaN;
            double bytesPerRecord = throughput ? bytesPerOp * score / records : Double.NaN;
            StringBuilder params = new StringBuilder();
            for (String key : r.getParams().getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ", ").append(key).append('=').append(r.getParams().getParam(key));
            }
            out.append("| ").append(name)
                    .append(" | ").append(params)
                    .append(" | ").append(format(score < 1000 ? "%,.2f" : "%,.0f", score))
                    .append(" | ").append(primary.getScoreUnit())
                    .append(" | ").append(format("%.0f", error))
                    .append(" | ").append(format("%,.0f", records))
                    .append(" | ").append(format("%,.0f", bytesPerSecond / 1e6))
                    .append(" | ").append(format("%,.2f", bytesPerOp))
                    .append(" | ").append(format("%,.3f", bytesPerRecord))
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, pattern, value);
    }
}
