"""Runs the K trials of a job (torch-protocol.md): the training loop of SPEC section 7 under the
layout the job asks for, printing the tagged JSON lines.

The loop is Java's Trainer's: seeded initialization and data order (bit for bit Java's), the
scheduled rate per step, L2 (l2/2 · ‖θ‖²) added to the loss, label smoothing, divergence when the
minibatch loss is NaN/∞ or above 100× the trial's first loss, and evaluations of train_eval,
validation and test every eval_interval steps and at the last step, where ``train_loss`` is the
mean minibatch loss since the previous evaluation.

Losses stay on the device and are read back at evaluations (or every ``READBACK`` steps), so a
GPU step never waits for the host; a trial that diverged in between is cut at its first
divergent step, exactly as if it had stopped there (its later updates touch only its own slice).
"""
import importlib
import inspect
import json
import math
import os
import sys
import time

import numpy as np
import torch

from . import data as datasets
from . import models, optim, stacked
from .javarandom import DataOrder

DIVERGENCE_FACTOR = 100.0
READBACK = 200
TRIAL_LOOP_KEYS = set(optim.TRAINER_HPARAMS) | set(optim.SCHEDULE_HPARAMS)


def emit(obj, out=None):
    (out or sys.stdout).write(json.dumps(obj) + "\n")
    (out or sys.stdout).flush()


class Workload:
    def __init__(self, w):
        self.name = w["name"]
        self.arch = w["architecture"]
        self.tiny = bool(w.get("tiny"))
        self.classes = int(w.get("classes") or 0)
        self.batch = int(w["batch_size"])
        self.steps = int(w["steps"])
        self.eval_interval = int(w["eval_interval"])
        self.data = w.get("data") or {}


def resolve_searched(h):
    """Canonical values from searched names (SPEC section 5) where the canonical one is absent:
    one_minus_X → X = 1 − v; learning_rate_over_epsilon → α = v·ε; learning_rate_over_sqrt_epsilon
    → η = v·√ε. The searched names are then dropped."""
    h = dict(h)
    for key in [k for k in h if k.startswith("one_minus_")]:
        v = h.pop(key)
        h.setdefault(key[len("one_minus_"):], 1 - v)
    if "learning_rate_over_epsilon" in h:
        v = h.pop("learning_rate_over_epsilon")
        if "epsilon" in h:
            h.setdefault("learning_rate", v * h["epsilon"])
    if "learning_rate_over_sqrt_epsilon" in h:
        v = h.pop("learning_rate_over_sqrt_epsilon")
        if "epsilon" in h:
            h.setdefault("learning_rate", v * math.sqrt(h["epsilon"]))
    return h


class TrialSpec:
    """One trial's settings, checked: the rule's hyperparameters (or a user class), the schedule,
    and the trial loop's own l2, label_smoothing and dropout_rate."""

    def __init__(self, t, total):
        self.id = t["id"]
        self.optimizer = t["optimizer"]
        self.seed = int(t["seed"])
        self.hparams = resolve_searched({k: float(v) for k, v in (t.get("hparams") or {}).items()})
        self.optimizer_class = t.get("optimizer_class")
        h = self.hparams
        self.l2 = h.get("l2", 0.0)
        self.smoothing = h.get("label_smoothing", 0.0)
        self.dropout = h.get("dropout_rate", 0.0)
        for key, v in h.items():
            if not math.isfinite(v):
                raise ValueError("hyperparameter %s = %s is not a finite number" % (key, v))
        if self.l2 < 0:
            raise ValueError("l2 = %g is out of range: need l2 >= 0" % self.l2)
        for key in ("label_smoothing", "dropout_rate"):
            if not 0 <= h.get(key, 0.0) < 1:
                raise ValueError("%s = %g is out of range: need 0 <= %s < 1" % (key, h[key], key))
        if "learning_rate" not in h:
            raise ValueError("learning_rate is required")
        self.schedule = optim.make_schedule(h, total)
        self.rule = None
        if not self.optimizer_class:
            self.rule = optim.rule(self.optimizer).name
            optim.rule(self.rule).resolve(h)

    def rule_hparams(self):
        return {k: v for k, v in self.hparams.items() if k not in TRIAL_LOOP_KEYS}


def load_class(spec):
    """'package.module:Class' -> the class (a torch.optim.Optimizer subclass)."""
    if ":" not in spec:
        raise ValueError("optimizer_class '%s' must be 'package.module:Class'" % spec)
    module, name = spec.split(":", 1)
    cls = getattr(importlib.import_module(module), name)
    if not (inspect.isclass(cls) and issubclass(cls, torch.optim.Optimizer)):
        raise ValueError("%s is not a torch.optim.Optimizer subclass" % spec)
    return cls


def user_optimizer(spec, params):
    """Class(params, lr=η_0, **rest); rest drops learning_rate, the trial loop's keys and
    weight_decay unless __init__ takes it (then the engine applies it, decoupled)."""
    cls = load_class(spec.optimizer_class)
    rest = {k: v for k, v in spec.hparams.items() if k not in TRIAL_LOOP_KEYS and k != "learning_rate"}
    takes_decay = "weight_decay" in inspect.signature(cls.__init__).parameters
    engine_decay = 0.0
    if not takes_decay:
        engine_decay = rest.pop("weight_decay", 0.0)
    return cls(params, lr=spec.schedule(0), **rest), engine_decay


# ---- losses ----

def trial_losses(logits, labels, smoothing):
    """Per-trial mean smoothed cross-entropy of logits [K, B, (T,) C] against labels [K, B, (T)];
    smoothing is a tensor [K] or None (Losses.trialMeanCrossEntropy)."""
    k, c = logits.shape[0], logits.shape[-1]
    logp = logits.reshape(k, -1, c).log_softmax(-1)
    picked = logp.gather(-1, labels.reshape(k, -1, 1)).squeeze(-1).mean(1)
    if smoothing is None:
        return -picked
    return -(picked * (1 - smoothing) + logp.mean((1, 2)) * smoothing)


def eval_sums(logits, labels):
    """Per-trial summed plain cross-entropy and wrong count of logits [K, N, (T,) C], labels [N, (T)]."""
    k, c = logits.shape[0], logits.shape[-1]
    logp = logits.reshape(k, -1, c).log_softmax(-1)
    y = labels.reshape(1, -1, 1).expand(k, -1, 1)
    loss = -logp.gather(-1, y).squeeze(-1).sum(1)
    wrong = (logits.reshape(k, -1, c).argmax(-1) != y.squeeze(-1)).float().sum(1)
    return loss, wrong


def eval_batch(splits, batch):
    """Java's evaluation chunk: 1,000 examples when that is at most 4M feature values, else the batch."""
    size = int(np.prod(splits.feature_shape))
    return max(1000, batch) if size * 1000 <= 4_000_000 else batch


# ---- groups: one eager trial, or K stacked trials ----

class EagerGroup:
    """One trial as a plain nn.Module and a torch.optim.Optimizer."""

    def __init__(self, spec, job, splits, device, init_dir, shape):
        self.specs = [spec]
        self.device = device
        torch.manual_seed(spec.seed & 0x7FFFFFFF)
        self.model = models.build(job.workload.arch, job.workload.tiny, splits.classes, spec.dropout, shape)
        if init_dir:
            models.load_weights(self.model, init_dir)
        else:
            models.initialize(self.model, spec.seed)
        self.model.to(device)
        self.params = [t for _, t, _, trainable in models.java_parameters(self.model) if trainable]
        if spec.optimizer_class:
            self.opt, self.engine_decay = user_optimizer(spec, self.params)
        else:
            self.opt = optim.rule_optimizer(spec.rule)(self.params, lr=spec.schedule(0), **{
                k: v for k, v in spec.rule_hparams().items() if k != "learning_rate"})
            self.engine_decay = 0.0
        self.smoothing = torch.tensor([spec.smoothing], device=device) if spec.smoothing > 0 else None

    def step(self, t, rows):
        """rows: [1, B] positions in the training split."""
        spec = self.specs[0]
        x, y = self.train.batch(self.train_rows[rows[0]])
        x, y = x.to(self.device), y.to(self.device)
        self.model.train()
        logits = self.model(x).unsqueeze(0)
        loss = trial_losses(logits, y.unsqueeze(0), self.smoothing)[0]
        objective = loss
        if spec.l2 > 0:
            objective = loss + sum((p * p).sum() for p in self.params) * (spec.l2 / 2)
        self.opt.zero_grad(set_to_none=True)
        objective.backward()
        rate = spec.schedule(t)
        for group in self.opt.param_groups:
            group["lr"] = rate
        decay = [p.detach() * (rate * self.engine_decay) for p in self.params] if self.engine_decay else None
        self.opt.step()
        if decay:
            with torch.no_grad():
                for p, d in zip(self.params, decay):
                    p.sub_(d)
        return loss.detach().reshape(1)

    @torch.no_grad()
    def evaluate(self, split, chunk):
        self.model.eval()
        loss = torch.zeros(1, device=self.device, dtype=torch.float64)
        wrong = torch.zeros(1, device=self.device, dtype=torch.float64)
        for start in range(0, len(split), chunk):
            x, y = split.source.batch(split.rows[start:start + chunk])
            l, w = eval_sums(self.model(x.to(self.device)).unsqueeze(0), y.to(self.device))
            loss += l
            wrong += w
        return loss, wrong


class StackedGroup:
    """K trials of one rule as one computation over a trial axis (stacked.py), optionally captured
    whole (forward, backward, update) in a CUDA graph with static index and coefficient buffers."""

    def __init__(self, specs, job, splits, device, init_dir, shape, variant, java_init=True):
        self.specs = specs
        self.device = device
        self.variant = variant
        k = len(specs)
        arch = job.workload.arch
        any_dropout = max(s.dropout for s in specs)
        torch.manual_seed(specs[0].seed & 0x7FFFFFFF)
        # The single declared module; dropout layers exist when any trial drops out.
        self.module = models.build(arch, job.workload.tiny, splits.classes, 0.5 if any_dropout > 0 else 0.0, shape)
        per_trial = []
        for s in specs:
            if per_trial and not java_init and not init_dir:
                per_trial.append(per_trial[0])  # measurements only: one start for all
                continue
            twin = models.build(arch, job.workload.tiny, splits.classes, 0.0, shape)
            if init_dir:
                models.load_weights(twin, init_dir)
            elif java_init:
                models.initialize(twin, s.seed)
            per_trial.append([t for _, t, _, tr in models.java_parameters(twin) if tr])
        self.params = [torch.stack([p[i] for p in per_trial]).to(device).requires_grad_(True)
                       for i in range(len(per_trial[0]))]
        self.module.to(device)
        rates = torch.tensor([s.dropout for s in specs], device=device) if any_dropout > 0 else None
        if variant["net"] == "vmap":
            self.net = stacked.VmapNet(self.module, k)
        elif variant["net"].startswith("streams"):  # "streams" (8) or "streamsN"
            self.net = stacked.StreamsNet(self.module, k, int(variant["net"][len("streams"):] or 8))
        else:
            self.net = stacked.GroupedNet(self.module, k, conv=variant["net"], channels_last=variant.get("cl", False),
                                          dropout_rates=rates)
        self.rule = optim.StackedRule(specs[0].rule, [s.rule_hparams() for s in specs], self.params, device)
        self.l2 = torch.tensor([s.l2 for s in specs], device=device) if any(s.l2 > 0 for s in specs) else None
        self.smoothing = (torch.tensor([s.smoothing for s in specs], device=device)
                          if any(s.smoothing > 0 for s in specs) else None)
        self.graph = None
        self.graph_failed = None
        self.steps_done = 0

    def _step_body(self, x, y):
        logits = self.net(self.params, x, True)
        losses = trial_losses(logits, y, self.smoothing)
        objective = losses.sum()
        if self.l2 is not None:
            sq = sum((p * p).reshape(p.shape[0], -1).sum(1) for p in self.params)
            objective = objective + (sq * self.l2).sum() / 2
        grads = torch.autograd.grad(objective, self.params)
        self.rule.apply(self.params, grads)
        return losses.detach()

    def step(self, t, rows):
        """rows: [K, B] positions in the training split (host numpy)."""
        self.rule.set_step([s.schedule(t) for s in self.specs], t)
        if not self.variant.get("graph") or self.device.type != "cuda":
            idx = torch.as_tensor(self.train_rows[rows], device=self.device)
            return self._step_body(self.train.features[idx], self.train.labels[idx])
        if self.graph is None and self.steps_done >= 3 and self.graph_failed is None:
            self._capture(rows)
        if self.graph is None:  # warm-up steps before the capture run on a side stream
            self.steps_done += 1
            idx = torch.as_tensor(self.train_rows[rows], device=self.device)
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                loss = self._step_body(self.train.features[idx], self.train.labels[idx])
            torch.cuda.current_stream().wait_stream(side)
            return loss
        self.idx_uploader.put(self.train_rows[rows])
        self.graph.replay()
        return self.static_loss.clone()

    def _capture(self, rows):
        try:
            from .transfer import Uploader
            self.static_idx = torch.as_tensor(self.train_rows[rows], device=self.device).clone()
            self.idx_uploader = Uploader(self.static_idx)
            torch.cuda.synchronize()
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                self.static_loss = self._step_body(self.train.features[self.static_idx],
                                                   self.train.labels[self.static_idx])
            self.graph = graph
        except Exception as e:  # fall back to plain steps; the provenance says so
            self.graph_failed = "%s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
            torch.cuda.synchronize()

    @torch.no_grad()
    def evaluate(self, split, chunk):
        k = len(self.specs)
        loss = torch.zeros(k, device=self.device, dtype=torch.float64)
        wrong = torch.zeros(k, device=self.device, dtype=torch.float64)
        for start in range(0, len(split), chunk):
            x, y = split.source.batch(split.rows[start:start + chunk])
            x = x.to(self.device)
            xs = x.unsqueeze(0).expand((k,) + tuple(x.shape))
            l, w = eval_sums(self.net(self.params, xs, False), y.to(self.device))
            loss += l
            wrong += w
        return loss, wrong


# ---- the driver ----

class Runner:
    """Runs groups of trials and prints their lines."""

    def __init__(self, job, splits, device, out=None):
        self.job = job
        self.w = job.workload
        self.splits = splits
        self.device = device
        self.out = out
        self.chunk = eval_batch(splits, self.w.batch)
        self.train = splits.train.source
        self.train_rows = splits.train.rows
        self.fixed_order = np.load(job.order) if job.order else None
        self.spoken = set()
        self.done = set()
        # On a GPU the next epochs' permutations are drawn while the device trains.
        self.pool = None
        if device.type == "cuda":
            from concurrent.futures import ThreadPoolExecutor
            self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="optbench-order")

    def say(self, line):
        """Prints a trial's line and remembers that the trial has spoken (and whether it is done)."""
        self.spoken.add(line["trial"])
        if "status" in line:
            self.done.add(line["trial"])
        emit(line, self.out)

    def attach(self, group):
        group.train = self.train
        group.train_rows = self.train_rows
        return group

    def rows(self, orders, t):
        if self.fixed_order is not None:
            return np.stack([self.fixed_order[t] for _ in orders])
        return np.stack([o.next(self.w.batch) for o in orders])

    def run(self, group):
        """Trains ``group`` to the end of the budget, printing its trials' lines; returns nothing."""
        w = self.w
        k = len(group.specs)
        orders = [DataOrder(s.seed, len(self.train_rows), self.pool) for s in group.specs]
        alive = [True] * k
        first = [None] * k
        sums = [0.0] * k
        counts = [0] * k
        pending = []
        for t in range(w.steps):
            pending.append(group.step(t, self.rows(orders, t)))
            step = t + 1
            evaluate = step % w.eval_interval == 0 or step == w.steps
            if evaluate or len(pending) >= READBACK:
                losses = torch.stack(pending).double().cpu().numpy()
                base = step - len(pending)
                pending = []
                for i in range(k):
                    if not alive[i]:
                        continue
                    for j, loss in enumerate(losses[:, i]):
                        if first[i] is None:
                            first[i] = loss
                        if not math.isfinite(loss) or loss > DIVERGENCE_FACTOR * first[i]:
                            alive[i] = False
                            self.say({"trial": group.specs[i].id, "step": base + j + 1, "train_loss": float(loss)})
                            self.say({"trial": group.specs[i].id, "status": "diverged"})
                            break
                        sums[i] += loss
                        counts[i] += 1
                        s = base + j + 1
                        if self.job.loss_every and s % self.job.loss_every == 0 and not (evaluate and s == step):
                            self.say({"trial": group.specs[i].id, "step": s, "train_loss": float(loss)})
                if not any(alive):
                    return
            if evaluate:
                results = {}
                for name, split in (("train_eval", self.splits.train_eval), ("validation", self.splits.validation),
                                    ("test", self.splits.test)):
                    loss, wrong = group.evaluate(split, self.chunk)
                    denominator = len(split) * (int(np.prod(split.source.labels.shape[1:]))
                                                if hasattr(split.source, "labels") else 1)
                    results[name] = (loss.cpu().numpy() / denominator, wrong.cpu().numpy() / denominator)
                for i in range(k):
                    if not alive[i]:
                        continue
                    line = {"trial": group.specs[i].id, "step": step, "train_loss": sums[i] / max(counts[i], 1)}
                    for name, (loss, error) in results.items():
                        line[name + "_loss"] = float(loss[i])
                        line[name + "_error"] = float(error[i])
                    self.say(line)
                    sums[i] = 0.0
                    counts[i] = 0
                    if step == w.steps:
                        self.say({"trial": group.specs[i].id, "status": "completed"})


class Job:
    def __init__(self, raw):
        if int(raw.get("protocol", 1)) != 1:
            raise ValueError("job protocol %s is not 1" % raw.get("protocol"))
        self.raw = raw
        self.device = raw.get("device", "cpu")
        self.layout = raw.get("layout", "auto")
        self.deterministic = bool(raw.get("deterministic", True))
        self.threads = int(raw.get("threads") or 0)
        self.workload = Workload(raw["workload"])
        self.trials = raw["trials"]
        self.init = raw.get("init")
        self.order = raw.get("order")
        self.loss_every = int(raw.get("loss_every") or 0)  # tests: train_loss every N steps besides evaluations


def setup_torch(job):
    """Threads, determinism and the device; returns (torch.device, provenance dict)."""
    if job.device == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        if not torch.cuda.is_available():
            raise RuntimeError("device cuda: no CUDA device visible to PyTorch")
        device = torch.device("cuda")
    elif job.device == "cpu":
        device = torch.device("cpu")
    else:
        raise ValueError("unknown device '%s': choose cuda or cpu" % job.device)
    if job.threads > 0:
        torch.set_num_threads(job.threads)
    if job.deterministic:
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return device


def provenance(device, layout, job, extra=None):
    cuda = device.type == "cuda"
    p = {"engine": "torch", "torch": torch.__version__,
         "cuda": torch.version.cuda if cuda else None,
         "cudnn": torch.backends.cudnn.version() if cuda else None,
         "device": torch.cuda.get_device_name(device) if cuda else "cpu",
         "layout": layout, "deterministic": job.deterministic,
         "tf32": bool(cuda and torch.backends.cuda.matmul.allow_tf32),
         "tf32_cudnn": bool(cuda and torch.backends.cudnn.allow_tf32),
         "python": sys.version.split()[0], "threads": torch.get_num_threads()}
    p.update(extra or {})
    return p


def stackable(job, specs, splits, shape):
    """The stacked net kinds the trials allow: [] when they must run eagerly."""
    if any(s.optimizer_class for s in specs) or len(specs) < 2:
        return []
    probe = models.build(job.workload.arch, job.workload.tiny, splits.classes, 0.0, shape)
    kinds = []
    if stacked.can_group(probe):
        # im2col keeps k·k copies of every activation: not for the deep batch-norm nets
        kinds += ["grouped", "mixed"] if stacked.has_batch_norm(probe) else ["grouped", "bmm", "mixed"]
    if max(s.dropout for s in specs) == 0:
        if not stacked.has_batch_norm(probe) and job.workload.arch != "CHAR_LSTM":
            kinds.append("vmap")
        kinds.append("streams")
    return kinds


def run_job(raw, out=None):
    """Runs a parsed job; returns the process exit status."""
    from . import layouts
    job = Job(raw)
    device = setup_torch(job)
    w = job.workload
    specs, failed = [], []
    for t in job.trials:
        try:
            specs.append(TrialSpec(t, w.steps))
        except Exception as e:
            failed.append((t.get("id"), "%s" % e))
    try:
        splits = datasets.load(w.data)
    except Exception as e:
        emit({"provenance": provenance(device, "none", job)}, out)
        for t in job.trials:
            emit({"trial": t["id"], "status": "failed", "message": "data: %s" % e}, out)
        return 0
    shape = splits.feature_shape
    on_device = splits.to(device) if not isinstance(splits.train.source, datasets.ImageFolderSource) else splits
    by_rule = {}
    eager = []
    for s in specs:
        (eager if s.optimizer_class else by_rule.setdefault(s.rule, [])).append(s)
    plan, note = layouts.plan(job, by_rule, on_device, shape, device)
    emit({"provenance": provenance(device, note, job)}, out)
    for trial_id, message in failed:
        emit({"trial": trial_id, "status": "failed", "message": message}, out)
    runner = Runner(job, on_device, device, out)
    groups = []
    for rule_specs, variant in plan:
        if variant is None:
            eager.extend(rule_specs)
        else:
            groups.append((rule_specs, variant))
    for rule_specs, variant in groups:
        try:
            group = runner.attach(StackedGroup(rule_specs, job, on_device, device, job.init, shape, variant))
            runner.run(group)
            if getattr(group, "graph_failed", None):
                print("optbench_torch: CUDA graph capture failed, ran uncaptured: %s" % group.graph_failed,
                      file=sys.stderr)
        except Exception as e:
            message = ("stacked layout failed: %s: %s" % (type(e).__name__, e)).splitlines()[0]
            print("optbench_torch: %s; its trials that printed nothing run eagerly" % message, file=sys.stderr)
            for spec in rule_specs:
                if spec.id in runner.done:
                    continue
                if spec.id in runner.spoken:  # measurements are out: rerunning would print them twice
                    runner.say({"trial": spec.id, "status": "failed", "message": message})
                else:
                    eager.append(spec)
    for spec in eager:
        try:
            runner.run(runner.attach(EagerGroup(spec, job, on_device, device, job.init, shape)))
        except Exception as e:
            emit({"trial": spec.id, "status": "failed",
                  "message": ("%s: %s" % (type(e).__name__, e)).splitlines()[0]}, out)
    return 0


def main_run():
    path = os.environ.get("OPTBENCH_JOB")
    if not path:
        print("optbench_torch: OPTBENCH_JOB is not set: it must name the job file", file=sys.stderr)
        return 2
    with open(path) as f:
        raw = json.load(f)
    return run_job(raw)
