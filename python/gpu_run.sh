#!/bin/bash
# The torch engine's checks on a lent GPU machine, in one call (run from the repository root):
#   bash python/gpu_run.sh [JOBS_DIR DATA_DIR]
# 1) the Python tests on that machine's torch, 2) the bench (about 3 minutes on an H200),
# 3) with JOBS_DIR: the job files the Java side wrote, run as the worker would, lines saved as
#    $OUT/study/<job>.out.jsonl; DATA_DIR holds the Fashion-MNIST files the jobs read.
# Knobs: SECONDS_PER_CONFIG (0.5), BENCH_BUDGET (seconds, 200), STUDY_TIMEOUT (seconds, 240), PARALLEL (1).
set -u
OUT=${OUT:-/tmp/optbench-gpu-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
export XDG_CACHE_HOME="$OUT/cache"
python3 -c "import sys, torch, numpy; print(sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, 'numpy', numpy.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU')"
timeout 120 python3 -m unittest discover -s python/tests 2>&1 | tail -4
(cd python && timeout $(( ${BENCH_BUDGET:-200} + 100 )) python3 -m optbench_torch bench --out "$OUT/bench.json" \
    --seconds-per-config "${SECONDS_PER_CONFIG:-0.5}" --budget-s "${BENCH_BUDGET:-200}") 2>&1 | tee "$OUT/bench.log"
if [ -n "${1:-}" ]; then
    timeout "${STUDY_TIMEOUT:-240}" python3 python/gpu_study.py "$1" --out "$OUT/study" --device cuda \
        --data-path "$(cd "$2" && pwd)" --parallel "${PARALLEL:-1}" 2>&1 | tee "$OUT/study.log"
fi
