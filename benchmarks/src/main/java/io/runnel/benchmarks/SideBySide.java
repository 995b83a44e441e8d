package io.runnel.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The side-by-side table: for each Runnel row of a workload (package {@code append},
 * {@code read}, {@code latency}, {@code open}; class {@code <Contender><Workload>}), the matching
 * rows of the other contenders (same benchmark method, same value of every parameter both have)
 * and the ratios Runnel/Chronicle, Runnel/Kafka and Runnel/baseline (the faster raw baseline).
 *
 * <p>The compared metric per workload: records per second for {@code append} and {@code read}
 * (higher is better), the 99th percentile in microseconds for {@code latency} and milliseconds
 * per open for {@code open} (lower is better); a ratio is always Runnel's value over the other's.
 *
 * <p>Thread-safety: stateless.
 */
final class SideBySide {
    /** The contenders, as class name prefixes; the Runnel ones first. */
    static final List<String> CONTENDERS = List.of("RunnelLog", "RunnelClient", "Chronicle", "Kafka", "RawMapped",
            "RawChannel");
    private static final List<String> WORKLOADS = List.of("append", "read", "latency", "open");

    private SideBySide() {
    }

    /** One benchmark result as the table sees it. */
    record Row(String workload, String contender, String method, Map<String, String> params, double value,
               double p50, double allocPerRecord) {
        boolean matches(Row other) {
            if (!workload.equals(other.workload) || !method.equals(other.method)) {
                return false;
            }
            for (Map.Entry<String, String> e : params.entrySet()) {
                String theirs = other.params.get(e.getKey());
                if (theirs != null && !theirs.equals(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The rows of the side-by-side benchmarks among the results.
     *
     * @param results JMH's results
     * @return one row per result of a contender's workload class
     */
    static List<Row> rows(Collection<RunResult> results) {
        List<Row> rows = new ArrayList<>();
        for (RunResult r : results) {
            String[] parts = r.getParams().getBenchmark().split("\\.");
            if (parts.length < 3) {
                continue;
            }
            String workload = parts[parts.length - 3];
            String type = parts[parts.length - 2];
            String suffix = workload.isEmpty() ? "" : Character.toUpperCase(workload.charAt(0)) + workload.substring(1);
            if (!WORKLOADS.contains(workload) || !type.endsWith(suffix)) {
                continue;
            }
            String contender = type.substring(0, type.length() - suffix.length());
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.put(key, r.getParams().getParam(key));
            }
            Result<?> primary = r.getPrimaryResult();
            double value;
            double p50 = Double.NaN;
            switch (workload) {
                case "read" -> value = r.getSecondaryResults().get("records").getScore();
                case "latency" -> {
                    value = primary.getStatistics().getPercentile(99.0);
                    p50 = primary.getStatistics().getPercentile(50.0);
                }
                default -> value = primary.getScore();
            }
            // gc.alloc.rate.norm is per operation: an operation is a record, except a whole read in "read".
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double perRecord = alloc == null ? Double.NaN
                    : workload.equals("read") ? alloc.getScore() * primary.getScore() / value : alloc.getScore();
            rows.add(new Row(workload, contender, parts[parts.length - 1], params, value, p50, perRecord));
        }
        return rows;
    }

    /**
     * The Markdown table.
     *
     * @param rows the rows of {@link #rows}
     * @return the table, or an empty string without Runnel rows
     */
    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| workload | benchmark | params | Runnel | metric | Runnel | Chronicle | Kafka | raw mapped | raw channel "
                + "| Runnel/Chronicle | Runnel/Kafka | Runnel/baseline |\n");
        out.append("| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        boolean any = false;
        for (Row runnel : rows) {
            if (!runnel.contender.startsWith("Runnel")) {
                continue;
            }
            any = true;
            Row chronicle = match(rows, runnel, "Chronicle");
            Row kafka = match(rows, runnel, "Kafka");
            Row mapped = match(rows, runnel, "RawMapped");
            Row channel = match(rows, runnel, "RawChannel");
            double baseline = Math.max(value(mapped), value(channel));
            out.append("| ").append(runnel.workload)
                    .append(" | ").append(runnel.method)
                    .append(" | ").append(params(runnel.params))
                    .append(" | ").append(runnel.contender.substring("Runnel".length()).toLowerCase(Locale.ROOT))
                    .append(" | ").append(metric(runnel.workload))
                    .append(" | ").append(number(runnel.value, runnel))
                    .append(" | ").append(chronicle == null ? "" : number(chronicle.value, chronicle))
                    .append(" | ").append(kafka == null ? "" : number(kafka.value, kafka))
                    .append(" | ").append(mapped == null ? "" : number(mapped.value, mapped))
                    .append(" | ").append(channel == null ? "" : number(channel.value, channel))
                    .append(" | ").append(ratio(runnel.value, value(chronicle)))
                    .append(" | ").append(ratio(runnel.value, value(kafka)))
                    .append(" | ").append(ratio(runnel.value, baseline))
                    .append(" |\n");
        }
        return any ? out.toString() : "";
    }

    /** The first row of {@code contender} that matches {@code runnel}, or null. */
    static Row match(List<Row> rows, Row runnel, String contender) {
        for (Row r : rows) {
            if (r.contender.equals(contender) && runnel.matches(r)) {
                return r;
            }
        }
        return null;
    }

    /**
     * The row of a contender for a workload, method and parameter values, or null.
     *
     * @param rows      the rows
     * @param workload  the workload
     * @param contender the contender
     * @param method    the benchmark method
     * @param params    parameter values the row must have (pairs of name and value)
     * @return the row
     */
    static Row find(List<Row> rows, String workload, String contender, String method, String... params) {
        for (Row r : rows) {
            boolean ok = r.workload.equals(workload) && r.contender.equals(contender) && r.method.equals(method);
            for (int i = 0; ok && i < params.length; i += 2) {
                ok = Objects.equals(r.params.get(params[i]), params[i + 1]);
            }
            if (ok) {
                return r;
            }
        }
        return null;
    }

    static double value(Row r) {
        return r == null ? Double.NaN : r.value;
    }

    static String metric(String workload) {
        return switch (workload) {
            case "append", "read" -> "records/s";
            case "latency" -> "p99 us (p50)";
            default -> "ms/open";
        };
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String number(double v, Row row) {
        if (row.workload.equals("latency")) {
            return String.format(Locale.ROOT, "%,.1f (%,.1f)", v, row.p50);
        }
        return String.format(Locale.ROOT, v < 1000 ? "%,.2f" : "%,.0f", v);
    }

    private static String params(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
        return s.toString();
    }
}
