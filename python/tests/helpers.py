"""Small data files in the real formats, and tiny jobs, for the tests."""
import gzip
import os
import struct

import numpy as np


def write_idx(path, array, compress=True):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(">%di" % array.ndim, *array.shape)
    data = header + array.tobytes()
    opener = gzip.open if compress else open
    with opener(path, "wb") as f:
        f.write(data)


def write_fashion(directory, n_train=300, n_test=100, seed=0):
    """Random 28x28 images whose label is readable from the mean brightness (so training can learn)."""
    rng = np.random.default_rng(seed)
    os.makedirs(directory, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, n)
        images = rng.integers(0, 60, (n, 28, 28)) + (labels * 19)[:, None, None]
        write_idx(os.path.join(directory, "%s-images-idx3-ubyte.gz" % prefix), images)
        write_idx(os.path.join(directory, "%s-labels-idx1-ubyte" % prefix), labels, compress=False)
    return directory


def tiny_job(data_dir, trials, steps=4, eval_interval=2, layout="stacked", arch="MLP", name="fmnist_mlp-tiny"):
    return {"protocol": 1, "device": "cpu", "layout": layout, "deterministic": True, "threads": 1,
            "workload": {"name": name, "architecture": arch, "tiny": True, "classes": 10, "batch_size": 8,
                         "steps": steps, "eval_interval": eval_interval, "target_error": 0.25,
                         "error_metric": "classification_error",
                         "data": {"kind": "FASHION_MNIST", "tiny": True, "sequence_length": 0, "image_size": 0,
                                  "path": data_dir}},
            "trials": trials, "init": None, "order": None}


def trial(tid, optimizer="sgd", seed=1, optimizer_class=None, **hparams):
    hparams.setdefault("learning_rate", 0.05)
    return {"id": tid, "optimizer": optimizer, "seed": seed, "hparams": hparams, "optimizer_class": optimizer_class}
