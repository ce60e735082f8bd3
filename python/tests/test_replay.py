"""replay_engine.py: a job's trials get exactly their recorded lines, provenance first."""
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import replay_engine


class Replay(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        rec = [{"provenance": {"engine": "torch", "device": "NVIDIA H200", "layout": "stacked-grouped K=3"}},
               {"trial": "s/sgd#0", "step": 100, "train_loss": 0.5},
               {"trial": "s/adam#0", "step": 100, "train_loss": 0.4},
               {"trial": "s/sgd#0", "step": 100, "validation_error": 0.2},
               {"trial": "s/sgd#0", "status": "completed"},
               {"trial": "s/adam#0", "status": "diverged"},
               {"trial": "s/nadam#0", "step": 100, "train_loss": 0.3}]
        with open(os.path.join(self.dir, "job00.out.jsonl"), "w") as f:
            f.write("".join(json.dumps(o) + "\n" for o in rec) + '{"trial": "s/nad')  # a cut last line

    def run_job(self, ids):
        job = os.path.join(self.dir, "job.json")
        with open(job, "w") as f:
            json.dump({"trials": [{"id": i} for i in ids]}, f)
        out = io.StringIO()
        status = replay_engine.replay(job, self.dir, out)
        return status, [json.loads(l) for l in out.getvalue().splitlines()]

    def test_only_the_jobs_trials_in_their_recorded_order_after_the_provenance(self):
        status, lines = self.run_job(["s/adam#0", "s/sgd#0"])
        self.assertEqual(status, 0)
        self.assertEqual(lines[0]["provenance"]["device"], "NVIDIA H200")
        self.assertEqual(lines[0]["provenance"]["replayed_from"], "job00.out.jsonl")
        self.assertEqual([(l["trial"], l.get("status", l["step"] if "step" in l else None)) for l in lines[1:]],
                         [("s/adam#0", 100), ("s/adam#0", "diverged"), ("s/sgd#0", 100), ("s/sgd#0", 100),
                          ("s/sgd#0", "completed")])

    def test_a_trial_without_a_final_status_exits_3_so_it_goes_back_to_pending(self):
        status, lines = self.run_job(["s/sgd#0", "s/nadam#0", "s/momentum#0"])
        self.assertEqual(status, 3)
        self.assertEqual(sum(1 for l in lines if l.get("trial") == "s/sgd#0"), 3)
        self.assertEqual(sum(1 for l in lines if l.get("trial") == "s/nadam#0"), 1)


if __name__ == "__main__":
    unittest.main()
