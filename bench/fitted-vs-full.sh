#!/usr/bin/env bash
# Fitted against full at the same total budget on fmnist_mlp-tiny (issue 12, SPEC section 10):
# two studies of the six optimizers, T points each (fitted: stage 1 = T/2 wide, stage 2 = T/2
# fitted), then `analyze` and `report`. Prints, per optimizer, the best validation error of each
# study and whether fitted reached full's. Too slow for CI (2·6·T real trials).
#   bench/fitted-vs-full.sh [T=20] [STORE=sqlite:fitted-vs-full.db] [OUT=reports/fitted-vs-full]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="${1:-20}"
STORE="${2:-sqlite:fitted-vs-full.db}"
OUT="${3:-reports/fitted-vs-full}"
OPT=sgd,momentum,nesterov,rmsprop,adam,nadam
ob() { "$here/optbench" "$@"; }
for p in full fitted; do
  if ! ob study status "fvf-$p" --store "$STORE" >/dev/null 2>&1; then
    ob study create "fvf-$p" --workload fmnist_mlp-tiny --protocol "$p" --optimizers "$OPT" --trials "$T" \
      --seed 20191010 --store "$STORE"
  fi
  ob study run "fvf-$p" --workers 2 --store "$STORE"
done
mkdir -p "$(dirname "$OUT")"
ob analyze fvf-full fvf-fitted --store "$STORE" --json > "$OUT.json"
ob report fvf-full fvf-fitted --store "$STORE" --out "$OUT"
python3 - "$OUT.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
s = {x["protocol"]: x for x in a["studies"]}
reached = 0
print(f"{'optimizer':10} {'full val':>9} {'fitted val':>10} {'full test':>9} {'fitted test':>11}  fitted <= full (val)")
for o, full in s["full"]["optimizers"].items():
    fit = s["fitted"]["optimizers"][o]
    fv, gv = full["best"]["validation_error"], fit["best"]["validation_error"]
    ok = gv <= fv
    reached += ok
    print(f"{o:10} {fv:9.4f} {gv:10.4f} {full['best']['test_error']:9.4f} {fit['best']['test_error']:11.4f}  {'yes' if ok else 'no'}"
          f"  (stage-2 boundary {'passed' if fit['fit']['stage2_boundary_passed'] else 'warned'})")
print(f"fitted reaches full's best validation error for {reached} of {len(s['full']['optimizers'])} optimizers")
PY
