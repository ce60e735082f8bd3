"""Trial-steps/s of the torch engine's stacked layouts against the peer at its best on one device.

    python3 -m optbench_torch bench [--out FILE] [--seconds-per-config S] [--smoke]

* the peer: one eager trial per process (the twin nn.Module, torch.optim.SGD, cudnn.benchmark,
  data on the device, batch indices drawn on the device, the loss read every step as a training
  loop that watches for divergence does), with P = 1, 4, 8, 16 processes sharing the device;
  P's rate is the sum over its processes.
* the engine: StackedGroup, the code ``run`` uses, with its data order (Java's, drawn on the
  host) and loss readback, for each candidate variant at K = 64, then the fastest at the other K.

Workloads fmnist_2c2d, cifar10_3c3d, cifar10_resnet32 at full size on RANDOM data of the right
shapes (throughput does not depend on pixel values); batch 128, plain SGD at lr 0.01. Each timing:
warm-up, then the median of 3 windows of S seconds. ``--smoke`` runs every code path on the CPU
for one step per window at tiny sizes. Prints a markdown table; ``--out`` writes JSON.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

from . import data as datasets
from . import layouts, models
from . import trial as trials
from .javarandom import DataOrder

WORKLOADS = {
    "fmnist_2c2d": ("CNN_2C2D", (1, 28, 28), 10),
    "cifar10_3c3d": ("CNN_3C3D", (3, 32, 32), 10),
    "cifar10_resnet32": ("RESNET32", (3, 32, 32), 10),
}
CANDIDATES = ["grouped", "grouped+graph", "grouped+graph+tf32", "grouped+graph+cl+tf32", "bmm+graph+tf32",
              "mixed+graph+tf32",
              "vmap+graph+tf32", "streams+graph+tf32", "streams32+graph+tf32"]
BATCH = 128


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def windows(step, device, seconds, count, smoke):
    """Steps per second in each of ``count`` windows (one step each under --smoke)."""
    rates = []
    for _ in range(count):
        sync(device)
        start = time.perf_counter()
        n = 0
        while n == 0 or (not smoke and time.perf_counter() - start < seconds):
            step()
            n += 1
        sync(device)
        rates.append(n / (time.perf_counter() - start))
    return rates


# ---- the peer: one eager trial per process ----

def peer_worker():
    """Reads commands on stdin: {"workload", "seconds", "smoke", "device"} -> prints ready, waits for
    "go", prints {"rates": [...]}; "quit" ends it."""
    torch.backends.cudnn.benchmark = True
    cache = {}
    for line in sys.stdin:
        if line.strip() == "quit":
            return 0
        cmd = json.loads(line)
        device = torch.device(cmd["device"])
        arch, shape, classes = WORKLOADS[cmd["workload"]]
        tiny = cmd["smoke"]
        n = 512 if tiny else 50_000
        key = (cmd["workload"], tiny)
        if key not in cache:
            cache.clear()
            x = torch.randn((n,) + shape, device=device)
            y = torch.randint(0, classes, (n,), device=device)
            model = models.build(arch, tiny, classes, 0.0, shape).to(device)
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
            cache[key] = (x, y, model, opt)
        x, y, model, opt = cache[key]
        batch = 8 if tiny else BATCH

        def step():
            idx = torch.randint(0, n, (batch,), device=device)
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss.item()
        for _ in range(1 if tiny else 10):
            step()
        sync(device)
        print(json.dumps({"ready": True}), flush=True)
        if sys.stdin.readline().strip() != "go":
            return 1
        rates = windows(step, device, cmd["seconds"], 3, tiny)
        print(json.dumps({"rates": rates}), flush=True)
    return 0


class PeerPool:
    def __init__(self, count):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + (
            os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.procs = [subprocess.Popen([sys.executable, "-m", "optbench_torch.bench", "--peer-worker"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                      for _ in range(count)]

    def run(self, p, cmd):
        """Sum over P processes of their trial-steps/s, per window."""
        use = self.procs[:p]
        for proc in use:
            proc.stdin.write(json.dumps(cmd) + "\n")
            proc.stdin.flush()
        for proc in use:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("a peer process ended before it was ready")
        for proc in use:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        per = [json.loads(proc.stdout.readline())["rates"] for proc in use]
        return [sum(r[i] for r in per) for i in range(3)]

    def close(self):
        for proc in self.procs:
            try:
                proc.stdin.write("quit\n")
                proc.stdin.flush()
            except OSError:
                pass
        for proc in self.procs:
            proc.wait(timeout=60)


# ---- the engine ----

def engine_rates(workload, k, variant_name, device, seconds, smoke, splits):
    arch, shape, classes = WORKLOADS[workload]
    batch = 8 if smoke else BATCH
    job = trials.Job({"device": device.type, "layout": "stacked", "deterministic": False,
                      "workload": {"name": workload, "architecture": arch, "tiny": smoke, "classes": classes,
                                   "batch_size": batch, "steps": 10 ** 9, "eval_interval": 10 ** 9, "data": {}},
                      "trials": []})
    specs = [trials.TrialSpec({"id": "b%d" % i, "optimizer": "sgd", "seed": i,
                               "hparams": {"learning_rate": 0.01}}, 10 ** 9) for i in range(k)]
    variant = layouts.parse("stacked-" + variant_name)
    layouts.apply_global(variant)
    runner = trials.Runner(job, splits, device)
    group = runner.attach(trials.StackedGroup(specs, job, splits, device, None, shape, variant, java_init=False))
    orders = [DataOrder(s.seed, len(splits.train.rows), runner.pool) for s in specs]
    state = {"t": 0, "pending": []}

    def step():
        state["pending"].append(group.step(state["t"], runner.rows(orders, state["t"])))
        state["t"] += 1
        if len(state["pending"]) >= trials.READBACK:
            torch.stack(state["pending"]).cpu()
            state["pending"] = []
    for _ in range(5):  # the graph is captured at the fourth step
        step()
    rates = windows(step, device, seconds, 3, smoke)
    note = getattr(group, "graph_failed", None)
    del group
    return [r * k for r in rates], note


def verify(device, smoke):
    """The same 4 trials (Java's initialization, the same batches) for 8 steps under each variant:
    the largest relative difference of their losses from the plain grouped layout's."""
    arch, shape, classes = WORKLOADS["fmnist_2c2d"]
    k, steps, batch = 4, 8, 8 if smoke else BATCH
    splits = datasets.random_splits(shape, classes, 512).to(device)
    job = trials.Job({"device": device.type, "workload": {"name": "check", "architecture": arch, "tiny": smoke,
                                                          "classes": classes, "batch_size": batch, "steps": steps,
                                                          "eval_interval": steps, "data": {}}, "trials": []})
    specs = [trials.TrialSpec({"id": "v%d" % i, "optimizer": "adam", "seed": i,
                               "hparams": {"learning_rate": 1e-3}}, steps) for i in range(k)]
    rows = np.random.default_rng(1).integers(0, len(splits.train.rows), size=(steps, k, batch))
    names = ["grouped", "bmm", "mixed", "vmap", "streams"]
    if device.type == "cuda":
        names = ["grouped", "grouped+graph", "grouped+graph+cl", "bmm+graph", "mixed+graph", "vmap+graph",
                 "streams+graph"]
    out, reference = {}, None
    for n in names:
        try:
            variant = layouts.parse("stacked-" + n)
            layouts.apply_global(variant)
            runner = trials.Runner(job, splits, device)
            group = runner.attach(trials.StackedGroup(specs, job, splits, device, None, shape, variant))
            losses = torch.stack([group.step(t, rows[t]) for t in range(steps)]).double().cpu()
            if reference is None:
                reference = losses
            out[n] = float(((losses - reference).abs() / reference.abs()).max())
            if getattr(group, "graph_failed", None):
                out[n + " (graph capture failed)"] = group.graph_failed
        except Exception as e:
            out[n] = "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:200] if str(e) else "")
    return out


def table(results):
    lines = ["| workload | layout | P or K | trial-steps/s (median of 3) | note |", "|---|---|---|---|---|"]
    for r in results:
        value = "%.0f" % r["median"] if r.get("median") else "—"
        lines.append("| %s | %s | %s | %s | %s |" % (r["workload"], r["layout"], r["size"], value, r.get("error") or ""))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m optbench_torch bench")
    ap.add_argument("--out", help="write the results as JSON here")
    ap.add_argument("--seconds-per-config", type=float, default=1.0, help="length of each of the 3 timed windows")
    ap.add_argument("--smoke", action="store_true", help="every code path, one step per window, tiny, on the CPU")
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--ks", default="16,32,64,128")
    ap.add_argument("--ps", default="1,4,8,16")
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--budget-s", type=float, default=270.0, help="skip what would start after this many seconds")
    ap.add_argument("--peer-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.peer_worker:
        return peer_worker()
    started = time.perf_counter()
    smoke = args.smoke
    device = torch.device("cpu" if smoke or not torch.cuda.is_available() else "cuda")
    ks = [2] if smoke else [int(v) for v in args.ks.split(",")]
    ps = [1, 2] if smoke else [int(v) for v in args.ps.split(",")]
    names = [w for w in args.workloads.split(",") if w]
    cands = [c for c in args.candidates.split(",") if c]
    if smoke:
        torch.set_num_threads(1)
    results = []

    def over_budget():
        return time.perf_counter() - started > args.budget_s

    def record(workload, layout, size, rates=None, error=None):
        r = {"workload": workload, "layout": layout, "size": size, "rates": rates,
             "median": statistics.median(rates) if rates else None, "error": error}
        results.append(r)
        print("%-18s %-28s %-6s %s" % (workload, layout, size, ("%.0f trial-steps/s" % r["median"]) if rates else error),
              file=sys.stderr, flush=True)

    checks = verify(device, smoke)
    print("agreement with stacked-grouped over 8 steps (max relative loss difference): %s" % json.dumps(checks),
          file=sys.stderr, flush=True)
    pool = PeerPool(max(ps))
    try:
        for w in names:
            for p in ps:
                if over_budget():
                    record(w, "peer eager", "P=%d" % p, error="skipped: over the time budget")
                    continue
                try:
                    record(w, "peer eager", "P=%d" % p, pool.run(p, {"workload": w, "seconds": args.seconds_per_config,
                                                                      "smoke": smoke, "device": device.type}))
                except Exception as e:
                    record(w, "peer eager", "P=%d" % p, error="%s: %s" % (type(e).__name__, e))
    finally:
        pool.close()
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    for w in names:
        arch, shape, classes = WORKLOADS[w]
        splits = datasets.random_splits(shape, classes, 512 if smoke else 50_000).to(device)
        first_k = 64 if 64 in ks else ks[0]
        best = None
        for c in cands:
            if over_budget():
                record(w, "engine " + c, "K=%d" % first_k, error="skipped: over the time budget")
                continue
            if arch == "RESNET32" and c.split("+")[0] in ("vmap", "bmm"):
                continue  # batch norm does not stack under vmap; im2col would hold 9 copies of each activation
            try:
                rates, note = engine_rates(w, first_k, c, device, args.seconds_per_config, smoke, splits)
                record(w, "engine " + c, "K=%d" % first_k, rates, note and "graph capture failed: " + note)
                if best is None or statistics.median(rates) > best[1]:
                    best = (c, statistics.median(rates))
            except Exception as e:
                record(w, "engine " + c, "K=%d" % first_k, error=("%s: %s" % (type(e).__name__, e)).splitlines()[0][:200])
            if device.type == "cuda":
                torch.cuda.empty_cache()
        for k in ks:
            if k == first_k or best is None:
                continue
            if over_budget():
                record(w, "engine " + best[0], "K=%d" % k, error="skipped: over the time budget")
                continue
            try:
                rates, note = engine_rates(w, k, best[0], device, args.seconds_per_config, smoke, splits)
                record(w, "engine " + best[0], "K=%d" % k, rates, note and "graph capture failed: " + note)
            except Exception as e:
                record(w, "engine " + best[0], "K=%d" % k, error=("%s: %s" % (type(e).__name__, e)).splitlines()[0][:200])
            if device.type == "cuda":
                torch.cuda.empty_cache()
        del splits
    summary = {}
    for w in names:
        peer = [r["median"] for r in results if r["workload"] == w and r["layout"] == "peer eager" and r["median"]]
        eng = [r for r in results if r["workload"] == w and r["layout"].startswith("engine") and r["median"]]
        if peer and eng:
            top = max(eng, key=lambda r: r["median"])
            summary[w] = {"best_peer": max(peer), "best_engine": top["median"],
                          "best_engine_layout": "%s %s" % (top["layout"], top["size"]),
                          "speedup": top["median"] / max(peer)}
    doc = {"device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu", "torch": torch.__version__,
           "cuda": torch.version.cuda, "smoke": smoke, "seconds_per_config": args.seconds_per_config,
           "data": "random data of each workload's shapes (throughput only)", "batch": 8 if smoke else BATCH,
           "elapsed_s": time.perf_counter() - started, "checks": checks, "results": results, "summary": summary}
    print(table(results))
    print()
    for w, s in summary.items():
        print("%s: best engine %.0f (%s) vs best peer %.0f trial-steps/s: %.2fx"
              % (w, s["best_engine"], s["best_engine_layout"], s["best_peer"], s["speedup"]))
    print("layouts agree with stacked-grouped (max relative loss difference over 8 steps): %s" % json.dumps(checks))
    print("elapsed %.0f s" % doc["elapsed_s"])
    if args.out:
        with open(args.out, "w") as f:
            json.dump(doc, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
