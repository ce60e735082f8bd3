#!/usr/bin/env python3
"""One optbench external trial (SPEC section 10) in PyTorch: a small MLP on synthetic data.

optbench starts this script once per trial with
  OPTBENCH_HPARAMS  JSON object of the trial's hyperparameters (canonical names)
  OPTBENCH_SEED     seed for initialization and data order
  OPTBENCH_STEPS    number of training steps
  OPTBENCH_TRIAL    study/optimizer#index
  OPTBENCH_OPTIMIZER the study's label for this trial (also in OPTBENCH_TRIAL)
and reads one JSON object per line from standard output:
  {"step": t, "train_loss": x}  and  {"step": t, "validation_error": x, "validation_loss": x, "test_error": x}
Exit 0 means completed; a NaN/inf loss means diverged; anything else fails the trial.

The update rules follow optbench's parametrization exactly (docs/optimizers.md): sgd, momentum
and nesterov are torch.optim.SGD as they are; adam/adamw take epsilon on the uncorrected sqrt(v)
and the bias correction on the whole step, which torch.optim.Adam does not, so they are written out.
"""
import json
import math
import os
import sys

import torch

KNOWN = {
    "sgd": {"learning_rate"},
    "momentum": {"learning_rate", "momentum"},
    "nesterov": {"learning_rate", "momentum"},
    "adam": {"learning_rate", "beta1", "beta2", "epsilon"},
    "adamw": {"learning_rate", "beta1", "beta2", "epsilon"},
}
SCHEDULE = {"warmup_factor", "weight_decay"}


def fail(message):
    print("train.py: " + message, file=sys.stderr)
    sys.exit(2)


def data(n, generator, teacher):
    x = torch.randn(n, 32, generator=generator)
    with torch.no_grad():
        y = teacher(x).argmax(dim=1)
    return x, y


def rate(h, t, total):
    """optbench's warmup_cosine when warmup_factor is given (SPEC section 3), else constant."""
    lr = h["learning_rate"]
    if "warmup_factor" not in h:
        return lr
    w = math.floor(h["warmup_factor"] * total)
    if t < w:
        return lr * (t + 1) / w
    return lr * 0.5 * (1 + math.cos(math.pi * (t - w) / (total - w)))


def main():
    h = json.loads(os.environ["OPTBENCH_HPARAMS"])
    seed = int(os.environ["OPTBENCH_SEED"])
    total = int(os.environ["OPTBENCH_STEPS"])
    name = os.environ.get("OPTBENCH_OPTIMIZER", "sgd")
    if name not in KNOWN:
        fail("no rule for optimizer '%s' (this example knows %s)" % (name, ", ".join(sorted(KNOWN))))
    unknown = set(h) - KNOWN[name] - SCHEDULE
    if unknown:
        fail("%s does not use %s: remove them from the space" % (name, ", ".join(sorted(unknown))))
    torch.set_num_threads(1)

    # The same data for every trial; initialization and order from the trial's seed.
    g = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    teacher = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.Tanh(), torch.nn.Linear(64, 10))
    train_x, train_y = data(2048, g, teacher)
    val_x, val_y = data(512, g, teacher)
    test_x, test_y = data(512, g, teacher)
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    params = list(model.parameters())
    order = torch.Generator().manual_seed(seed)
    loss_fn = torch.nn.CrossEntropyLoss()

    lam = h.get("weight_decay", 0.0)
    if name in ("sgd", "momentum", "nesterov"):
        gamma = h.get("momentum", 0.9) if name != "sgd" else 0.0
        # PyTorch's SGD is optbench's rule as it is: v <- gamma v + g; theta <- theta - eta v (nesterov: gamma v + g).
        opt = torch.optim.SGD(params, lr=h["learning_rate"], momentum=gamma, nesterov=(name == "nesterov"))
    else:
        b1, b2, eps = h.get("beta1", 0.9), h.get("beta2", 0.999), h.get("epsilon", 1e-8)
        m = [torch.zeros_like(p) for p in params]
        v = [torch.zeros_like(p) for p in params]

    def evaluate(x, y):
        with torch.no_grad():
            out = model(x)
            return loss_fn(out, y).item(), (out.argmax(dim=1) != y).float().mean().item()

    perm = torch.randperm(2048, generator=order)
    pos = 0
    for t in range(total):
        if pos + 64 > 2048:
            perm, pos = torch.randperm(2048, generator=order), 0
        idx = perm[pos:pos + 64]
        pos += 64
        loss = loss_fn(model(train_x[idx]), train_y[idx])
        model.zero_grad()
        loss.backward()
        lr = rate(h, t, total)
        with torch.no_grad():
            if lam:
                old = [p.clone() for p in params]  # decoupled weight decay from theta before the step
            if name in ("sgd", "momentum", "nesterov"):
                for group in opt.param_groups:
                    group["lr"] = lr
                opt.step()
            else:
                b = math.sqrt(1 - b2 ** (t + 1)) / (1 - b1 ** (t + 1))
                for p, mi, vi in zip(params, m, v):
                    mi.mul_(b1).add_(p.grad, alpha=1 - b1)
                    vi.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                    p.sub_(lr * b * mi / (vi.sqrt() + eps))
            if lam:
                for p, o in zip(params, old):
                    p.sub_(lr * lam * o)
        step = t + 1
        if step % 10 == 0 or not math.isfinite(loss.item()):
            print(json.dumps({"step": step, "train_loss": loss.item()}), flush=True)
            if not math.isfinite(loss.item()):
                return
        if step % 50 == 0 or step == total:
            vl, ve = evaluate(val_x, val_y)
            _, te = evaluate(test_x, test_y)
            print(json.dumps({"step": step, "validation_error": ve, "validation_loss": vl, "test_error": te}), flush=True)


if __name__ == "__main__":
    main()
