"""gpu_study.py runs job files as the worker would and saves each job's lines."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import json
import subprocess
import tempfile
import unittest

from helpers import tiny_job, trial, write_fashion

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "gpu_study.py")


class GpuStudyOnCpu(unittest.TestCase):
    def test_hand_written_job(self):
        with tempfile.TemporaryDirectory() as d:
            data = write_fashion(os.path.join(d, "fashion"))
            jobs = os.path.join(d, "jobs")
            os.makedirs(jobs)
            job = tiny_job("/elsewhere/fashion", [trial("st/sgd#0"), trial("st/sgd#1", seed=5)], steps=2,
                           eval_interval=2)
            job["device"] = "cuda"  # rewritten below, as on a machine without the jobs' device
            with open(os.path.join(jobs, "batch-000.json"), "w") as f:
                json.dump(job, f)
            env = dict(os.environ, XDG_CACHE_HOME=os.path.join(d, "cache"))
            done = subprocess.run([sys.executable, SCRIPT, jobs, "--out", os.path.join(d, "out"), "--device", "cpu",
                                   "--data-path", data, "--layout", "auto"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=300, env=env)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            with open(os.path.join(d, "out", "batch-000.out.jsonl")) as f:
                lines = [json.loads(l) for l in f]
            self.assertIn("(auto, measured)", lines[0]["provenance"]["layout"])
            self.assertEqual(sorted(l["trial"] for l in lines if l.get("status") == "completed"),
                             ["st/sgd#0", "st/sgd#1"])
            with open(os.path.join(d, "cache", "optbench", "torch-layouts.json")) as f:
                cache = json.load(f)
            self.assertEqual(list(cache), ["cpu|torch %s|fmnist_mlp-tiny|K=2" % __import__("torch").__version__])
            with open(os.path.join(d, "out", "summary.json")) as f:
                summary = json.load(f)
            self.assertEqual(summary["jobs"][0]["completed"], 2)


if __name__ == "__main__":
    unittest.main()
