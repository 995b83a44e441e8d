#!/usr/bin/env bash
# Builds the JMH suite and runs the side-by-side benchmarks (Runnel, Chronicle Queue, Kafka's
# UnifiedLog, raw baselines) in one JMH invocation with the GC profiler; writes
# benchmarks/results/<time>-<mode>.json and .md (the report: side-by-side table with ratios, the
# targets met or not, every result) and prints the report.
#
#   benchmarks/run.sh quick [JMH options]   # 1 fork, 2 x 1 s warmup, 2 x 1 s measured, 256 MiB topics: under 10 min
#   benchmarks/run.sh full  [JMH options]   # the annotations' settings: 5 x 2 s warmup, 5 x 2 s measured, 1 GiB topics
#
# JMH options after the mode win, e.g. a regex and parameters: run.sh quick 'append\.' -p recordSize=100
# (with a regex, only what it matches runs; the other benchmarks of the module, such as
# ReplayBenchmark or CompressionBenchmark, run only when named).
# Environment: SKIP_BUILD=1 uses the existing jar; JAVA=/path/to/java picks the JVM (e.g. JDK 25);
# MVN_FLAGS=-o builds offline. The logs go to java.io.tmpdir (/tmp); to
# measure another disk add: -jvmArgsAppend -Djava.io.tmpdir=/that/disk
set -euo pipefail

mode=${1:-}
case "$mode" in
  quick|full) shift ;;
  *) echo "usage: $0 quick|full [JMH options]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && mvn -B -q ${MVN_FLAGS:-} -pl benchmarks -am package -DskipTests)
fi

mkdir -p "$here/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
exec "${JAVA:-java}" -cp "$jar" io.runnel.benchmarks.BenchmarkReport "$mode" \
  -rff "$here/results/$stamp-$mode.json" "$@"
