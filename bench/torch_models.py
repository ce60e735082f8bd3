#!/usr/bin/python3
"""PyTorch twins of optbench's fmnist_2c2d, fmnist_mlp and char_lstm (full and -tiny), timed
the way `optbench bench train` times the DJL ones: synthetic data of the same shapes, a batch
drawn from a pool of 4 batches by random indices, forward + mean cross-entropy + backward +
plain SGD (lr 0.01), `warmup` untimed steps, then `repeats` timed blocks, each of as many
steps as fit in `block_seconds` (at least one).
Prints one JSON object per line: {"workload", "variant", "batch", "median", "blocks"}.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

VOCAB = 83  # same synthetic vocabulary as dev.optbench.train.StepBenchmark


def mlp(tiny):
    h = 64 if tiny else 256
    return nn.Sequential(nn.Flatten(), nn.Linear(784, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 10))


def cnn_2c2d(tiny):
    c1, c2, fc = (8, 16, 64) if tiny else (32, 64, 1024)
    return nn.Sequential(
        nn.Conv2d(1, c1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(c1, c2, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(7 * 7 * c2, fc), nn.ReLU(), nn.Linear(fc, 10))


class CharLstm(nn.Module):
    def __init__(self, tiny):
        super().__init__()
        layers, units = (1, 32) if tiny else (2, 128)
        self.lstm = nn.LSTM(VOCAB, units, num_layers=layers, batch_first=True)
        self.out = nn.Linear(units, VOCAB)

    def forward(self, tokens):
        x = nn.functional.one_hot(tokens, VOCAB).float()
        y, _ = self.lstm(x)
        return self.out(y)


def case(name, tiny, batch, gen):
    pool = 4 * batch
    if name == "fmnist_mlp":
        return mlp(tiny), torch.rand(pool, 1, 28, 28, generator=gen) * 2 - 1, torch.randint(0, 10, (pool,), generator=gen)
    if name == "fmnist_2c2d":
        return cnn_2c2d(tiny), torch.rand(pool, 1, 28, 28, generator=gen) * 2 - 1, torch.randint(0, 10, (pool,), generator=gen)
    if name == "char_lstm":
        seq = 20 if tiny else 50
        return CharLstm(tiny), torch.randint(0, VOCAB, (pool, seq), generator=gen), torch.randint(0, VOCAB, (pool, seq), generator=gen)
    raise SystemExit(f"unknown workload {name}")


def make_step(name, tiny, batch):
    """One training step of a twin as a function (returns the loss)."""
    gen = torch.Generator().manual_seed(42)
    torch.manual_seed(0)
    model, xs, ys = case(name, tiny, batch, gen)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        idx = torch.randint(0, xs.shape[0], (batch,), generator=gen)
        x, y = xs.index_select(0, idx), ys.index_select(0, idx)
        logits = model(x)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=False)
        loss.backward()
        opt.step()
        return loss.item()  # synchronizes, like reading the loss in the DJL loop

    return step


def time_blocks(step, block_seconds, repeats):
    """Steps/s of each of `repeats` blocks, each as many steps as fit in block_seconds (at least one)."""
    blocks = []
    for _ in range(repeats):
        start = time.perf_counter()
        done = 0
        while done == 0 or time.perf_counter() - start < block_seconds:
            step()
            done += 1
        blocks.append(done / (time.perf_counter() - start))
    return blocks


def time_case(name, tiny, batch, warmup, block_seconds, repeats):
    step = make_step(name, tiny, batch)
    for _ in range(warmup):
        step()
    return time_blocks(step, block_seconds, repeats)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--workloads", default="fmnist_2c2d,fmnist_mlp,char_lstm")
    p.add_argument("--variants", default="tiny,full")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--block-seconds", type=float, default=1.0)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    for name in a.workloads.split(","):
        for variant in a.variants.split(","):
            blocks = time_case(name, variant == "tiny", a.batch, a.warmup, a.block_seconds, a.repeats)
            print(json.dumps({"workload": name, "variant": variant, "batch": a.batch,
                              "median": statistics.median(blocks), "blocks": blocks,
                              "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
