"""The twins against Java's networks: parameter counts, declaration order, initialization."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import math
import unittest

import numpy as np
import torch

from optbench_torch import models

# Trainable and total (with batch-norm running statistics) parameter counts of Java's
# Models.build, printed by DJL's Block.getParameters() for every workload (Fashion-MNIST and
# CIFAR-10 with 10 classes, CIFAR-100 with 100, ImageNet with 1000, text with a vocabulary of
# 80) by a one-off Java program run against target/optbench.jar on 2026-12-04.
JAVA_COUNTS = {
    ("MLP", False, 10): (269322, 269322), ("MLP", True, 10): (55050, 55050),
    ("CNN_2C2D", False, 10): (3274634, 3274634), ("CNN_2C2D", True, 10): (54314, 54314),
    ("CNN_3C3D", False, 10): (895210, 895210), ("CNN_3C3D", True, 10): (8566, 8566),
    ("CNN_3C3D", False, 100): (918340, 918340), ("CNN_3C3D", True, 100): (10096, 10096),
    ("RESNET32", False, 10): (466906, 469370), ("RESNET32", True, 10): (19954, 20290),
    ("VGG16", False, 10): (14986698, 14995146), ("VGG16", True, 10): (235906, 236962),
    ("CHAR_LSTM", False, 80): (249936, 249936), ("CHAR_LSTM", True, 80): (17232, 17232),
    ("TRANSFORMER", False, 80): (425552, 425552), ("TRANSFORMER", True, 80): (18608, 18608),
    ("RESNET50", False, 1000): (25557032, 25610152), ("RESNET50", True, 1000): (385392, 387808),
}


class ParameterCounts(unittest.TestCase):
    def test_every_twin_matches_java(self):
        for (arch, tiny, classes), (trainable, total) in JAVA_COUNTS.items():
            with self.subTest(arch=arch, tiny=tiny, classes=classes):
                self.assertEqual(models.count_parameters(arch, tiny, classes, vocab=classes), trainable)
                model = models.build(arch, tiny, classes)
                self.assertEqual(sum(t.numel() for _, t, _, _ in models.java_parameters(model)), total)


class DeclarationOrder(unittest.TestCase):
    def test_resnet_tiny_order_as_java_lists_it(self):
        # Java: stem conv, BN (gamma, beta, mean, var), then block 1's main path, ... and a
        # projecting block's main path before its shortcut.
        params = models.java_parameters(models.build("RESNET32", True, 10))
        kinds = [k for _, _, k, _ in params[:6]]
        self.assertEqual(kinds, ["WEIGHT", "GAMMA", "BETA", "RUNNING_MEAN", "RUNNING_VAR", "WEIGHT"])
        shapes = [tuple(t.shape) for _, t, k, _ in params if k == "WEIGHT"]
        self.assertEqual(shapes[:6], [(8, 3, 3, 3), (8, 8, 3, 3), (8, 8, 3, 3), (16, 8, 3, 3), (16, 16, 3, 3),
                                      (16, 8, 1, 1)])
        self.assertEqual(shapes[-1], (10, 32))

    def test_transformer_names(self):
        names = models.parameter_names(models.build("TRANSFORMER", True, 80))
        self.assertEqual(names[:3], ["1.weight", "2.positions", "3.main.0.weight"])
        self.assertEqual(len(names), 18)


class Initialization(unittest.TestCase):
    def test_glorot_bounds_zero_biases_and_determinism(self):
        a = models.build("CNN_2C2D", True, 10)
        b = models.build("CNN_2C2D", True, 10)
        models.initialize(a, 42)
        models.initialize(b, 42)
        for (_, ta, kind, _), (_, tb, _, _) in zip(models.java_parameters(a), models.java_parameters(b)):
            self.assertTrue(torch.equal(ta, tb))
            if kind == "BIAS":
                self.assertEqual(ta.abs().max().item(), 0.0)
        w = models.java_parameters(a)[0][1]  # conv 8x1x5x5: fan_in 25, fan_out 200
        bound = math.sqrt(6.0 / (25 + 200))
        self.assertLessEqual(w.abs().max().item(), bound)
        self.assertGreater(w.abs().max().item(), 0.9 * bound)

    def test_first_weight_is_javas_first_draw(self):
        # Java: root = new SplittableRandom(7); rng = root.split(); first value
        # (rng.nextDouble() * 2 - 1) * bound. The first nextDouble of that split, computed with
        # JDK 17 (SplittableRandom(7).split().nextDouble()), is 0.9820887198603381 (see
        # test_javarandom for the generator's own check against Java's output).
        from optbench_torch.javarandom import SplittableRandom
        first = SplittableRandom(7).split().next_double()
        self.assertEqual(first, 0.9820887198603381)
        m = models.build("MLP", True, 10)
        models.initialize(m, 7)
        bound = math.sqrt(6.0 / (784 + 64))
        self.assertAlmostEqual(models.java_parameters(m)[0][1].view(-1)[0].item(), (first * 2 - 1) * bound, places=6)


if __name__ == "__main__":
    unittest.main()
