#!/usr/bin/env bash
# Runs optbench's JMH benchmarks and prints ns per element for OptimizerStepBenchmark.
# Usage: bench/jmh.sh [JMH arguments]   (default: OptimizerStepBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s)
# OPTBENCH_THREADS sets PyTorch's intra-op threads (default: number of cores), as for the CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f target/test-classpath.txt ]; then
  mvn -B -q -o package -DskipTests >&2
fi
mvn -B -q -o test-compile >&2
if [ $# -eq 0 ]; then
  set -- OptimizerStepBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
fi
threads="${OPTBENCH_THREADS:-$(nproc)}"
csv="target/jmh-result.csv"
log="target/jmh-log.txt"
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  -jvmArgsAppend "-Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads=$threads -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl=error" \
  -rf csv -rff "$csv" "$@" | tee "$log"
echo
echo "ns per element (2^20 float32 elements, $threads intra-op threads; the minimum over iterations"
echo "is the better estimate when other processes load the CPU):"
awk '
  /^# Benchmark: / { name = $3; sub(/.*\./, "", name); param = "" }
  /^# Parameters: / { param = $0; sub(/.*= /, "", param); sub(/\)/, "", param) }
  /\(min, avg, max\) = / {
    s = $0; sub(/.*= \(/, "", s); sub(/\).*/, "", s); split(s, v, ", ");
    printf "  %-20s min %8.3f  mean %8.3f ns/element\n", name " " param, v[1] / 1048576, v[2] / 1048576
  }' "$log"
