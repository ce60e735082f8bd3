"""Which layout runs a job's trials: ``eager`` (one trial after another), ``stacked`` (the
default stacked variant) or ``auto`` (each candidate timed for a few steps on the job's device;
the fastest is cached in $XDG_CACHE_HOME/optbench/torch-layouts.json under (device name, torch
version, workload, K) and named in the provenance line).

A stacked variant is a dict: ``net`` grouped | bmm | vmap (stacked.py), ``graph`` (CUDA graph of
the whole step), ``cl`` (channels_last), ``tf32`` (TF32 matmuls)."""
import json
import os
import sys
import time

import torch

from . import trial as trials


def name(variant, k):
    if variant is None:
        return "eager"
    flags = "".join("+" + f for f in ("graph", "cl", "tf32") if variant.get(f))
    return "stacked-%s%s K=%d" % (variant["net"], flags, k)


def parse(text):
    """'stacked-grouped+graph' -> variant dict; 'eager' -> None."""
    if text.startswith("eager"):
        return None
    head = text.split()[0]
    parts = head[len("stacked-"):].split("+")
    return {"net": parts[0], "graph": "graph" in parts, "cl": "cl" in parts, "tf32": "tf32" in parts}


def candidates(kinds, device):
    out = []
    for kind in kinds:
        out.append({"net": kind})
        if device.type == "cuda":
            out.append({"net": kind, "graph": True})
            out.append({"net": kind, "graph": True, "tf32": True})
            if kind == "grouped":
                out.append({"net": kind, "graph": True, "tf32": True, "cl": True})
    return out


def default_variant(kinds, device):
    """On a GPU the grouped layout in one graph; on the CPU the streams layout, whose per-trial
    module calls give eager's (and so the Java engine's) numbers: a grouped convolution rounds
    differently, and on images with flat backgrounds a max-pool tie can then break the other way."""
    if not kinds:
        return None
    if device.type != "cuda" and "streams" in kinds:
        return {"net": "streams"}
    return {"net": kinds[0], "graph": device.type == "cuda"}


def apply_global(variant):
    if variant is not None and torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = bool(variant.get("tf32"))


def cache_path():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "optbench", "torch-layouts.json")


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def measure(job, specs, splits, shape, device, variant, steps=6, warmup=4):
    """Trial-steps/s of ``variant`` (None: one eager trial) over ``steps`` timed steps."""
    import numpy as np
    apply_global(variant)
    runner = trials.Runner(job, splits, device)
    if variant is None:
        group = runner.attach(trials.EagerGroup(specs[0], job, splits, device, None, shape))
    else:
        group = runner.attach(trials.StackedGroup(specs, job, splits, device, None, shape, variant, java_init=False))
    rng = np.random.default_rng(0)
    k = len(group.specs)
    rows = lambda: rng.integers(0, len(splits.train.rows), size=(k, job.workload.batch))
    for t in range(warmup):
        group.step(t, rows())
    _sync(device)
    start = time.perf_counter()
    for t in range(warmup, warmup + steps):
        group.step(t, rows())
    _sync(device)
    return k * steps / (time.perf_counter() - start)


def plan(job, by_rule, splits, shape, device):
    """[(specs, variant or None)] for each optimizer's trials, and the provenance's layout text."""
    largest = max(by_rule.values(), key=len) if by_rule else []
    kinds = trials.stackable(job, largest, splits, shape) if largest else []
    k = len(largest)
    if job.layout == "eager" or not kinds:
        return [(specs, None) for specs in by_rule.values()], "eager"
    if job.layout == "stacked":
        variant = default_variant(kinds, device)
        apply_global(variant)
        return [(specs, variant if len(specs) > 1 else None) for specs in by_rule.values()], name(variant, k)
    if job.layout != "auto":
        raise ValueError("unknown layout '%s': choose auto, stacked or eager" % job.layout)
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    key = "%s|torch %s|%s|K=%d" % (device_name, torch.__version__, job.workload.name, k)
    path = cache_path()
    cache = {}
    try:
        with open(path) as f:
            cache = json.load(f)
    except (OSError, ValueError):
        pass
    if key in cache:
        variant = parse(cache[key]["choice"])
        how = "cached"
    else:
        rates = {}
        for v in [None] + candidates(kinds, device):
            try:
                rates[name(v, k)] = measure(job, largest, splits, shape, device, v)
            except Exception as e:  # a candidate that cannot run here is not chosen
                print("optbench_torch: layout %s failed: %s" % (name(v, k), e), file=sys.stderr)
        best = max(rates, key=rates.get)
        variant = parse(best)
        how = "measured"
        cache[key] = {"choice": best, "trial_steps_per_s": rates}
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = path + ".%d.tmp" % os.getpid()
            with open(tmp, "w") as f:
                json.dump(cache, f, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except OSError as e:
            print("optbench_torch: cannot write %s: %s" % (path, e), file=sys.stderr)
    apply_global(variant)
    text = "%s (auto, %s)" % (name(variant, k), how)
    return [(specs, variant if len(specs) > 1 else None) for specs in by_rule.values()], text
