"""`python3 -m optbench_torch run` on tiny jobs: protocol lines, failures alone, divergence,
stacked equal to eager, and the tests-only init/order fields."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import io
import json
import subprocess
import tempfile
import textwrap
import unittest

import numpy as np

from optbench_torch import models, trial
from helpers import tiny_job, trial as make_trial, write_fashion

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVAL_KEYS = {"train_loss", "train_eval_loss", "train_eval_error", "validation_loss", "validation_error",
             "test_loss", "test_error"}


def run(job):
    out = io.StringIO()
    status = trial.run_job(job, out)
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def by_trial(lines):
    out = {}
    for line in lines:
        if "trial" in line:
            out.setdefault(line["trial"], []).append(line)
    return out


class RunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.data = write_fashion(os.path.join(cls.tmp.name, "fashion"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_two_trials_through_the_command(self):
        job = tiny_job(self.data, [make_trial("s/sgd#0", seed=1), make_trial("s/sgd#1", seed=2, learning_rate=0.02)])
        path = os.path.join(self.tmp.name, "job.json")
        with open(path, "w") as f:
            json.dump(job, f)
        env = dict(os.environ, OPTBENCH_JOB=path, PYTHONPATH=PYTHON_DIR)
        done = subprocess.run([sys.executable, "-m", "optbench_torch", "run"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = [json.loads(l) for l in done.stdout.splitlines()]
        prov = lines[0]["provenance"]
        self.assertEqual((prov["engine"], prov["device"]), ("torch", "cpu"))
        self.assertTrue(prov["layout"].startswith("stacked-"), prov["layout"])
        trials = by_trial(lines[1:])
        self.assertEqual(set(trials), {"s/sgd#0", "s/sgd#1"})
        for tid, tl in trials.items():
            self.assertEqual([l["step"] for l in tl[:-1]], [2, 4])
            for l in tl[:-1]:
                self.assertEqual(set(l) - {"trial", "step"}, EVAL_KEYS)
                self.assertTrue(0 <= l["validation_error"] <= 1)
            self.assertEqual(tl[-1], {"trial": tid, "status": "completed"})

    def test_failing_user_optimizer_fails_alone_and_user_class_runs(self):
        mod = os.path.join(self.tmp.name, "mods")
        os.makedirs(mod, exist_ok=True)
        with open(os.path.join(mod, "boomopt.py"), "w") as f:
            f.write(textwrap.dedent("""
                import torch
                class Boom(torch.optim.Optimizer):
                    def __init__(self, params, lr):
                        super().__init__(params, {"lr": lr})
                    def step(self, closure=None):
                        raise RuntimeError("boom at step")
                class Plain(torch.optim.Optimizer):
                    def __init__(self, params, lr, weight_decay=0.0):
                        super().__init__(params, {"lr": lr, "weight_decay": weight_decay})
                    @torch.no_grad()
                    def step(self, closure=None):
                        for g in self.param_groups:
                            for p in g["params"]:
                                p.sub_(p.grad * g["lr"])
            """))
        sys.path.insert(0, mod)
        try:
            job = tiny_job(self.data, [make_trial("boom", optimizer="boom", optimizer_class="boomopt:Boom"),
                                       make_trial("plain", optimizer="plain", optimizer_class="boomopt:Plain"),
                                       make_trial("sgd", seed=1)])
            status, lines = run(job)
        finally:
            sys.path.remove(mod)
        self.assertEqual(status, 0)
        trials = by_trial(lines)
        self.assertEqual(trials["boom"], [{"trial": "boom", "status": "failed",
                                           "message": "RuntimeError: boom at step"}])
        self.assertEqual(trials["sgd"][-1]["status"], "completed")
        # a user class doing plain SGD at the same rate equals the built-in sgd from the same seed
        self.assertEqual(trials["plain"][-1]["status"], "completed")
        self.assertAlmostEqual(trials["plain"][0]["train_loss"], trials["sgd"][0]["train_loss"], places=5)

    def test_divergence_stops_that_trial_only(self):
        job = tiny_job(self.data, [make_trial("big", learning_rate=1e7), make_trial("ok", seed=3)], steps=6,
                       eval_interval=3)
        status, lines = run(job)
        trials = by_trial(lines)
        self.assertEqual(trials["big"][-1], {"trial": "big", "status": "diverged"})
        self.assertNotIn("completed", [l.get("status") for l in trials["big"]])
        self.assertLessEqual(trials["big"][-2]["step"], 6)
        self.assertEqual(trials["ok"][-1]["status"], "completed")

    def test_loss_every_adds_each_steps_training_loss_between_evaluations(self):
        trials_ = [make_trial("a", seed=1), make_trial("b", seed=2)]
        _, each = run(tiny_job(self.data, trials_, steps=6, eval_interval=1))  # train_loss of every step
        job = tiny_job(self.data, trials_, steps=6, eval_interval=3)
        _, plain = run(job)
        job["loss_every"] = 1
        _, every = run(job)
        for tid in ("a", "b"):
            losses = [l["train_loss"] for l in by_trial(each)[tid] if "step" in l]
            lines = [l for l in by_trial(every)[tid] if "step" in l]
            self.assertEqual([l["step"] for l in lines], [1, 2, 3, 4, 5, 6])
            for i in (0, 1, 3, 4):  # between evaluations: that step's loss alone
                self.assertEqual(set(lines[i]), {"trial", "step", "train_loss"})
                self.assertAlmostEqual(lines[i]["train_loss"], losses[i], places=6)
            # evaluations unchanged: train_loss the mean since the previous one
            self.assertEqual([l for l in lines if "validation_error" in l], [l for l in by_trial(plain)[tid] if "step" in l])
            self.assertAlmostEqual(lines[5]["train_loss"], np.mean(losses[3:6]), places=6)

    def test_bad_hyperparameter_fails_that_trial(self):
        job = tiny_job(self.data, [make_trial("bad", decay_factor=2.0), make_trial("good")])
        _, lines = run(job)
        trials = by_trial(lines)
        self.assertEqual(trials["bad"][0]["status"], "failed")
        self.assertIn("decay_factor = 2 is out of range", trials["bad"][0]["message"])
        self.assertEqual(trials["good"][-1]["status"], "completed")

    def test_stacked_equals_eager(self):
        trials_ = [make_trial("a", optimizer="momentum", seed=1, momentum=0.8, weight_decay=0.01),
                   make_trial("b", optimizer="momentum", seed=2, learning_rate=0.01, label_smoothing=0.1),
                   make_trial("c", optimizer="momentum", seed=3, l2=0.01)]
        losses = {}
        for layout in ("eager", "stacked"):
            _, lines = run(tiny_job(self.data, trials_, layout=layout))
            losses[layout] = {t: [l["train_loss"] for l in tl if "train_loss" in l] for t, tl in by_trial(lines).items()}
        for t in "abc":
            np.testing.assert_allclose(losses["stacked"][t], losses["eager"][t], rtol=1e-5)

    def test_init_and_order_fields(self):
        model = models.build("MLP", True, 10)
        models.initialize(model, 99)
        init = os.path.join(self.tmp.name, "init")
        os.makedirs(init, exist_ok=True)
        names = []
        for i, (_, tensor, _, _) in enumerate(models.java_parameters(model)):
            names.append("p%d" % i)
            np.save(os.path.join(init, "p%d.npy" % i), tensor.detach().numpy())
        with open(os.path.join(init, "order.json"), "w") as f:
            json.dump(names, f)
        order = os.path.join(self.tmp.name, "order.npy")
        np.save(order, np.random.default_rng(0).integers(0, 240, size=(4, 8)).astype(np.int64))
        # Different seeds, same init and order: identical curves.
        job = tiny_job(self.data, [make_trial("x", seed=1), make_trial("y", seed=2)], layout="eager")
        job["init"], job["order"] = init, order
        _, lines = run(job)
        trials = by_trial(lines)
        self.assertEqual([dict(l, trial=None) for l in trials["x"]], [dict(l, trial=None) for l in trials["y"]])
        # and the same as a trial whose own seed gives those weights (99), with that order
        job = tiny_job(self.data, [make_trial("z", seed=99)], layout="eager")
        job["order"] = order
        _, lines = run(job)
        self.assertEqual(by_trial(lines)["z"][0]["train_loss"], trials["x"][0]["train_loss"])


if __name__ == "__main__":
    unittest.main()


class SearchedNames(unittest.TestCase):
    def test_resolved_when_the_canonical_value_is_absent(self):
        h = trial.resolve_searched({"one_minus_beta1": 0.2, "learning_rate_over_epsilon": 10.0, "epsilon": 0.01,
                                    "one_minus_momentum": 0.1, "momentum": 0.5})
        self.assertEqual(h, {"beta1": 0.8, "learning_rate": 0.1, "epsilon": 0.01, "momentum": 0.5})


class LionExample(unittest.TestCase):
    def test_lion_runs_as_a_user_class(self):
        examples = os.path.join(os.path.dirname(PYTHON_DIR), "examples", "torch-optimizer")
        sys.path.insert(0, examples)
        try:
            with tempfile.TemporaryDirectory() as d:
                data = write_fashion(os.path.join(d, "f"))
                job = tiny_job(data, [make_trial("lion#0", optimizer="lion", optimizer_class="lion:Lion",
                                                 learning_rate=1e-3, one_minus_beta1=0.1, beta2=0.99,
                                                 weight_decay=0.1)])
                _, lines = run(job)
        finally:
            sys.path.remove(examples)
        self.assertEqual(lines[-1], {"trial": "lion#0", "status": "completed"})


class StackedFailure(unittest.TestCase):
    def test_trials_of_a_failing_stacked_group_run_eagerly(self):
        original = trial.StackedGroup.step

        def broken(self, t, rows):
            raise RuntimeError("out of memory (simulated)")
        trial.StackedGroup.step = broken
        try:
            with tempfile.TemporaryDirectory() as d:
                data = write_fashion(os.path.join(d, "f"))
                _, lines = run(tiny_job(data, [make_trial("a", seed=1), make_trial("b", seed=2)]))
        finally:
            trial.StackedGroup.step = original
        trials = by_trial(lines)
        self.assertEqual([t[-1]["status"] for t in trials.values()], ["completed", "completed"])
        self.assertEqual([l["step"] for l in trials["a"][:-1]], [2, 4])  # printed once each
