"""The readers on small files in the real formats: splits, limits and normalization as Java's."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tempfile
import unittest

import numpy as np

from optbench_torch import data
from helpers import write_fashion, write_idx


class Fashion(unittest.TestCase):
    def test_splits_and_normalization(self):
        with tempfile.TemporaryDirectory() as d:
            write_fashion(d, n_train=300, n_test=100)
            s = data.load({"kind": "FASHION_MNIST", "tiny": True, "path": d})
            # validation = min(1000, 300 // 5) = 60 held out at the end; train_eval = 60 evenly spaced rows
            self.assertEqual((len(s.train), len(s.validation), len(s.train_eval), len(s.test)), (240, 60, 60, 100))
            self.assertEqual(s.validation.rows[0], 240)
            self.assertEqual(s.train_eval.rows[:3].tolist(), [0, 4, 8])
            raw = data.parse_idx(data.read_maybe_gzip(os.path.join(d, "train-images-idx3-ubyte.gz")), "x", 3)
            v = raw[:240] / 255.0
            mean, std = v.mean(), v.std()
            x = s.train.source.features.numpy()
            self.assertAlmostEqual(float(x[5, 0, 3, 4]), (raw[5, 3, 4] / 255.0 - mean) / std, places=5)
            # statistics come from the training rows only: they have mean 0 and std 1
            self.assertAlmostEqual(float(x[:240].mean()), 0.0, places=4)
            self.assertAlmostEqual(float(x[:240].std()), 1.0, places=3)

    def test_bundled_subset_when_the_path_is_missing(self):
        s = data.load({"kind": "FASHION_MNIST", "tiny": True, "path": "/nonexistent/fashion"})
        self.assertEqual((len(s.train), len(s.validation), len(s.test)), (5000, 1000, 1000))
        self.assertIn("bundled", s.description)

    def test_bad_idx_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "bad"), "wb") as f:
                f.write(b"\x00\x00\x09\x03")
            with self.assertRaisesRegex(data.DataError, "not an IDX file of unsigned bytes"):
                data.parse_idx(data.read_maybe_gzip(os.path.join(d, "bad")), "bad", 3)
            write_idx(os.path.join(d, "short.gz"), np.zeros((2, 3), dtype=np.uint8))
            raw = data.read_maybe_gzip(os.path.join(d, "short.gz"))
            with self.assertRaisesRegex(data.DataError, "is truncated"):
                data.parse_idx(raw[:-1], "short", 2)


class Cifar(unittest.TestCase):
    def test_cifar100_fine_label_and_channel_planes(self):
        with tempfile.TemporaryDirectory() as d:
            rng = np.random.default_rng(1)
            for name, n in (("train.bin", 50), ("test.bin", 20)):
                rec = np.zeros((n, 2 + 3072), dtype=np.uint8)
                rec[:, 0] = 3  # coarse
                rec[:, 1] = rng.integers(0, 100, n)  # fine
                rec[:, 2:] = rng.integers(0, 256, (n, 3072))
                rec.tofile(os.path.join(d, name))
                if name == "train.bin":
                    train = rec
            s = data.load({"kind": "CIFAR100", "tiny": False, "path": d})
            self.assertEqual(s.classes, 100)
            self.assertEqual((len(s.train), len(s.validation), len(s.test)), (40, 10, 20))
            self.assertEqual(s.train.source.labels[:5].tolist(), train[:5, 1].tolist())
            green = train[:40, 2 + 1024:2 + 2048] / 255.0
            x = s.train.source.features.numpy()
            self.assertAlmostEqual(float(x[0, 1, 0, 0]), (train[0, 2 + 1024] / 255.0 - green.mean()) / green.std(),
                                   places=5)

    def test_wrong_size_file(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "train.bin"), "wb") as f:
                f.write(b"\x01" * 100)
            with self.assertRaisesRegex(data.DataError, "not a positive multiple of the 3074-byte record"):
                data.load({"kind": "CIFAR100", "tiny": False, "path": d})


class Text(unittest.TestCase):
    def test_windows_vocabulary_and_splits(self):
        with tempfile.TemporaryDirectory() as d:
            body = "abcab\u00e9" * 100  # 600 characters, vocabulary a b c é
            with open(os.path.join(d, "x.txt"), "w", encoding="utf-8") as f:
                f.write(body)
            s = data.load({"kind": "TEXT", "tiny": True, "path": d, "sequence_length": 10})
            self.assertEqual(s.classes, 4)
            # (600 − 1) // 10 = 59 sequences; held = max(1, min(1000, 5)) = 5
            self.assertEqual((len(s.train), len(s.validation), len(s.test)), (49, 5, 5))
            self.assertEqual(s.test.rows.tolist(), [54, 55, 56, 57, 58])
            src = s.train.source
            self.assertEqual(src.features[0, :6].tolist(), [0, 1, 2, 0, 1, 3])  # a b c a b é
            self.assertEqual(src.labels[0, :5].tolist(), [1, 2, 0, 1, 3])

    def test_bible_references_are_stripped(self):
        self.assertEqual(data.strip_references("Ge1:1 In the beginning\n\n1Co13:4 Charity suffereth long\n"),
                         "In the beginning\nCharity suffereth long\n")

    def test_invalid_utf8(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "x.txt"), "wb") as f:
                f.write(b"abc\xff" * 50)
            with self.assertRaisesRegex(data.DataError, "not valid UTF-8"):
                data.load({"kind": "TEXT", "tiny": True, "path": d, "sequence_length": 5})


class ImageNetFolders(unittest.TestCase):
    def test_classes_splits_and_decoding(self):
        try:
            from PIL import Image
        except ImportError:
            self.skipTest("PIL is not installed")
        with tempfile.TemporaryDirectory() as d:
            for split, per in (("train", 5), ("val", 2)):
                for c, color in (("n01", (255, 0, 0)), ("n02", (0, 0, 255))):
                    os.makedirs(os.path.join(d, split, c))
                    for i in range(per):
                        Image.new("RGB", (12, 9), color).save(os.path.join(d, split, c, "%d.png" % i))
            s = data.load({"kind": "IMAGENET", "tiny": True, "path": d, "image_size": 8})
            self.assertEqual(s.classes, 2)
            # 10 training files: validation = 10 // 5 = 2 held out; test = the 4 val files
            self.assertEqual((len(s.train), len(s.validation), len(s.test)), (8, 2, 4))
            x, y = s.test.source.batch([0, 2])
            self.assertEqual(tuple(x.shape), (2, 3, 8, 8))
            self.assertEqual(y.tolist(), [0, 1])
            # red: channel 0 at (1 − 0.485)/0.229, blue absent: (0 − 0.406)/0.225
            self.assertAlmostEqual(float(x[0, 0, 3, 3]), (1 - 0.485) / 0.229, places=4)
            self.assertAlmostEqual(float(x[0, 2, 3, 3]), -0.406 / 0.225, places=4)


class JavaUtilRandom(unittest.TestCase):
    def test_next_int_as_jdk17(self):
        # new java.util.Random(42): nextInt(10), nextInt(10), nextInt(16), nextInt(1000) printed by JDK 17
        r = data.JavaRandom(42)
        self.assertEqual([r.next_int(10), r.next_int(10), r.next_int(16), r.next_int(1000)], [0, 3, 10, 884])


if __name__ == "__main__":
    unittest.main()
