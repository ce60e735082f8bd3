"""Readers for the data sets of Java's workload/Datasets.java, with its splits and normalization.

Same files and formats (IDX gz or plain, CIFAR binary, UTF-8 text or the King James Bible, ImageNet
folders), same tiny limits (Fashion-MNIST 6,000 training rows, others 5,000; held-out sets 1,000
tiny and 10,000 full; text 60,000 characters), same splits (validation = the last rows of the
training set, train_eval = evenly spaced training rows as many as validation, test = the first rows
of the test set), and the same normalization: (p/255 − μ_c)/σ_c with μ, σ over the training rows.
"""
import gzip
import json
import os
import re
import struct
import subprocess

import numpy as np
import torch

TINY_TEXT_CHARS = 60_000
BIBLE = "/usr/bin/bible"
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# Where the bundled Fashion-MNIST subset lives: a copy next to the package (the jar may put one
# there), else the repository's resources, as a fresh clone has them.
BUNDLED_FASHION_DIRS = (
    os.path.join(_PACKAGE, "data", "fashion-mnist-subset"),
    os.path.join(_PACKAGE, "..", "..", "src", "main", "resources", "dev", "optbench", "data",
                 "fashion-mnist-subset"),
)
BUNDLED_TRAIN_ROWS = 6_000
BUNDLED_TEST_ROWS = 1_000


class DataError(ValueError):
    """Bad or missing data: one line naming the file and what is expected."""


def tiny_train_limit(kind):
    return 6_000 if kind == "FASHION_MNIST" else 5_000


def held_out_limit(tiny):
    return 1_000 if tiny else 10_000


class Source:
    """Examples in memory: features (float32 [n, ...]) and labels (int64 [n] or [n, T])."""

    def __init__(self, features, labels):
        self.features = features
        self.labels = labels

    def to(self, device):
        return Source(self.features.to(device), self.labels.to(device))

    def batch(self, rows):
        """(features, labels) of ``rows`` (numpy or tensor indices), on the source's device."""
        idx = torch.as_tensor(rows, device=self.features.device)
        return self.features[idx], self.labels[idx]

    def feature_shape(self):
        return tuple(self.features.shape[1:])


class Split:
    """Rows of a source."""

    def __init__(self, source, rows):
        self.source = source
        self.rows = np.asarray(rows, dtype=np.int64)

    def __len__(self):
        return len(self.rows)


class Splits:
    def __init__(self, train, train_eval, validation, test, classes, description):
        self.train = train
        self.train_eval = train_eval
        self.validation = validation
        self.test = test
        self.classes = classes
        self.description = description

    @property
    def feature_shape(self):
        return self.train.source.feature_shape()

    def to(self, device):
        """The same splits with the sources on ``device`` (each source moved once)."""
        moved = {}

        def move(split):
            key = id(split.source)
            if key not in moved:
                moved[key] = split.source.to(device)
            return Split(moved[key], split.rows)
        return Splits(move(self.train), move(self.train_eval), move(self.validation), move(self.test),
                      self.classes, self.description)


def hold_out(train_source, train_count, validation, test_source, test_count, classes, description):
    """DataSplits.holdOut: the last ``validation`` of ``train_count`` rows are validation, train_eval
    is ``validation`` evenly spaced rows of the rest, test the first ``test_count`` test rows."""
    train_rows = train_count - validation
    if validation < 1 or train_rows < 1 or test_count < 1:
        raise DataError("%s: too few examples (%d training, %d test) to hold out a validation set"
                        % (description, train_count, test_count))
    n_eval = min(validation, train_rows)
    evenly = (np.arange(n_eval, dtype=np.int64) * train_rows) // n_eval
    return Splits(Split(train_source, np.arange(train_rows)), Split(train_source, evenly),
                  Split(train_source, np.arange(train_rows, train_count)),
                  Split(test_source, np.arange(test_count)), classes, description)


# ---- images ----

def channel_stats(pixels, rows):
    """Mean and standard deviation per channel (on the [0,1] scale) of the first ``rows`` images
    of ``pixels`` [n, c, h, w] uint8 (Normalization.channelStats)."""
    c = pixels.shape[1]
    mean = np.zeros(c)
    std = np.zeros(c)
    values = np.arange(256) / 255.0
    for ch in range(c):
        counts = np.bincount(pixels[:rows, ch].reshape(-1), minlength=256).astype(np.float64)
        n = counts.sum()
        mean[ch] = (counts * values).sum() / n
        std[ch] = np.sqrt(max((counts * values * values).sum() / n - mean[ch] ** 2, 1e-12))
    return mean, std


def normalize(pixels, mean, std):
    """(v/255 − μ_c)/σ_c computed in double and stored as float, through a 256-entry table per
    channel as Java's Normalization.tables."""
    tables = ((np.arange(256)[None, :] / 255.0 - mean[:, None]) / std[:, None]).astype(np.float32)
    out = np.empty(pixels.shape, dtype=np.float32)
    for ch in range(pixels.shape[1]):
        out[:, ch] = tables[ch][pixels[:, ch]]
    return out


def images(tiny, kind, train_pixels, train_labels, test_pixels, test_labels, classes, description):
    """Datasets.images: tiny limits, hold-out, normalization with training-row statistics."""
    n = len(train_labels)
    if tiny:
        n = min(n, tiny_train_limit(kind))
    validation = min(held_out_limit(tiny), n // 5)
    test_count = min(held_out_limit(tiny), len(test_labels))
    mean, std = channel_stats(train_pixels[:n], n - validation)
    train = Source(torch.from_numpy(normalize(train_pixels[:n], mean, std)),
                   torch.from_numpy(np.asarray(train_labels[:n], dtype=np.int64)))
    test = Source(torch.from_numpy(normalize(test_pixels[:test_count], mean, std)),
                  torch.from_numpy(np.asarray(test_labels[:test_count], dtype=np.int64)))
    return hold_out(train, n, validation, test, test_count, classes,
                    description + (" (tiny subset)" if tiny else ""))


def read_maybe_gzip(path):
    try:
        with open(path, "rb") as f:
            head = f.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise DataError("missing file %s" % path)
    except (OSError, EOFError) as e:
        raise DataError("%s is truncated or not valid gzip (%s)" % (path, e))


def parse_idx(data, name, rank):
    """IDX bytes: magic {0, 0, 0x08, rank}, big-endian int32 dims, unsigned bytes."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise DataError("%s is not an IDX file of unsigned bytes (magic 0x0000080%d expected)" % (name, rank))
    if data[3] != rank:
        raise DataError("%s has %d dimensions, expected %d" % (name, data[3], rank))
    if len(data) < 4 + 4 * rank:
        raise DataError("%s is truncated: its IDX header is incomplete" % name)
    dims = struct.unpack(">%di" % rank, data[4:4 + 4 * rank])
    if any(d <= 0 for d in dims):
        raise DataError("%s has a non-positive dimension" % name)
    total = int(np.prod(dims))
    have = len(data) - 4 - 4 * rank
    if have != total:
        raise DataError("%s %s: header promises %d data bytes, file holds %d"
                        % (name, "is truncated" if have < total else "has trailing bytes", total, have))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def _idx(directory, name, rank):
    for candidate in (os.path.join(directory, name + ".gz"), os.path.join(directory, name)):
        if os.path.exists(candidate):
            return parse_idx(read_maybe_gzip(candidate), candidate, rank)
    raise DataError("missing file %s.gz (or %s uncompressed) in %s" % (name, name, directory))


def fashion(directory, tiny, description=None):
    if not os.path.isdir(directory):
        raise DataError("missing directory %s for fashion-mnist: expected train-images-idx3-ubyte[.gz], "
                        "train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]"
                        % directory)
    tx = _idx(directory, "train-images-idx3-ubyte", 3)
    ty = _idx(directory, "train-labels-idx1-ubyte", 1)
    sx = _idx(directory, "t10k-images-idx3-ubyte", 3)
    sy = _idx(directory, "t10k-labels-idx1-ubyte", 1)
    for x, y, prefix in ((tx, ty, "train"), (sx, sy, "t10k")):
        if len(x) != len(y):
            raise DataError("%s: %s images hold %d examples but %s labels %d" % (directory, prefix, len(x), prefix, len(y)))
        if len(y) and y.max() >= 10:
            raise DataError("%s: %s label %d is outside 0..9" % (directory, prefix, int(y.max())))
    if tx.shape[1:] != sx.shape[1:]:
        raise DataError("%s: training images are %dx%d but test images %dx%d"
                        % ((directory,) + tx.shape[1:] + sx.shape[1:]))
    return images(tiny, "FASHION_MNIST", tx[:, None], ty, sx[:, None], sy, 10,
                  description or "Fashion-MNIST from %s" % directory)


def read_cifar(files, classes):
    label_bytes = 2 if classes == 100 else 1
    record = label_bytes + 3072
    pixels, labels = [], []
    for f in files:
        try:
            with open(f, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:
            raise DataError("missing file %s" % f)
        if len(raw) == 0 or len(raw) % record:
            raise DataError("%s is not a CIFAR-%d binary file: its size %d is not a positive multiple of the "
                            "%d-byte record" % (f, classes, len(raw), record))
        rows = np.frombuffer(raw, dtype=np.uint8).reshape(-1, record)
        lab = rows[:, label_bytes - 1].astype(np.int64)
        if lab.max() >= classes:
            raise DataError("%s has label %d, outside 0..%d: not a CIFAR-%d file" % (f, lab.max(), classes - 1, classes))
        pixels.append(rows[:, label_bytes:].reshape(-1, 3, 32, 32))
        labels.append(lab)
    return np.concatenate(pixels), np.concatenate(labels)


def cifar(directory, tiny, classes):
    if not os.path.isdir(directory):
        raise DataError("missing directory %s for cifar-%d" % (directory, classes))
    sub = "cifar-10-batches-bin" if classes == 10 else "cifar-100-binary"
    base = os.path.join(directory, sub) if os.path.isdir(os.path.join(directory, sub)) else directory
    if classes == 10:
        train = [os.path.join(base, "data_batch_%d.bin" % i) for i in range(1, 6)]
        test = os.path.join(base, "test_batch.bin")
    else:
        train = [os.path.join(base, "train.bin")]
        test = os.path.join(base, "test.bin")
    tx, ty = read_cifar(train, classes)
    sx, sy = read_cifar([test], classes)
    return images(tiny, "CIFAR%d" % classes, tx, ty, sx, sy, classes, "CIFAR-%d from %s" % (classes, base))


# ---- text ----

def strip_references(raw):
    """KingJamesBible.stripReferences: drop "Ge1:1 " prefixes and blank lines, one verse a line."""
    lines = [re.sub(r"^\S+:\d+\s+", "", line, count=1) for line in re.split(r"\r\n|\r|\n", raw)]
    if lines and lines[-1] == "":
        lines.pop()
    return "".join(line + "\n" for line in lines if line.strip())


def bible_text():
    if not os.access(BIBLE, os.X_OK):
        raise DataError("missing %s, which prints the default text corpus (install the Debian package bible-kjv, "
                        "or pass --data-dir with a UTF-8 text file)" % BIBLE)
    raw = subprocess.run([BIBLE, "-f", "Gen1:1-Rev22:21"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True).stdout.decode("utf-8")
    return strip_references(raw)


def text_files(path):
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise DataError("missing text %s (expected a UTF-8 text file, or a directory of *.txt files)" % path)
    files = sorted(os.path.join(path, f) for f in os.listdir(path)
                   if f.endswith(".txt") and os.path.isfile(os.path.join(path, f))
                   and not os.path.islink(os.path.join(path, f)))
    if not files:
        raise DataError("no *.txt files in %s" % path)
    return files


def read_text(files):
    parts = []
    for f in files:
        with open(f, "rb") as fh:
            raw = fh.read()
        try:
            parts.append(raw.decode("utf-8", errors="strict"))
        except UnicodeDecodeError:
            raise DataError("%s is not valid UTF-8 text" % f)
    return "".join(parts)


def text_corpus(text, sequence_length):
    """(vocabulary code points sorted, token ids) of ``text`` (TextCorpus.fromText)."""
    cps = np.array([ord(c) for c in text], dtype=np.int64)
    if len(cps) < 2 * sequence_length + 1:
        raise DataError("text has %d characters, too short for sequences of %d (need at least %d)"
                        % (len(cps), sequence_length, 2 * sequence_length + 1))
    vocab = np.unique(cps)
    return vocab, np.searchsorted(vocab, cps)


def text_splits(vocab, tokens, sequence_length, tiny, description):
    """Datasets.textSplits: non-overlapping windows; test = the last tenth, validation the tenth before."""
    n = (len(tokens) - 1) // sequence_length
    idx = np.arange(n)[:, None] * sequence_length + np.arange(sequence_length)[None, :]
    x = torch.from_numpy(tokens[idx].astype(np.float32))
    y = torch.from_numpy(tokens[idx + 1].astype(np.int64))
    source = Source(x, y)
    held = max(1, min(held_out_limit(tiny), n // 10))
    if n < 3 * held:
        raise DataError(description + ": too short to split into train, validation and test")
    inner = hold_out(source, n - held, held, source, 1, len(vocab), description)
    inner.test = Split(source, np.arange(n - held, n))
    return inner


def text(path, tiny, sequence_length):
    bible = path == BIBLE
    body = bible_text() if bible else read_text(text_files(path))
    vocab, tokens = text_corpus(body, sequence_length)
    if tiny and len(tokens) > TINY_TEXT_CHARS:
        tokens = tokens[:TINY_TEXT_CHARS]
    return text_splits(vocab, tokens, sequence_length, tiny,
                       "%s%s (%d characters, vocabulary %d%s)" % ("the King James Bible from " if bible else "text ",
                                                                  path, len(tokens), len(vocab),
                                                                  ", tiny subset)" if tiny else ")"))


# ---- ImageNet folders ----

class JavaRandom:
    """java.util.Random, for ImageFolderSource's one shuffle of the training files."""

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def next_bits(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        v = self.seed >> (48 - bits)
        return v - (1 << bits) if bits == 32 and v >> 31 else v

    def next_int(self, bound):
        r = self.next_bits(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if u - r + m < (1 << 31):
                return r
            u = self.next_bits(31)


class ImageFolderSource:
    """ImageNet folders decoded on demand with PIL, resized to side x side (bilinear, no crop),
    normalized with ImageNet's mean and std. PIL's bilinear filter is not Java2D's, so pixels
    differ slightly from the Java engine's; files, labels, order and splits are the same."""

    MEAN = np.array([0.485, 0.456, 0.406])
    STD = np.array([0.229, 0.224, 0.225])

    def __init__(self, files, labels, side):
        self.files = files
        self.labels_array = np.asarray(labels, dtype=np.int64)
        self.side = side

    def to(self, device):
        return self  # decoded on the host, batch by batch

    def feature_shape(self):
        return (3, self.side, self.side)

    def batch(self, rows):
        from PIL import Image
        out = np.empty((len(rows), 3, self.side, self.side), dtype=np.float32)
        for i, r in enumerate(rows):
            img = Image.open(self.files[r]).convert("RGB").resize((self.side, self.side), Image.BILINEAR)
            a = np.asarray(img, dtype=np.float64) / 255.0
            out[i] = ((a - self.MEAN) / self.STD).transpose(2, 0, 1)
        return torch.from_numpy(out), torch.from_numpy(self.labels_array[np.asarray(rows)])


def _scan(root, classes, side, shuffle):
    files, labels = [], []
    for c, name in enumerate(classes):
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            if os.path.isfile(os.path.join(folder, f)):
                files.append(os.path.join(folder, f))
                labels.append(c)
    if not files:
        raise DataError("no images under %s" % root)
    order = list(range(len(files)))
    if shuffle:
        from .javarandom import SplittableRandom
        rnd = JavaRandom(SplittableRandom(0).next_long())
        for i in range(len(order), 1, -1):
            j = rnd.next_int(i)
            order[i - 1], order[j] = order[j], order[i - 1]
    return ImageFolderSource([files[i] for i in order], [labels[i] for i in order], side)


def imagenet(directory, tiny, image_size):
    side = image_size or 224
    train_root = os.path.join(directory, "train")
    if not os.path.isdir(train_root):
        raise DataError("missing directory %s (expected ImageNet folders train/<class>/*.JPEG and val/<class>/*.JPEG)"
                        % train_root)
    classes = sorted(d for d in os.listdir(train_root) if os.path.isdir(os.path.join(train_root, d)))
    if not classes:
        raise DataError("no class folders in %s" % train_root)
    train = _scan(train_root, classes, side, True)
    test = _scan(os.path.join(directory, "val"), classes, side, False)
    n = min(len(train.files), tiny_train_limit("IMAGENET")) if tiny else len(train.files)
    validation = min(held_out_limit(tiny), n // 5)
    test_count = min(held_out_limit(tiny), len(test.files))
    return hold_out(train, n, validation, test, test_count, len(classes),
                    "ImageNet folders %s (%d classes)" % (directory, len(classes)))


# ---- entry ----

def bundled_fashion_dir():
    for d in BUNDLED_FASHION_DIRS:
        if os.path.isdir(d):
            return os.path.normpath(d)
    return None


def load(data):
    """The splits of a job's ``workload.data`` object (kind, tiny, sequence_length, image_size, path).
    A tiny Fashion-MNIST workload whose path is missing or not a directory reads the bundled
    subset, as Java does when nothing is installed at the default place."""
    kind = data["kind"]
    tiny = bool(data.get("tiny"))
    path = data.get("path")
    if kind == "FASHION_MNIST":
        if tiny and (not path or not os.path.isdir(path)):
            bundled = bundled_fashion_dir()
            if bundled is None:
                raise DataError("no Fashion-MNIST at %s and no bundled subset next to the package" % path)
            return fashion(bundled, True, "bundled Fashion-MNIST subset (%d train / %d test rows)"
                           % (BUNDLED_TRAIN_ROWS, BUNDLED_TEST_ROWS))
        return fashion(path, tiny)
    if not path:
        raise DataError("%s has no default location: the job must name data.path" % kind)
    if kind in ("CIFAR10", "CIFAR100"):
        return cifar(path, tiny, 10 if kind == "CIFAR10" else 100)
    if kind == "TEXT":
        return text(path, tiny, int(data.get("sequence_length") or 0))
    if kind == "IMAGENET":
        return imagenet(path, tiny, int(data.get("image_size") or 0))
    raise DataError("unknown data kind '%s': choose FASHION_MNIST, CIFAR10, CIFAR100, TEXT or IMAGENET" % kind)


def random_splits(feature_shape, classes, n_train, n_test=256, seed=0):
    """Random data of the right shapes (for throughput benchmarks only)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((n_train,) + tuple(feature_shape), generator=g)
    y = torch.randint(0, classes, (n_train,), generator=g)
    xs = torch.randn((n_test,) + tuple(feature_shape), generator=g)
    ys = torch.randint(0, classes, (n_test,), generator=g)
    return hold_out(Source(x, y), n_train, max(1, n_train // 10), Source(xs, ys), n_test, classes, "random data")


def describe(splits):
    return json.dumps({"train": len(splits.train), "train_eval": len(splits.train_eval),
                       "validation": len(splits.validation), "test": len(splits.test), "classes": splits.classes})
