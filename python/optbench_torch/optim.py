"""optbench's six update rules (SPEC section 2) and schedules (SPEC section 3) in PyTorch.

Each rule is written once, as two small functions over explicit state:

* ``coefficients(hp, lr, t)``: the step's scalars from the hyperparameters, the scheduled rate
  and the step t. Works on Python floats (one trial) and on numpy arrays of shape [K] (K trials).
* ``update(p, g, state, c)``: applies one step in place. ``c`` holds floats (one trial) or
  tensors that broadcast along ``p`` (K trials with a leading trial axis, shape [K, 1, ..]).

:class:`RuleOptimizer` (a ``torch.optim.Optimizer``) and :class:`StackedRule` (K trials as one
set of stacked tensors) both call them, so the arithmetic exists once. Decoupled weight decay
(θ ← θ − α_t λ θ_old − step) is applied by both around the rule, as Java's StackedOptimizer does.

This is optbench's parametrization, not PyTorch's: RMSProp's ε is inside the square root, its v
starts at 1 and the rate enters the momentum buffer; Adam's ε is added to the uncorrected √v and
the bias correction b multiplies the whole step.
"""
import math

import numpy as np
import torch

ALIASES = {"adamw": "adam", "nadamw": "nadam"}

# The trial loop's own keys and the schedule's: never passed to a rule.
TRAINER_HPARAMS = ("l2", "label_smoothing", "dropout_rate")
SCHEDULE_HPARAMS = ("decay_steps_factor", "decay_factor", "warmup_factor", "end_factor")
WEIGHT_DECAY = "weight_decay"


def _sqrt(x):
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


def _sgd_coef(hp, lr, t):
    return {"lr": lr}


def _sgd_update(p, g, state, c):
    p.sub_(g * c["lr"])


def _momentum_coef(hp, lr, t):
    return {"lr": lr, "momentum": hp["momentum"]}


def _momentum_update(p, g, state, c):
    v = state[0]
    v.mul_(c["momentum"]).add_(g)
    p.sub_(v * c["lr"])


def _nesterov_update(p, g, state, c):
    v = state[0]
    gamma = c["momentum"]
    v.mul_(gamma).add_(g)
    p.sub_((v * gamma + g) * c["lr"])


def _rmsprop_coef(hp, lr, t):
    return {"lr": lr, "momentum": hp["momentum"], "rho": hp["rho"], "one_minus_rho": 1 - hp["rho"],
            "epsilon": hp["epsilon"]}


def _rmsprop_update(p, g, state, c):
    v, m = state
    v.mul_(c["rho"]).add_(g * g * c["one_minus_rho"])
    m.mul_(c["momentum"]).add_(g * c["lr"] / (v + c["epsilon"]).sqrt())
    p.sub_(m)


def bias_correction(beta1, beta2, t):
    """b = √(1 − β2^(t+1)) / (1 − β1^(t+1))."""
    return _sqrt(1 - beta2 ** (t + 1)) / (1 - beta1 ** (t + 1))


def _adam_coef(hp, lr, t):
    b1, b2 = hp["beta1"], hp["beta2"]
    return {"beta1": b1, "one_minus_beta1": 1 - b1, "beta2": b2, "one_minus_beta2": 1 - b2,
            "step": lr * bias_correction(b1, b2, t), "epsilon": hp["epsilon"]}


def _adam_moments(g, state, c):
    m, v = state
    m.mul_(c["beta1"]).add_(g * c["one_minus_beta1"])
    v.mul_(c["beta2"]).add_(g * g * c["one_minus_beta2"])


def _adam_update(p, g, state, c):
    _adam_moments(g, state, c)
    m, v = state
    p.sub_(m * c["step"] / (v.sqrt() + c["epsilon"]))


def _nadam_update(p, g, state, c):
    _adam_moments(g, state, c)
    m, v = state
    lookahead = m * c["beta1"] + g * c["one_minus_beta1"]
    p.sub_(lookahead * c["step"] / (v.sqrt() + c["epsilon"]))


class Rule:
    """One update rule: its hyperparameters with defaults (None: required), state start values,
    and the two functions above."""

    def __init__(self, name, defaults, state, coefficients, update):
        self.name = name
        self.defaults = defaults
        self.state = state
        self.coefficients = coefficients
        self.update = update

    def resolve(self, hparams):
        """The rule's hyperparameters from a trial's map, defaults filled in; ValueError on a missing
        learning_rate or an unknown key."""
        known = set(self.defaults) | {WEIGHT_DECAY} | set(TRAINER_HPARAMS) | set(SCHEDULE_HPARAMS)
        unknown = sorted(k for k in hparams if k not in known and k not in _DERIVED)
        if unknown:
            raise ValueError("unknown hyperparameter '%s' for %s: accepted are %s"
                             % (unknown[0], self.name, ", ".join(sorted(known))))
        out = {}
        for key, default in self.defaults.items():
            value = hparams.get(key, default)
            if value is None:
                raise ValueError("%s is required for %s" % (key, self.name))
            out[key] = float(value)
        out[WEIGHT_DECAY] = float(hparams.get(WEIGHT_DECAY, 0.0))
        return out


# Searched names a trial may carry next to the canonical values they resolve to (SPEC section 5).
_DERIVED = ("one_minus_momentum", "one_minus_beta1", "one_minus_beta2", "one_minus_rho",
            "learning_rate_over_epsilon", "learning_rate_over_sqrt_epsilon")

RULES = {
    "sgd": Rule("sgd", {"learning_rate": None}, [], _sgd_coef, _sgd_update),
    "momentum": Rule("momentum", {"learning_rate": None, "momentum": 0.9}, [("v", 0.0)],
                     _momentum_coef, _momentum_update),
    "nesterov": Rule("nesterov", {"learning_rate": None, "momentum": 0.9}, [("v", 0.0)],
                     _momentum_coef, _nesterov_update),
    "rmsprop": Rule("rmsprop", {"learning_rate": None, "momentum": 0.9, "rho": 0.9, "epsilon": 1e-10},
                    [("v", 1.0), ("m", 0.0)], _rmsprop_coef, _rmsprop_update),
    "adam": Rule("adam", {"learning_rate": None, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
                 [("m", 0.0), ("v", 0.0)], _adam_coef, _adam_update),
    "nadam": Rule("nadam", {"learning_rate": None, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
                  [("m", 0.0), ("v", 0.0)], _adam_coef, _nadam_update),
}


def rule(name):
    """The rule for an optimizer name (adamw and nadamw are adam and nadam); ValueError if unknown."""
    key = ALIASES.get(name, name)
    if key not in RULES:
        raise ValueError("unknown optimizer '%s': choose one of %s" % (name, ", ".join(list(RULES) + list(ALIASES))))
    return RULES[key]


class RuleOptimizer(torch.optim.Optimizer):
    """One trial's optimizer: ``lr`` is the scheduled rate of the coming step (the trial loop sets
    every group's ``lr`` before each step); the other keywords are the rule's hyperparameters."""

    RULE = None

    def __init__(self, params, lr, rule_name=None, **hparams):
        r = rule(rule_name or self.RULE)
        resolved = r.resolve(dict(hparams, learning_rate=lr))
        super().__init__(params, dict(resolved, lr=float(lr)))
        self.rule = r

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            t = group.setdefault("t", 0)
            c = self.rule.coefficients(group, float(group["lr"]), t)
            decay = group["lr"] * group[WEIGHT_DECAY]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if "buffers" not in st:
                    st["buffers"] = [torch.full_like(p, v) for _, v in self.rule.state]
                decay_term = p * decay if decay != 0 else None
                self.rule.update(p, p.grad, st["buffers"], c)
                if decay_term is not None:
                    p.sub_(decay_term)
            group["t"] = t + 1
        return loss


class SGD(RuleOptimizer):
    RULE = "sgd"


class Momentum(RuleOptimizer):
    RULE = "momentum"


class Nesterov(RuleOptimizer):
    RULE = "nesterov"


class RMSProp(RuleOptimizer):
    RULE = "rmsprop"


class Adam(RuleOptimizer):
    RULE = "adam"


class NAdam(RuleOptimizer):
    RULE = "nadam"


class StackedRule:
    """K trials of one rule over stacked parameters (leading trial axis K), each with its own
    hyperparameters. The step's coefficients live in device tensors of shape [K] that
    :meth:`set_step` rewrites in place, so :meth:`apply` touches no host data and can be captured
    in a CUDA graph."""

    def __init__(self, rule_name, hparams_list, params, device):
        self.rule = rule(rule_name)
        resolved = [self.rule.resolve(h) for h in hparams_list]
        self.k = len(resolved)
        self.hp = {key: np.array([r[key] for r in resolved], dtype=np.float64) for key in resolved[0]}
        self.decay = bool(np.any(self.hp[WEIGHT_DECAY] != 0))
        names = list(self.rule.coefficients(self.hp, self.hp["learning_rate"], 0)) + ["decay"]
        # One packed [coefficients, K] tensor, rewritten in place each step; its rows are the buffers.
        self.packed = torch.zeros(len(names), self.k, device=device, dtype=params[0].dtype)
        self.coef = {n: self.packed[i] for i, n in enumerate(names)}
        self.state = [[torch.full_like(p, v) for _, v in self.rule.state] for p in params]
        from .transfer import Uploader
        self.uploader = Uploader(self.packed)

    def set_step(self, rates, t):
        """Writes the coefficients of step t with scheduled rates ``rates`` [K] into the buffers."""
        rates = np.asarray(rates, dtype=np.float64)
        values = self.rule.coefficients(self.hp, rates, t)
        values["decay"] = rates * self.hp[WEIGHT_DECAY]
        self.uploader.put(np.stack([np.broadcast_to(np.asarray(values[n], dtype=np.float64), (self.k,))
                                    for n in self.coef]))

    @torch.no_grad()
    def apply(self, params, grads):
        for p, g, st in zip(params, grads, self.state):
            shape = (self.k,) + (1,) * (p.dim() - 1)
            c = {n: v.view(shape) for n, v in self.coef.items()}
            decay_term = p * c["decay"] if self.decay else None
            self.rule.update(p, g, st, c)
            if decay_term is not None:
                p.sub_(decay_term)


# ---- schedules (SPEC section 3; selection and checks as Java's optim/Schedules.java) ----

DEFAULT_DECAY_STEPS_FACTOR = 1.0
DEFAULT_DECAY_FACTOR = 0.01
DEFAULT_WARMUP_FACTOR = 0.0
DEFAULT_END_FACTOR = 0.01


def schedule_kind(names):
    """none → constant; end_factor → warmup_linear_decay; warmup_factor → warmup_cosine; else linear_decay."""
    names = set(names) & set(SCHEDULE_HPARAMS)
    if not names:
        return "constant"
    if "end_factor" in names:
        return "warmup_linear_decay"
    return "warmup_cosine" if "warmup_factor" in names else "linear_decay"


def _unit(h, key, default, kind):
    v = float(h.get(key, default))
    if not (0 < v <= 1):
        raise ValueError("%s = %g is out of range for %s: need 0 < %s <= 1" % (key, v, kind, key))
    return v


def _warmup(h, total):
    f = float(h.get("warmup_factor", DEFAULT_WARMUP_FACTOR))
    if not (0 <= f < 1):
        raise ValueError("warmup_factor = %g is out of range: need 0 <= warmup_factor < 1" % f)
    return int(math.floor(f * total))


def make_schedule(hparams, total):
    """The rate function t → η_t for a trial's hyperparameters (learning_rate and schedule keys)
    over ``total`` steps; ValueError on values Java would reject."""
    lr = float(hparams["learning_rate"])
    if not (lr > 0) or not math.isfinite(lr):
        raise ValueError("learning_rate = %g is out of range: need learning_rate > 0" % lr)
    sched = {k: v for k, v in hparams.items() if k in SCHEDULE_HPARAMS}
    kind = schedule_kind(sched)
    if kind == "constant":
        return lambda t: lr
    if total < 1:
        raise ValueError("%s needs total steps >= 1, got %d" % (kind, total))
    if kind == "linear_decay":
        steps = _unit(sched, "decay_steps_factor", DEFAULT_DECAY_STEPS_FACTOR, kind) * total
        f = _unit(sched, "decay_factor", DEFAULT_DECAY_FACTOR, kind)
        return lambda t: lr * (f + (1 - f) * (1 - min(t, steps) / steps))
    w = _warmup(sched, total)
    if kind == "warmup_cosine":
        if "decay_factor" in sched or "decay_steps_factor" in sched:
            raise ValueError("decay_steps_factor/decay_factor do not apply to schedule warmup_cosine (it takes warmup_factor)")

        def cosine(t):
            if t < w:
                return lr * (t + 1) / w
            return lr * 0.5 * (1 + math.cos(math.pi * (t - w) / (total - w)))
        return cosine
    if "decay_factor" in sched:
        raise ValueError("decay_factor does not apply to schedule warmup_linear_decay "
                         "(it takes warmup_factor, decay_steps_factor, end_factor)")
    d = int(math.floor(_unit(sched, "decay_steps_factor", DEFAULT_DECAY_STEPS_FACTOR, kind) * total))
    end = float(sched.get("end_factor", DEFAULT_END_FACTOR))
    if not (0 <= end <= 1):
        raise ValueError("end_factor = %g is out of range for warmup_linear_decay: need 0 <= end_factor <= 1" % end)
    if d <= w:
        raise ValueError("warmup_linear_decay needs decay_steps_factor > warmup_factor (D = %d steps, W = %d steps of %d)"
                         % (d, w, total))

    def warmup_linear(t):
        if t < w:
            return lr * (t + 1) / w
        if t < d:
            return lr * (1 - (1 - end) * (t - w) / (d - w))
        return end * lr
    return warmup_linear


def rule_optimizer(name):
    """The torch.optim.Optimizer class of rule ``name`` (aliases allowed)."""
    return {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "rmsprop": RMSProp, "adam": Adam,
            "nadam": NAdam}[rule(name).name]
