"""The torch engine reproduces the Java (DJL) engine's curve from the same seed: the same initial
weights and batches (Java's SplittableRandom), data, splits and normalization.

The Java numbers were printed on 2026-12-04 by
    ./optbench train --workload W --optimizer momentum --hparams learning_rate=0.05,momentum=0.9 \\
        --seed 5 --steps S --json
with Fashion-MNIST installed at /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import io
import json
import unittest

from optbench_torch import trial

FASHION = "/usr/share/datasets/fashion-mnist"


def torch_curve(arch, name, steps, layout, lr=0.05):
    job = {"protocol": 1, "device": "cpu", "layout": layout, "deterministic": True, "threads": 1,
           "workload": {"name": name, "architecture": arch, "tiny": True, "classes": 10, "batch_size": 32,
                        "steps": steps, "eval_interval": steps,
                        "data": {"kind": "FASHION_MNIST", "tiny": True, "path": FASHION}},
           "trials": [{"id": "t%d" % i, "optimizer": "momentum", "seed": 5,
                       "hparams": {"learning_rate": lr, "momentum": 0.9}} for i in range(2)]}
    out = io.StringIO()
    trial.run_job(job, out)
    return json.loads(out.getvalue().splitlines()[1])


@unittest.skipUnless(os.path.isdir(FASHION), "Fashion-MNIST is not installed at " + FASHION)
class AgainstJava(unittest.TestCase):
    def test_mlp_tiny_100_steps(self):
        line = torch_curve("MLP", "fmnist_mlp-tiny", 100, "eager")
        self.assertAlmostEqual(line["train_loss"], 1.0051282662153245, delta=1e-5)
        self.assertAlmostEqual(line["validation_loss"], 0.7943132934570313, delta=1e-5)
        self.assertEqual((line["validation_error"], line["test_error"]), (0.292, 0.281))

    def test_cnn_2c2d_tiny_20_steps_stacked(self):
        # learning rate 0.01, not 0.05: at 0.05 the 2c2d trajectory amplifies last-bit differences
        # (the thread count's summation order) to 3e-3 in 20 steps, at 0.01 they stay near 1e-7
        # (Java: ./optbench train --workload fmnist_2c2d-tiny --optimizer momentum
        #  --hparams learning_rate=0.01,momentum=0.9 --seed 5 --steps 20 --json)
        line = torch_curve("CNN_2C2D", "fmnist_2c2d-tiny", 20, "stacked", lr=0.01)
        self.assertAlmostEqual(line["train_loss"], 2.0896625578403474, delta=1e-5)
        self.assertAlmostEqual(line["test_loss"], 1.474020263671875, delta=1e-5)


if __name__ == "__main__":
    unittest.main()
