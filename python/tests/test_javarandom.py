"""Java's SplittableRandom and DataOrder, against values printed by JDK 17."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import unittest

from optbench_torch.javarandom import DataOrder, SplittableRandom, permutation_stream


class AgainstJdk17(unittest.TestCase):
    def test_draws(self):
        # new SplittableRandom(12345L); s = r.split(); then s.nextDouble() twice, s.nextInt(10),
        # s.nextInt(7), s.nextInt(1000003), s.nextLong(), r.nextDouble() — printed by JDK 17.
        r = SplittableRandom(12345)
        s = r.split()
        self.assertEqual(s.next_double(), 0.8309396170303293)
        self.assertEqual(s.next_double(), 0.6852077994598521)
        self.assertEqual([s.next_int(10), s.next_int(7), s.next_int(1000003)], [0, 3, 222341])
        self.assertEqual(s.next_long(), -6033951648134247978)
        self.assertEqual(r.next_double(), 0.11954258300911547)

    def test_data_order_permutation(self):
        # DataOrder(42, 50000)'s first epoch as Java's Fisher–Yates draws it: positions 0, 1 and
        # the last, printed by JDK 17.
        perm = next(permutation_stream(42, 50000))
        self.assertEqual([perm[0], perm[1], perm[-1]], [18955, 47870, 9177])
        self.assertEqual(sorted(perm.tolist()), list(range(50000)))

    def test_batches_run_on_into_the_next_epoch(self):
        order = DataOrder(3, 10)
        first = order.next(7)
        second = order.next(7)  # 3 from epoch 1, then 4 from epoch 2
        epochs = permutation_stream(3, 10)
        e1, e2 = next(epochs), next(epochs)
        self.assertEqual(first.tolist() + second.tolist(), e1.tolist() + e2[:4].tolist())

    def test_bulk_doubles_equal_single_draws(self):
        a, b = SplittableRandom(-9), SplittableRandom(-9)
        self.assertEqual(a.doubles(5).tolist(), [b.next_double() for _ in range(5)])


if __name__ == "__main__":
    unittest.main()


class Prefetched(unittest.TestCase):
    def test_background_epochs_are_the_same_order(self):
        from concurrent.futures import ThreadPoolExecutor
        import numpy as np
        with ThreadPoolExecutor(2) as pool:
            a, b = DataOrder(5, 100, pool), DataOrder(5, 100)
            for _ in range(7):
                np.testing.assert_array_equal(a.next(33), b.next(33))
