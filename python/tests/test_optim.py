"""The six rules and the schedules against numbers derived by hand (SPEC sections 2 and 3)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import math
import unittest

import numpy as np
import torch

from optbench_torch import optim


def run_two_steps(name, grads, theta0=1.0, **hp):
    """θ after each of two steps with fixed gradients (float64, lr 0.1 constant)."""
    p = torch.nn.Parameter(torch.full((2,), theta0, dtype=torch.float64))
    opt = optim.rule_optimizer(name)([p], lr=0.1, **hp)
    out = []
    for g in grads:
        p.grad = torch.full((2,), g, dtype=torch.float64)
        opt.step()
        out.append(p.detach()[0].item())
    return out


class RulesByHand(unittest.TestCase):
    def check(self, name, expected, **hp):
        got = run_two_steps(name, [0.5, -0.2], **hp)
        for g, e in zip(got, expected):
            self.assertAlmostEqual(g, e, places=12, msg=name)

    def test_sgd(self):
        self.check("sgd", [1 - 0.1 * 0.5, 0.95 + 0.1 * 0.2])

    def test_momentum(self):
        # v1 = 0.5, v2 = 0.9*0.5 - 0.2 = 0.25
        self.check("momentum", [0.95, 0.95 - 0.1 * 0.25], momentum=0.9)

    def test_nesterov(self):
        # step 1: 0.1*(0.9*0.5 + 0.5) = 0.095; step 2: v = 0.25, 0.1*(0.9*0.25 - 0.2) = 0.0025
        self.check("nesterov", [0.905, 0.9025], momentum=0.9)

    def test_rmsprop_eps_inside_sqrt_v_starts_at_one(self):
        v1 = 0.9 * 1 + 0.1 * 0.25
        m1 = 0.1 * 0.5 / math.sqrt(v1 + 0.01)
        v2 = 0.9 * v1 + 0.1 * 0.04
        m2 = 0.9 * m1 + 0.1 * -0.2 / math.sqrt(v2 + 0.01)
        self.check("rmsprop", [1 - m1, 1 - m1 - m2], momentum=0.9, rho=0.9, epsilon=0.01)

    def test_adam_eps_on_uncorrected_sqrt_v(self):
        eps = 1e-3
        m1, v1 = 0.1 * 0.5, 0.001 * 0.25
        b1 = math.sqrt(1 - 0.999) / (1 - 0.9)
        t1 = 1 - 0.1 * b1 * m1 / (math.sqrt(v1) + eps)
        m2, v2 = 0.9 * m1 - 0.1 * 0.2, 0.999 * v1 + 0.001 * 0.04
        b2 = math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)
        t2 = t1 - 0.1 * b2 * m2 / (math.sqrt(v2) + eps)
        self.check("adam", [t1, t2], beta1=0.9, beta2=0.999, epsilon=eps)

    def test_nadam(self):
        eps = 1e-3
        m1, v1 = 0.1 * 0.5, 0.001 * 0.25
        b1 = math.sqrt(1 - 0.999) / (1 - 0.9)
        t1 = 1 - 0.1 * b1 * (0.9 * m1 + 0.1 * 0.5) / (math.sqrt(v1) + eps)
        m2, v2 = 0.9 * m1 - 0.1 * 0.2, 0.999 * v1 + 0.001 * 0.04
        b2 = math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)
        t2 = t1 - 0.1 * b2 * (0.9 * m2 + 0.1 * -0.2) / (math.sqrt(v2) + eps)
        self.check("nadam", [t1, t2], beta1=0.9, beta2=0.999, epsilon=eps)

    def test_decoupled_weight_decay_uses_theta_before_the_step(self):
        # θ1 = 1 − 0.1·0.5 − 0.1·0.5·1 = 0.9; θ2 = 0.9 + 0.02 − 0.1·0.5·0.9 = 0.875
        self.check("sgd", [0.9, 0.875], weight_decay=0.5)
        # momentum: θ1 = 1 − 0.05 − 0.1·0.2·1 = 0.93; θ2 = 0.93 − 0.025 − 0.1·0.2·0.93 = 0.8864
        self.check("momentum", [0.93, 0.8864], momentum=0.9, weight_decay=0.2)

    def test_defaults_fill_missing_values(self):
        self.assertEqual(run_two_steps("momentum", [0.5, -0.2]), run_two_steps("momentum", [0.5, -0.2], momentum=0.9))
        self.assertEqual(optim.rule("rmsprop").resolve({"learning_rate": 1})["epsilon"], 1e-10)
        self.assertEqual(optim.rule("adamw").resolve({"learning_rate": 1})["epsilon"], 1e-8)

    def test_unknown_hyperparameter_and_optimizer_are_errors(self):
        with self.assertRaisesRegex(ValueError, "unknown hyperparameter 'gamma'"):
            optim.rule("sgd").resolve({"learning_rate": 1, "gamma": 2})
        with self.assertRaisesRegex(ValueError, "unknown optimizer 'lamb'"):
            optim.rule("lamb")


class StackedEqualsSeparate(unittest.TestCase):
    def test_each_rule_over_three_trials(self):
        gen = torch.Generator().manual_seed(3)
        hps = [{"learning_rate": 0.1, "momentum": 0.8, "rho": 0.95, "epsilon": 1e-3, "beta1": 0.8, "beta2": 0.99},
               {"learning_rate": 0.03, "momentum": 0.5, "rho": 0.5, "epsilon": 1e-6, "beta1": 0.5, "beta2": 0.9,
                "weight_decay": 0.1},
               {"learning_rate": 0.3, "momentum": 0.0, "rho": 0.99, "epsilon": 1.0, "beta1": 0.0, "beta2": 0.5}]
        for name in optim.RULES:
            keys = set(optim.rule(name).defaults) | {"weight_decay"}
            trial_hps = [{k: v for k, v in h.items() if k in keys} for h in hps]
            start = torch.randn(3, 4, 5, generator=gen, dtype=torch.float64)
            grads = [torch.randn(3, 4, 5, generator=gen, dtype=torch.float64) for _ in range(3)]
            stacked = start.clone()
            rule = optim.StackedRule(name, trial_hps, [stacked], "cpu")
            for t, g in enumerate(grads):
                rates = [h["learning_rate"] * (1 - 0.1 * t) for h in trial_hps]
                rule.set_step(rates, t)
                rule.apply([stacked], [g])
            for k, h in enumerate(trial_hps):
                p = torch.nn.Parameter(start[k].clone())
                opt = optim.rule_optimizer(name)([p], **dict(h, lr=h["learning_rate"]))
                for t, g in enumerate(grads):
                    for group in opt.param_groups:
                        group["lr"] = h["learning_rate"] * (1 - 0.1 * t)
                    p.grad = g[k].clone()
                    opt.step()
                np.testing.assert_allclose(stacked[k].numpy(), p.detach().numpy(), rtol=1e-12, atol=1e-14,
                                           err_msg=name)


class Schedules(unittest.TestCase):
    def test_selection(self):
        self.assertEqual(optim.schedule_kind([]), "constant")
        self.assertEqual(optim.schedule_kind(["decay_factor"]), "linear_decay")
        self.assertEqual(optim.schedule_kind(["warmup_factor"]), "warmup_cosine")
        self.assertEqual(optim.schedule_kind(["warmup_factor", "end_factor", "decay_steps_factor"]),
                         "warmup_linear_decay")

    def test_linear_decay(self):
        s = optim.make_schedule({"learning_rate": 2.0, "decay_steps_factor": 0.5, "decay_factor": 0.1}, 10)
        self.assertAlmostEqual(s(0), 2.0)
        self.assertAlmostEqual(s(2), 2.0 * (0.1 + 0.9 * 0.6))
        self.assertAlmostEqual(s(7), 0.2)

    def test_linear_decay_defaults(self):
        s = optim.make_schedule({"learning_rate": 1.0, "decay_factor": 0.5}, 4)
        self.assertAlmostEqual(s(2), 0.75)

    def test_warmup_cosine(self):
        s = optim.make_schedule({"learning_rate": 1.0, "warmup_factor": 0.2}, 10)
        self.assertEqual([s(0), s(1), s(2)], [0.5, 1.0, 1.0])
        self.assertAlmostEqual(s(6), 0.5)
        self.assertAlmostEqual(s(9), 0.5 * (1 + math.cos(math.pi * 7 / 8)))

    def test_warmup_linear_decay(self):
        s = optim.make_schedule({"learning_rate": 1.0, "warmup_factor": 0.2, "decay_steps_factor": 0.7,
                                 "end_factor": 0.1}, 10)
        self.assertEqual([s(0), s(1)], [0.5, 1.0])
        self.assertAlmostEqual(s(4), 1 - 0.9 * 2 / 5)
        self.assertAlmostEqual(s(8), 0.1)

    def test_bad_values(self):
        with self.assertRaisesRegex(ValueError, "decay_steps_factor > warmup_factor"):
            optim.make_schedule({"learning_rate": 1.0, "warmup_factor": 0.5, "decay_steps_factor": 0.5,
                                 "end_factor": 0.1}, 10)
        with self.assertRaisesRegex(ValueError, "decay_factor = 0 is out of range"):
            optim.make_schedule({"learning_rate": 1.0, "decay_factor": 0.0}, 10)
        with self.assertRaisesRegex(ValueError, "learning_rate"):
            optim.make_schedule({"learning_rate": -1.0}, 10)


if __name__ == "__main__":
    unittest.main()
