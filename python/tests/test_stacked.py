"""Every stacked net computes what K separate calls of the declared module compute."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import unittest

import torch

from optbench_torch import models, stacked


def separate(arch, k, x, seed0=0):
    """Logits and gradients of K independently initialized twins, and their stacked parameters."""
    twins, logits, grads = [], [], []
    for i in range(k):
        m = models.build(arch, True, 10)
        models.initialize(m, seed0 + i)
        m.train()
        twins.append(m)
        params = [t for _, t, _, tr in models.java_parameters(m) if tr]
        out = m(x[i])
        logits.append(out.detach())
        grads.append(torch.autograd.grad(out.square().sum(), params))
    stacked_params = [torch.stack([[t for _, t, _, tr in models.java_parameters(m) if tr][j].detach() for m in twins])
                      .requires_grad_(True) for j in range(len(grads[0]))]
    return torch.stack(logits), [torch.stack([g[j] for g in grads]) for j in range(len(grads[0]))], stacked_params


class StackedNets(unittest.TestCase):
    def check(self, arch, net_factory, shape):
        torch.manual_seed(0)
        k = 3
        x = torch.randn((k, 4) + shape)
        want_logits, want_grads, params = separate(arch, k, x)
        net = net_factory(models.build(arch, True, 10), k)
        out = net(params, x, True)
        got = torch.autograd.grad(out.square().sum(), params)
        torch.testing.assert_close(out.detach(), want_logits, rtol=1e-4, atol=1e-5)
        for g, w in zip(got, want_grads):
            torch.testing.assert_close(g, w, rtol=1e-3, atol=1e-4)

    def test_grouped_cnn(self):
        self.check("CNN_3C3D", lambda m, k: stacked.GroupedNet(m, k, conv="grouped"), (3, 32, 32))

    def test_bmm_cnn(self):
        self.check("CNN_2C2D", lambda m, k: stacked.GroupedNet(m, k, conv="bmm"), (1, 28, 28))

    def test_mixed_cnn(self):
        self.check("CNN_3C3D", lambda m, k: stacked.GroupedNet(m, k, conv="mixed"), (3, 32, 32))

    def test_grouped_resnet_batch_norm_per_trial(self):
        self.check("RESNET32", lambda m, k: stacked.GroupedNet(m, k, conv="grouped"), (3, 32, 32))

    def test_vmap_mlp(self):
        self.check("MLP", lambda m, k: stacked.VmapNet(m, k), (1, 28, 28))

    def test_streams_resnet(self):
        self.check("RESNET32", lambda m, k: stacked.StreamsNet(m, k), (3, 32, 32))


if __name__ == "__main__":
    unittest.main()
