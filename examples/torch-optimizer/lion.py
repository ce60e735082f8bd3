"""Lion (Chen et al. 2023) as a torch.optim.Optimizer, in SPEC section 2's form:

    c = β1 m + (1 − β1) g
    θ ← θ − η_t (sign(c) + λ θ)
    m ← β2 m + (1 − β2) g          (m = 0 at start; defaults β1 0.9, β2 0.99)

optbench's torch engine builds it as Lion(params, lr=η_0, beta1=.., beta2=.., weight_decay=..)
from a trial's hyperparameters and sets every group's ``lr`` to the scheduled rate before each
step. It takes ``weight_decay`` itself, so the engine leaves λ to it.
"""
import torch


class Lion(torch.optim.Optimizer):
    def __init__(self, params, lr, beta1=0.9, beta2=0.99, weight_decay=0.0):
        if not lr > 0:
            raise ValueError("learning_rate = %g is out of range: need learning_rate > 0" % lr)
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= value < 1:
                raise ValueError("%s = %g is out of range: need 0 <= %s < 1" % (name, value, name))
        super().__init__(params, {"lr": lr, "beta1": beta1, "beta2": beta2, "weight_decay": weight_decay})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, b1, b2, wd = group["lr"], group["beta1"], group["beta2"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "m" not in state:
                    state["m"] = torch.zeros_like(p)
                m = state["m"]
                c = m * b1 + p.grad * (1 - b1)
                p.sub_((c.sign() + p * wd) * lr)
                m.mul_(b2).add_(p.grad * (1 - b2))
        return loss
