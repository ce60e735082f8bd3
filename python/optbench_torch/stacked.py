"""K trials of one network as one computation over a trial axis.

Two ways, both driven by the single declared module of models.py:

* :class:`VmapNet`: ``vmap`` of ``functional_call`` over per-trial parameters (torch.func on
  torch >= 2, functorch on 1.13). Any network without batch norm.
* :class:`GroupedNet`: the network's layers rewritten for stacked weights. Image features travel
  as [B, K·C, H, W], so a convolution of K trials is one grouped convolution (``conv="grouped"``)
  or an im2col + batched matmul (``conv="bmm"``; ``"mixed"``: im2col for first layers only), and batch norm over K·C channels is exactly
  per-trial batch norm; linear layers are one ``baddbmm`` over [K, B, F]. Sequential nets of
  Conv2d, BatchNorm2d, Linear, ReLU, MaxPool2d, AdaptiveAvgPool2d, Flatten, Dropout and Residual.

Both take parameters as tensors [K, *shape] in :func:`models.java_parameters` order (trainable
ones; batch-norm running statistics live in the net) and map inputs [K, B, ...] to logits
[K, B, ...]. Dropout rates are per trial.
"""
import torch
from torch import nn
import torch.nn.functional as F

from . import models

try:  # torch >= 2
    from torch.func import functional_call, vmap
except ImportError:  # torch 1.13: functorch
    from functorch import vmap
    from torch.nn.utils.stateless import functional_call


def trial_dropout(x, rates, training, trial_dim):
    """Dropout with rate rates[k] for trial k; ``trial_dim`` is where K sits in ``x``."""
    if not training or rates is None:
        return x
    shape = [1] * x.dim()
    shape[trial_dim] = -1
    keep = (1 - rates).view(shape)
    mask = (torch.rand_like(x) < keep).to(x.dtype)
    return x * mask / keep


class VmapNet:
    """vmap of the declared module over K parameter sets (and K inputs)."""

    def __init__(self, module, k):
        self.module = module
        self.k = k
        self.names = models.parameter_names(module)
        for m in module.modules():
            if isinstance(m, (nn.Dropout, nn.BatchNorm2d, nn.LSTM)):
                raise ValueError("VmapNet cannot stack %s" % type(m).__name__)

    def __call__(self, params, x, training=True):
        def one(p, xb):
            return functional_call(self.module, dict(zip(self.names, p)), (xb,))
        return vmap(one)(tuple(params), x)

    def shared_input(self, params, x):
        """Logits [K, N, ...] of the same inputs x [N, ...] for every trial."""
        def one(p):
            return functional_call(self.module, dict(zip(self.names, p)), (x,))
        return vmap(one)(tuple(params))


class GroupedNet(nn.Module):
    """The network's layers over K trials (see the module's docstring)."""

    SUPPORTED = (nn.Sequential, models.Residual, nn.Conv2d, nn.BatchNorm2d, nn.Linear, nn.ReLU, nn.MaxPool2d,
                 nn.AdaptiveAvgPool2d, nn.Flatten, nn.Dropout, nn.Identity)

    def __init__(self, module, k, conv="grouped", channels_last=False, dropout_rates=None):
        super().__init__()
        for m in module.modules():
            if not isinstance(m, self.SUPPORTED):
                raise ValueError("GroupedNet cannot stack %s" % type(m).__name__)
        self.module = module
        self.k = k
        self.conv = conv
        self.channels_last = channels_last
        self.rates = dropout_rates
        self.index = {id(t): i for i, (_, t, _, trainable) in enumerate(
            [p for p in models.java_parameters(module) if p[3]])}
        # Running statistics of K trials side by side: [K·C].
        self.running = {}
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                self.running[id(m)] = (m.running_mean.repeat(k), m.running_var.repeat(k))

    def _p(self, params, tensor):
        return params[self.index[id(tensor)]]

    def forward(self, params, x, training=True):
        """x [K, B, C, H, W] (images) or [K, B, F]; returns logits [K, B, classes]."""
        k, b = x.shape[0], x.shape[1]
        if x.dim() == 5:
            h = x.transpose(0, 1).reshape(b, k * x.shape[2], x.shape[3], x.shape[4])
            if self.channels_last:
                h = h.contiguous(memory_format=torch.channels_last)
        else:
            h = x
        return self._run(self.module, params, h, training)

    def _run(self, m, params, h, training):
        if isinstance(m, nn.Sequential):
            for child in m:
                h = self._run(child, params, h, training)
            return h
        if isinstance(m, models.Residual):
            return F.relu(self._run(m.main, params, h, training) + self._run(m.shortcut, params, h, training))
        if isinstance(m, nn.Identity):
            return h
        if isinstance(m, nn.Conv2d):
            return self._conv(m, params, h)
        if isinstance(m, nn.BatchNorm2d):
            mean, var = self.running[id(m)]
            w = self._p(params, m.weight).reshape(-1)
            bias = self._p(params, m.bias).reshape(-1)
            return F.batch_norm(h, mean, var, w, bias, training, m.momentum, m.eps)
        if isinstance(m, nn.ReLU):
            return F.relu(h)
        if isinstance(m, nn.MaxPool2d):
            return F.max_pool2d(h, m.kernel_size, m.stride, m.padding)
        if isinstance(m, nn.AdaptiveAvgPool2d):
            return F.adaptive_avg_pool2d(h, m.output_size)
        if isinstance(m, nn.Flatten):
            if h.dim() == 4:  # [B, K·C, H, W] -> [K, B, C·H·W]
                b = h.shape[0]
                return h.reshape(b, self.k, -1).transpose(0, 1)
            return h.reshape(h.shape[0], h.shape[1], -1)
        if isinstance(m, nn.Dropout):
            return trial_dropout(h, self.rates, training, 0 if h.dim() == 3 else 1)
        if isinstance(m, nn.Linear):
            w = self._p(params, m.weight)  # [K, out, in]
            if m.bias is None:
                return torch.bmm(h, w.transpose(1, 2))
            return torch.baddbmm(self._p(params, m.bias).unsqueeze(1), h, w.transpose(1, 2))
        raise ValueError("GroupedNet cannot stack %s" % type(m).__name__)

    def _conv(self, m, params, h):
        w = self._p(params, m.weight)  # [K, out, in, kh, kw]
        k, cout, cin, kh, kw = w.shape
        bias = self._p(params, m.bias).reshape(-1) if m.bias is not None else None
        # "mixed": im2col where the columns are short (a first layer over 1 or 3 channels, where a
        # grouped convolution has little work per group), grouped convolutions elsewhere.
        if self.conv == "grouped" or (self.conv == "mixed" and cin * kh * kw > 75):
            return F.conv2d(h, w.reshape(k * cout, cin, kh, kw), bias, m.stride, m.padding, groups=k)
        b, _, hh, ww = h.shape
        cols = F.unfold(h, (kh, kw), padding=m.padding, stride=m.stride)  # [B, K·cin·kh·kw, L]
        hout = (hh + 2 * m.padding[0] - kh) // m.stride[0] + 1
        wout = (ww + 2 * m.padding[1] - kw) // m.stride[1] + 1
        cols = cols.view(b, k, cin * kh * kw, -1).permute(1, 2, 0, 3).reshape(k, cin * kh * kw, -1)
        out = torch.bmm(w.reshape(k, cout, -1), cols)  # [K, cout, B·L]
        if bias is not None:
            out = out + bias.view(k, cout, 1)
        return out.view(k, cout, b, hout * wout).permute(2, 0, 1, 3).reshape(b, k * cout, hout, wout)

    def write_back_running(self, trial, module):
        """Copies trial ``trial``'s running statistics into ``module`` (a twin of the same net)."""
        for src, dst in zip(self.module.modules(), module.modules()):
            if isinstance(src, nn.BatchNorm2d):
                mean, var = self.running[id(src)]
                c = src.num_features
                dst.running_mean.copy_(mean[trial * c:(trial + 1) * c])
                dst.running_var.copy_(var[trial * c:(trial + 1) * c])


def can_group(module):
    return all(isinstance(m, GroupedNet.SUPPORTED) for m in module.modules())


def has_batch_norm(module):
    return any(isinstance(m, nn.BatchNorm2d) for m in module.modules())


class StreamsNet:
    """K trials as K plain calls of the declared module (functional_call on each trial's slice of
    the stacked parameters and batch-norm buffers), spread over CUDA streams so that their kernels
    run side by side; captured in a CUDA graph, the K·layers launches become one. Each trial runs
    cuDNN's ordinary (ungrouped) kernels. Autograd runs each backward op on its forward's stream."""

    def __init__(self, module, k, streams=8):
        for m in module.modules():
            if isinstance(m, nn.Dropout):
                raise ValueError("StreamsNet cannot give each trial its own dropout rate")
        self.module = module
        self.k = k
        self.names = models.parameter_names(module)
        self.buffers = {n: b.unsqueeze(0).repeat((k,) + (1,) * b.dim()).clone()
                        for n, b in module.named_buffers() if not n.endswith("num_batches_tracked")}
        on_cuda = next(module.parameters()).is_cuda
        self.streams = [torch.cuda.Stream() for _ in range(min(streams, k))] if on_cuda else None

    def __call__(self, params, x, training=True):
        self.module.train(training)
        outs = []
        current = torch.cuda.current_stream() if self.streams else None
        if self.streams:
            for s in self.streams:
                s.wait_stream(current)
        for i in range(self.k):
            values = {n: p[i] for n, p in zip(self.names, params)}
            values.update({n: b[i] for n, b in self.buffers.items()})
            if self.streams:
                with torch.cuda.stream(self.streams[i % len(self.streams)]):
                    outs.append(functional_call(self.module, values, (x[i],)))
            else:
                outs.append(functional_call(self.module, values, (x[i],)))
        if self.streams:
            for s in self.streams:
                current.wait_stream(s)
            if not torch.cuda.is_current_stream_capturing():  # a graph's pool outlives its replays
                for o in outs:
                    o.record_stream(current)
        return torch.stack(outs)
