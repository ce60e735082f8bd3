"""Lion against SPEC section 2's rule by hand: /usr/bin/python3 -m unittest discover -s examples/torch-optimizer"""
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lion import Lion  # noqa: E402


class LionByHand(unittest.TestCase):
    def test_two_steps(self):
        p = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=torch.float64))
        opt = Lion([p], lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.5)
        p.grad = torch.tensor([0.3, -0.1], dtype=torch.float64)
        opt.step()
        # c = 0.1 g → sign (1, −1); θ = (1, −2) − 0.1 ((1, −1) + 0.5 (1, −2)) = (0.85, −1.8)
        self.assertEqual(p.detach().tolist(), [0.85, -1.8])
        # m = 0.01 g = (0.003, −0.001); g2 = (−0.5, −0.5): c = 0.9 m + 0.1 g2 = (−0.0473, −0.0509) → (−1, −1)
        p.grad = torch.tensor([-0.5, -0.5], dtype=torch.float64)
        opt.step()
        expected = [0.85 - 0.1 * (-1 + 0.5 * 0.85), -1.8 - 0.1 * (-1 + 0.5 * -1.8)]
        for got, want in zip(p.detach().tolist(), expected):
            self.assertAlmostEqual(got, want, places=12)


if __name__ == "__main__":
    unittest.main()
