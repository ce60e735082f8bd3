"""Recomputes Java `optbench trace` paths with the torch engine's rules and schedules and compares
them: usage trace_check.py CASES_JSON, a list of {"csv", "optimizer", "hparams", "function"}.
Prints "ok N" per case, or its first point off by more than 1e-6 (relative to max(1, |value|)),
and exits 1 if any was. Used by TorchConformanceTest."""
import csv
import json
import sys

import torch

from optbench_torch import optim

def f(p, function):
    x, y = p[0], p[1]
    if function == "rosenbrock":
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2
    if function == "beale":
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2
    return 0.5 * (x * x + 10 * y * y)


def check(path, name, hparams, function):
    rows = [[float(v) for v in r] for r in list(csv.reader(open(path)))[1:]]
    steps = len(rows) - 1
    p = torch.nn.Parameter(torch.tensor(rows[0][1:3], dtype=torch.float64))
    rule_keys = {k: v for k, v in hparams.items() if k != "learning_rate" and k not in optim.SCHEDULE_HPARAMS}
    opt = optim.rule_optimizer(name)([p], lr=hparams["learning_rate"], **rule_keys)
    rate = optim.make_schedule(hparams, steps)
    for t in range(steps + 1):
        x, y = p.detach().tolist()
        loss = f(p, function)
        jx, jy, jl = rows[t][1], rows[t][2], rows[t][3]
        if not (close(x, jx) and close(y, jy) and close(loss.item(), jl)):
            return "%s %s on %s, step %d: torch (%r, %r, loss %r) vs Java (%r, %r, loss %r)" % (
                name, json.dumps(hparams), function, t, x, y, loss.item(), jx, jy, jl)
        if t == steps:
            break
        opt.zero_grad()
        loss.backward()
        for g in opt.param_groups:
            g["lr"] = rate(t)
        opt.step()
    return "ok %d" % steps


def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


results = [check(c["csv"], c["optimizer"], c["hparams"], c["function"]) for c in json.load(open(sys.argv[1]))]
print("\n".join(results))
sys.exit(0 if all(r.startswith("ok") for r in results) else 1)
