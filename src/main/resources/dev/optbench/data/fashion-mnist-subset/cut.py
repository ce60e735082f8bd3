#!/usr/bin/env python3
"""Cuts optbench's bundled Fashion-MNIST subset from the full data set (standard library only).

Keeps the first TRAIN rows of the training set and the first TEST rows of the test set, in
their original order, as gzipped IDX files of the same format. These are exactly the rows the
-tiny workloads read from the full data set (DataSpec.tinyTrainLimit() = 6000 training rows,
of which the last 1000 are validation; heldOutLimit() = 1000 test rows), so a tiny trial gives
the same result on the subset as on the full data. Output is byte-for-byte reproducible
(gzip level 9, mtime 0, no file name).

usage: python3 cut.py [SOURCE_DIR [OUT_DIR]]
  default SOURCE_DIR /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist),
  default OUT_DIR the directory of this script.
"""
import gzip
import os
import struct
import sys

TRAIN = 6000
TEST = 1000


def cut(src, dst, name, rows):
    with gzip.open(os.path.join(src, name + ".gz"), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    rank = magic & 0xFF
    dims = list(struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank]))
    item = 1
    for d in dims[1:]:
        item *= d
    header = 4 + 4 * rank
    body = data[header:header + rows * item]
    dims[0] = rows
    out = struct.pack(">I", magic) + struct.pack(">" + "I" * rank, *dims) + body
    with open(os.path.join(dst, name + ".gz"), "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as g:
            g.write(out)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for name, rows in (("train-images-idx3-ubyte", TRAIN), ("train-labels-idx1-ubyte", TRAIN),
                       ("t10k-images-idx3-ubyte", TEST), ("t10k-labels-idx1-ubyte", TEST)):
        cut(src, dst, name, rows)


if __name__ == "__main__":
    main()
