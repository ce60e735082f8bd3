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
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main \
  -jvmArgsAppend "-Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads=$threads -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl=error" \
  -rf csv -rff "$csv" "$@"
echo
echo "ns per element (2^20 float32 elements, $threads intra-op threads):"
# CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: optimizer"
awk -F, 'NR > 1 {
  gsub(/"/, "", $1); gsub(/"/, "", $8); name = $1; sub(/.*\./, "", name);
  if ($8 != "") name = name " " $8;
  printf "  %-24s %10.3f ns/element  (%.0f ± %.0f ns/op)\n", name, $5 / 1048576, $5, $6
}' "$csv"
