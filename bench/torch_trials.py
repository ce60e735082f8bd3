#!/usr/bin/python3
"""PyTorch-Python peer of `optbench bench trials`, one process of a layout (the caller starts P
of them at once with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS set to --threads).

--mode steps: times training steps of the twins in torch_models.py (synthetic data, plain SGD)
  in --repeats blocks of --seconds after --warmup steps; prints {"mode": "steps",
  "steps_per_second": the median block, "blocks"}.
--mode trials: trains --trials full fmnist_mlp trials (784-256-256-10 ReLU, Glorot-uniform,
  zero biases, Adam lr 1e-3, batch 128, --steps steps, a fresh permutation each epoch) on real
  Fashion-MNIST the way optbench's trainer does: normalized by the training rows' mean and
  deviation, validation = the last 10,000 training rows, train_eval = 10,000 evenly spaced rows
  of the rest, test = the test file; every --eval-every steps and after the last one the mean
  training loss since the previous evaluation, then loss and error on train_eval, validation
  and test in batches of 1,000 without gradients. Prints {"mode": "trials", "seconds", ...}.

Every line also carries the peer's set-up: torch version, thread counts, the environment's
thread variables and the shared libraries the process maps (the BLAS among them), so the
caller can say which BLAS the figure was measured with.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

import torch_models


def mapped_libraries():
    """Paths of the BLAS/LAPACK/OpenMP/MKL libraries this process maps (from /proc/self/maps)."""
    keys = ("blas", "lapack", "mkl", "gomp", "iomp", "blis", "atlas")
    seen = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and any(k in parts[-1].lower() for k in keys) and parts[-1] not in seen:
                    seen.append(parts[-1])
    except OSError:
        pass
    return seen


def setup():
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # makes sure the BLAS is loaded and mapped
    config = torch.__config__.show()
    blas_info = next((p.split("=", 1)[1] for p in config.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    return {"torch": torch.__version__, "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                                   "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE") if k in os.environ},
            "blas_info": blas_info, "libraries": mapped_libraries(), "pid": os.getpid()}


def sgemm(a):
    """GFLOP/s of one 128x784x256 float32 product (fmnist_mlp's first layer at batch 128), median of blocks."""
    x, w = torch.randn(128, 784), torch.randn(784, 256)
    for _ in range(50):
        torch.mm(x, w)
    rates = []
    for _ in range(a.repeats):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < a.seconds:
            torch.mm(x, w)
            n += 1
        rates.append(2 * 128 * 784 * 256 * n / (time.perf_counter() - start) / 1e9)
    return {"mode": "sgemm", "gflops": sorted(rates)[len(rates) // 2]}


def steps(a):
    step = torch_models.make_step(a.workload, a.variant == "tiny", a.batch)
    for _ in range(a.warmup):
        step()
    if a.barrier:  # the caller starts every process's timing at once
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
    blocks = torch_models.time_blocks(step, a.seconds, a.repeats)
    return {"mode": "steps", "workload": a.workload, "variant": a.variant, "batch": a.batch,
            "steps_per_second": statistics.median(blocks), "blocks": blocks}


def idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def fashion(data_dir):
    def load(stem):
        for name in (stem + ".gz", stem):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return idx(p)
        raise SystemExit(f"{stem} not found in {data_dir}")
    x = load("train-images-idx3-ubyte").astype(np.float32) / 255.0
    y = load("train-labels-idx1-ubyte").astype(np.int64)
    tx = load("t10k-images-idx3-ubyte").astype(np.float32) / 255.0
    ty = load("t10k-labels-idx1-ubyte").astype(np.int64)
    n_val = 10000
    train_x, train_y = x[:-n_val], y[:-n_val]
    mean, std = train_x.mean(), train_x.std()
    norm = lambda a: torch.from_numpy(((a - mean) / std).reshape(-1, 1, 28, 28).copy())
    every = np.linspace(0, len(train_x) - 1, n_val).astype(np.int64)
    return {"train": (norm(train_x), torch.from_numpy(train_y.copy())),
            "train_eval": (norm(train_x[every]), torch.from_numpy(train_y[every].copy())),
            "validation": (norm(x[-n_val:]), torch.from_numpy(y[-n_val:].copy())),
            "test": (norm(tx[:10000]), torch.from_numpy(ty[:10000].copy()))}


def glorot(model, gen):
    for m in model.modules():
        if isinstance(m, nn.Linear):
            limit = (6.0 / (m.in_features + m.out_features)) ** 0.5
            with torch.no_grad():
                m.weight.uniform_(-limit, limit, generator=gen)
                m.bias.zero_()


def evaluate(model, split, loss_fn):
    xs, ys = split
    total, wrong = 0.0, 0
    with torch.no_grad():
        for i in range(0, xs.shape[0], 1000):
            logits = model(xs[i:i + 1000])
            total += loss_fn(logits, ys[i:i + 1000]).item() * logits.shape[0]
            wrong += (logits.argmax(1) != ys[i:i + 1000]).sum().item()
    return total / xs.shape[0], wrong / xs.shape[0]


def trial(seed, data, a):
    gen = torch.Generator().manual_seed(seed)
    model = torch_models.mlp(False)
    glorot(model, gen)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = data["train"]
    order, cursor = torch.randperm(xs.shape[0], generator=gen), 0
    first, since, curve, status = None, [], [], "completed"
    for t in range(a.steps):
        if cursor + a.batch > xs.shape[0]:
            order, cursor = torch.randperm(xs.shape[0], generator=gen), 0
        idx = order[cursor:cursor + a.batch]
        cursor += a.batch
        loss = loss_fn(model(xs.index_select(0, idx)), ys.index_select(0, idx))
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        value = loss.item()
        first = value if first is None else first
        if not np.isfinite(value) or value > 100 * first:
            status = "diverged"
            break
        since.append(value)
        if (t + 1) % a.eval_every == 0 or t + 1 == a.steps:
            point = {"step": t + 1, "train_loss": sum(since) / len(since)}
            since = []
            for name in ("train_eval", "validation", "test"):
                point[name + "_loss"], point[name + "_error"] = evaluate(model, data[name], loss_fn)
            curve.append(point)
    return {"seed": seed, "status": status, "validation_error": curve[-1]["validation_error"] if curve else 1.0}


def trials(a):
    start = time.perf_counter()
    data = fashion(a.data_dir)
    loaded = time.perf_counter()
    done = [trial(a.first_seed + i, data, a) for i in range(a.trials)]
    return {"mode": "trials", "trials": done, "steps": a.steps, "eval_every": a.eval_every,
            "load_seconds": loaded - start, "seconds": time.perf_counter() - start}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=("steps", "trials", "setup", "sgemm"), default="steps")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--workload", default="fmnist_mlp")
    p.add_argument("--variant", default="full")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--seconds", type=float, default=1.0, help="length of one timed block")
    p.add_argument("--repeats", type=int, default=5, help="timed blocks; the median is reported")
    p.add_argument("--barrier", action="store_true", help="after warm-up print a ready line, wait for one on stdin")
    p.add_argument("--trials", type=int, default=1)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--steps", type=int, default=5000)
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    result = {"setup": {"mode": "setup"}, "steps": steps, "trials": trials, "sgemm": sgemm}[a.mode]
    line = result if isinstance(result, dict) else result(a)
    line["setup"] = setup()
    print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
