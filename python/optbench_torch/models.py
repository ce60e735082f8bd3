"""Twins of Java's networks (workload/Models.java, CausalSelfAttention, PositionalEmbedding) and of
its seeded initialization (train/Initialization.java).

Every twin has Java's architecture and parameter count, and registers its parameters in Java's
declaration order, so :func:`java_parameters` lists them exactly as DJL's ``getParameters()``
does (batch-norm running statistics included, where Java keeps them as parameters). That order
is how initial weights pass across (``init`` job field) and how :func:`initialize` reproduces
Java's weights bit for bit from the same seed (Java's SplittableRandom, see javarandom.py).

Known differences, none affecting parameters or the training step's arithmetic:
* batch norm: PyTorch's ``momentum=0.1`` is DJL's default momentum 0.9 written the other way
  round (running = 0.9 running + 0.1 batch); ε = 1e-5 as DJL's.
* LSTM: DJL calls PyTorch's own LSTM kernel, so the gate order (i, f, g, o) and the two bias
  vectors per layer are the same; nothing needs remapping.
"""
import math

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from .javarandom import SplittableRandom

ARCHITECTURES = ("MLP", "CNN_2C2D", "CNN_3C3D", "RESNET32", "VGG16", "CHAR_LSTM", "TRANSFORMER", "RESNET50")
BATCH_NORM_ARCHITECTURES = ("RESNET32", "VGG16", "RESNET50")
TEXT_ARCHITECTURES = ("CHAR_LSTM", "TRANSFORMER")


def _maybe_dropout(layers, rate):
    if rate > 0:
        layers.append(nn.Dropout(rate))


def _conv(cin, cout, k, stride, pad, bias):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=pad, bias=bias)


def _flat_size(features, input_shape):
    with torch.no_grad():
        return int(np.prod(features(torch.zeros((1,) + tuple(input_shape))).shape[1:]))


def mlp(hidden, classes, dropout, input_shape):
    layers = [nn.Flatten()]
    width = int(np.prod(input_shape))
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        _maybe_dropout(layers, dropout)
        width = h
    layers.append(nn.Linear(width, classes))
    return nn.Sequential(*layers)


def cnn2c2d(c1, c2, fc, classes, dropout, input_shape):
    """DeepOBS 2c2d: conv5x5-c1 same, maxpool2, conv5x5-c2 same, maxpool2, fc, fc-classes."""
    features = [_conv(input_shape[0], c1, 5, 1, 2, True), nn.ReLU(), nn.MaxPool2d(2, 2),
                _conv(c1, c2, 5, 1, 2, True), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten()]
    flat = _flat_size(nn.Sequential(*features), input_shape)
    layers = list(features)
    _maybe_dropout(layers, dropout)
    layers += [nn.Linear(flat, fc), nn.ReLU()]
    _maybe_dropout(layers, dropout)
    layers.append(nn.Linear(fc, classes))
    return nn.Sequential(*layers)


def cnn3c3d(c1, c2, c3, f1, f2, classes, dropout, input_shape):
    """DeepOBS 3c3d: conv5x5 valid, conv3x3 valid, conv3x3 same, each + maxpool3 s2 p1; fc, fc, fc."""
    features = [_conv(input_shape[0], c1, 5, 1, 0, True), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                _conv(c1, c2, 3, 1, 0, True), nn.ReLU(), nn.MaxPool2d(3, 2, 1),
                _conv(c2, c3, 3, 1, 1, True), nn.ReLU(), nn.MaxPool2d(3, 2, 1), nn.Flatten()]
    flat = _flat_size(nn.Sequential(*features), input_shape)
    layers = list(features) + [nn.Linear(flat, f1), nn.ReLU()]
    _maybe_dropout(layers, dropout)
    layers += [nn.Linear(f1, f2), nn.ReLU()]
    _maybe_dropout(layers, dropout)
    layers.append(nn.Linear(f2, classes))
    return nn.Sequential(*layers)


def _bn(c):
    return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)


class Residual(nn.Module):
    """relu(main(x) + shortcut(x)); main registered first, as Java's ParallelBlock lists it."""

    def __init__(self, main, shortcut):
        super().__init__()
        self.main = main
        self.shortcut = shortcut if shortcut is not None else nn.Identity()

    def forward(self, x):
        return F.relu(self.main(x) + self.shortcut(x))


def _basic_block(cin, filters, stride, project):
    main = nn.Sequential(_conv(cin, filters, 3, stride, 1, False), _bn(filters), nn.ReLU(),
                         _conv(filters, filters, 3, 1, 1, False), _bn(filters))
    short = nn.Sequential(_conv(cin, filters, 1, stride, 0, False), _bn(filters)) if project else None
    return Residual(main, short)


def resnet_cifar(n, width, classes, input_shape):
    """CIFAR ResNet (6n+2 layers); n = 5 is ResNet-32."""
    layers = [_conv(input_shape[0], width, 3, 1, 1, False), _bn(width), nn.ReLU()]
    cin = width
    for stage in range(3):
        filters = width << stage
        for i in range(n):
            down = stage > 0 and i == 0
            layers.append(_basic_block(cin, filters, 2 if down else 1, down))
            cin = filters
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def vgg16(divisor, fc, classes, dropout, input_shape):
    stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
    layers = []
    cin = input_shape[0]
    for stage in stages:
        for filters in stage:
            layers += [_conv(cin, filters // divisor, 3, 1, 1, False), _bn(filters // divisor), nn.ReLU()]
            cin = filters // divisor
        layers.append(nn.MaxPool2d(2, 2))
    layers.append(nn.Flatten())
    flat = _flat_size(nn.Sequential(*layers).eval(), input_shape)
    _maybe_dropout(layers, dropout)
    layers += [nn.Linear(flat, fc), nn.ReLU()]
    _maybe_dropout(layers, dropout)
    layers.append(nn.Linear(fc, classes))
    return nn.Sequential(*layers)


class OneHot(nn.Module):
    def __init__(self, vocabulary):
        super().__init__()
        self.vocabulary = vocabulary

    def forward(self, x):
        return F.one_hot(x.long(), self.vocabulary).float()


class LastOutput(nn.Module):
    """The LSTM's output sequence (DJL's optReturnState(false))."""

    def __init__(self, lstm):
        super().__init__()
        self.lstm = lstm

    def forward(self, x):
        return self.lstm(x)[0]


def char_lstm(layers, units, vocabulary, dropout):
    seq = [OneHot(vocabulary), LastOutput(nn.LSTM(vocabulary, units, layers, batch_first=True, dropout=dropout))]
    _maybe_dropout(seq, dropout)
    seq.append(nn.Linear(units, vocabulary))
    return nn.Sequential(*seq)


class PositionalEmbedding(nn.Module):
    """x[b, t, :] + P[t, :], P learned (Java's PositionalEmbedding, type OTHER)."""

    def __init__(self, max_length, width):
        super().__init__()
        self.positions = nn.Parameter(torch.zeros(max_length, width))

    def forward(self, x):
        return x + self.positions[: x.shape[1]]


class CausalSelfAttention(nn.Module):
    """softmax(q kᵀ/√d_h + M) v per head, M = −1e9 above the diagonal, then a projection."""

    def __init__(self, width, heads):
        super().__init__()
        self.width = width
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.projection = nn.Linear(width, width)

    def forward(self, x):
        b, t, _ = x.shape
        dh = self.width // self.heads
        split = self.qkv(x).reshape(b, t, 3, self.heads, dh).permute(2, 0, 3, 1, 4)
        q, k, v = split[0], split[1], split[2]
        scores = q.matmul(k.transpose(-1, -2)) / math.sqrt(dh)
        pos = torch.arange(t, device=x.device)
        future = (pos.reshape(1, t) > pos.reshape(t, 1)).float()
        attention = (scores + future * -1e9).softmax(-1).matmul(v)
        return self.projection(attention.permute(0, 2, 1, 3).reshape(b, t, self.width))


class PreNormResidual(nn.Module):
    def __init__(self, width, inner, dropout):
        super().__init__()
        main = [nn.LayerNorm(width, eps=1e-5), inner]
        _maybe_dropout(main, dropout)
        self.main = nn.Sequential(*main)

    def forward(self, x):
        return self.main(x) + x


def transformer(context, width, layers, heads, vocabulary, dropout):
    seq = [OneHot(vocabulary), nn.Linear(vocabulary, width, bias=False), PositionalEmbedding(context, width)]
    for _ in range(layers):
        seq.append(PreNormResidual(width, CausalSelfAttention(width, heads), dropout))
        seq.append(PreNormResidual(width, nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(),
                                                        nn.Linear(4 * width, width)), dropout))
    seq += [nn.LayerNorm(width, eps=1e-5), nn.Linear(width, vocabulary)]
    return nn.Sequential(*seq)


def _bottleneck(cin, width, stride, project):
    main = nn.Sequential(_conv(cin, width, 1, 1, 0, False), _bn(width), nn.ReLU(),
                         _conv(width, width, 3, stride, 1, False), _bn(width), nn.ReLU(),
                         _conv(width, 4 * width, 1, 1, 0, False), _bn(4 * width))
    short = nn.Sequential(_conv(cin, 4 * width, 1, stride, 0, False), _bn(4 * width)) if project else None
    return Residual(main, short)


def resnet50(blocks, width, classes, input_shape):
    layers = [_conv(input_shape[0], width, 7, 2, 3, False), _bn(width), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = width
    for stage, count in enumerate(blocks):
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            layers.append(_bottleneck(cin, width << stage, stride, i == 0))
            cin = 4 * (width << stage)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def default_input_shape(arch, tiny, sequence_length=0, image_size=0, kind=None):
    """[features...] of one example: Fashion-MNIST 1x28x28, CIFAR 3x32x32, ImageNet 3xSxS, text [T]."""
    if arch in TEXT_ARCHITECTURES:
        return (sequence_length or (20 if tiny else (50 if arch == "CHAR_LSTM" else 64)),)
    if arch == "RESNET50":
        side = image_size or (64 if tiny else 224)
        return (3, side, side)
    if kind == "FASHION_MNIST" or (kind is None and arch in ("MLP", "CNN_2C2D")):
        return (1, 28, 28)
    return (3, 32, 32)


def build(arch, tiny, classes, dropout=0.0, input_shape=None):
    """The twin of Models.build for Java enum name ``arch``; ``classes`` is the vocabulary for text.
    ``input_shape`` is one example's feature shape (default: the architecture's usual data)."""
    if arch not in ARCHITECTURES:
        raise ValueError("unknown architecture '%s': choose one of %s" % (arch, ", ".join(ARCHITECTURES)))
    shape = tuple(input_shape) if input_shape else default_input_shape(arch, tiny)
    if arch == "MLP":
        return mlp([64, 64] if tiny else [256, 256], classes, dropout, shape)
    if arch == "CNN_2C2D":
        return cnn2c2d(8 if tiny else 32, 16 if tiny else 64, 64 if tiny else 1024, classes, dropout, shape)
    if arch == "CNN_3C3D":
        return cnn3c3d(*((8, 12, 16, 32, 16) if tiny else (64, 96, 128, 512, 256)), classes, dropout, shape)
    if arch == "RESNET32":
        return resnet_cifar(1 if tiny else 5, 8 if tiny else 16, classes, shape)
    if arch == "VGG16":
        return vgg16(8 if tiny else 1, 64 if tiny else 512, classes, dropout, shape)
    if arch == "CHAR_LSTM":
        return char_lstm(1 if tiny else 2, 32 if tiny else 128, classes, dropout)
    if arch == "TRANSFORMER":
        return transformer(shape[0], 32 if tiny else 128, 1 if tiny else 2, 2 if tiny else 4, classes, dropout)
    return resnet50([1, 1, 1, 1] if tiny else [3, 4, 6, 3], 8 if tiny else 64, classes, shape)


def java_parameters(model):
    """(torch name, tensor, Java parameter type, trainable) in Java's declaration order: what DJL's
    Block.getParameters() lists, running statistics of batch norm included."""
    out = []
    for prefix, m in model.named_modules():
        def add(attr, kind, trainable=True):
            tensor = getattr(m, attr)
            if tensor is not None:
                out.append(((prefix + "." if prefix else "") + attr, tensor, kind, trainable))
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            add("weight", "WEIGHT")
            add("bias", "BIAS")
        elif isinstance(m, nn.BatchNorm2d):
            add("weight", "GAMMA")
            add("bias", "BETA")
            add("running_mean", "RUNNING_MEAN", False)
            add("running_var", "RUNNING_VAR", False)
        elif isinstance(m, nn.LayerNorm):
            add("weight", "GAMMA")
            add("bias", "BETA")
        elif isinstance(m, nn.LSTM):
            for layer in range(m.num_layers):
                add("weight_ih_l%d" % layer, "WEIGHT")
                add("weight_hh_l%d" % layer, "WEIGHT")
                add("bias_ih_l%d" % layer, "BIAS")
                add("bias_hh_l%d" % layer, "BIAS")
        elif isinstance(m, PositionalEmbedding):
            add("positions", "OTHER")
    return out


def parameter_names(model):
    """Names of the trainable parameters in Java's declaration order."""
    return [name for name, _, _, trainable in java_parameters(model) if trainable]


def count_parameters(arch, tiny, classes=10, vocab=None):
    """Trainable parameters of the twin (text architectures count with ``vocab`` classes)."""
    model = build(arch, tiny, vocab if arch in TEXT_ARCHITECTURES and vocab else classes)
    return sum(t.numel() for _, t, _, trainable in java_parameters(model) if trainable)


def _glorot(rng, shape):
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    bound = math.sqrt(6.0 / (shape[1] * receptive + shape[0] * receptive))
    return (rng.doubles(int(np.prod(shape))) * 2 - 1) * bound


def _gaussian(rng, n):
    pairs = rng.doubles(2 * n).reshape(n, 2)
    return np.sqrt(-2 * np.log(1 - pairs[:, 0])) * np.cos(2 * math.pi * pairs[:, 1])


@torch.no_grad()
def initialize(model, seed):
    """Java's Initialization.apply: one SplittableRandom split per parameter (in Java's order) from
    SplittableRandom(seed); weights of rank >= 2 Glorot-uniform, norm scales and running variances 1,
    biases, shifts and running means 0, position embeddings N(0, 0.02²)."""
    root = SplittableRandom(seed)
    for _, tensor, kind, _ in java_parameters(model):
        rng = root.split()
        shape = tuple(tensor.shape)
        n = tensor.numel()
        if kind == "WEIGHT":
            values = _glorot(rng, shape) if len(shape) >= 2 else np.zeros(n)
        elif kind in ("GAMMA", "RUNNING_VAR"):
            values = np.ones(n)
        elif kind == "OTHER":
            values = _gaussian(rng, n) * 0.02
        else:
            values = np.zeros(n)
        # Java computes in double and stores (float): the same rounding.
        tensor.copy_(torch.from_numpy(values.astype(np.float32).reshape(shape)))


@torch.no_grad()
def load_weights(model, directory):
    """Initial weights written by Java: ``order.json`` (names in declaration order) and one
    ``NAME.npy`` per name, matched by position to :func:`java_parameters` (all of them, or the
    trainable ones only when that is what the file lists); shapes must agree."""
    import json
    import os
    with open(os.path.join(directory, "order.json")) as f:
        names = json.load(f)
    if isinstance(names, dict):
        names = names.get("names") or names.get("order")
    params = java_parameters(model)
    if len(names) != len(params):
        params = [p for p in params if p[3]]
    if len(names) != len(params):
        raise ValueError("%s lists %d parameters, the twin has %d" % (directory, len(names), len(params)))
    for name, (tname, tensor, _, _) in zip(names, params):
        array = np.load(os.path.join(directory, name + ".npy"))
        if tuple(array.shape) != tuple(tensor.shape):
            raise ValueError("initial weight %s has shape %s, the twin's %s has %s"
                             % (name, tuple(array.shape), tname, tuple(tensor.shape)))
        tensor.copy_(torch.from_numpy(array.astype(np.float32)))
