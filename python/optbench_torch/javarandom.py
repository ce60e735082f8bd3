"""Java's ``java.util.SplittableRandom`` (JDK 17), bit for bit, so that a trial's initial weights
and data order are the ones the Java engine draws from the same seed (train/Initialization.java,
train/DataOrder.java). Bulk draws are vectorized with numpy's wrapping uint64 arithmetic."""
import numpy as np

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def _mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _mix32(z):
    z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK
    return (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK) >> 32


def _mix_gamma(z):
    z = ((z ^ (z >> 33)) * 0xFF51AFD7ED558CCD) & MASK
    z = ((z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53) & MASK
    z = (z ^ (z >> 33)) | 1
    n = bin(z ^ (z >> 1)).count("1")
    return z ^ 0xAAAAAAAAAAAAAAAA if n < 24 else z


def _mix64_array(z):
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class SplittableRandom:
    def __init__(self, seed, gamma=GOLDEN_GAMMA):
        self.seed = seed & MASK
        self.gamma = gamma & MASK

    def _next_seed(self):
        self.seed = (self.seed + self.gamma) & MASK
        return self.seed

    def next_long(self):
        """As a signed Java long."""
        v = _mix64(self._next_seed())
        return v - (1 << 64) if v >> 63 else v

    def split(self):
        return SplittableRandom(_mix64(self._next_seed()), _mix_gamma(self._next_seed()))

    def next_int(self, bound):
        """Java 17's bounded nextInt (RandomSupport.boundedNextInt over mix32)."""
        r = _mix32(self._next_seed())
        m = bound - 1
        if bound & m == 0:
            return (r & m)
        u = r >> 1
        while True:
            r = u % bound
            if u + m - r < (1 << 31):  # the Java int sum did not overflow
                return r
            u = _mix32(self._next_seed()) >> 1

    def next_double(self):
        return (_mix64(self._next_seed()) >> 11) * (1.0 / (1 << 53))

    def doubles(self, n):
        """The next n nextDouble() values as a float64 array."""
        with np.errstate(over="ignore"):
            steps = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(self.gamma)
            seeds = steps + np.uint64(self.seed)
        self.seed = (self.seed + n * self.gamma) & MASK
        return (_mix64_array(seeds) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def _mix32_array(z):
    z = (z ^ (z >> np.uint64(33))) * np.uint64(0x62A9D9ED799705F5)
    return ((z ^ (z >> np.uint64(28))) * np.uint64(0xCB24D0A5C88C35B3)) >> np.uint64(32)


def _bounded_ints(rng, bounds):
    """rng.next_int(b) for each b in ``bounds`` in turn, vectorized: the draws are a known stream,
    and the rare rejected draw (probability < bound / 2^31) is redone one at a time."""
    out = np.empty(len(bounds), dtype=np.int64)
    i = 0
    while i < len(bounds):
        b = bounds[i:].astype(np.uint64)
        with np.errstate(over="ignore"):
            seeds = np.arange(1, len(b) + 1, dtype=np.uint64) * np.uint64(rng.gamma) + np.uint64(rng.seed)
        r = _mix32_array(seeds)
        m = b - np.uint64(1)
        pow2 = (b & m) == 0
        u = r >> np.uint64(1)
        rem = u % b
        res = np.where(pow2, r & m, rem)
        reject = ~pow2 & (u + m - rem >= np.uint64(1 << 31))
        stop = int(np.argmax(reject)) if reject.any() else len(b)
        out[i:i + stop] = res[:stop]
        rng.seed = (rng.seed + stop * rng.gamma) & MASK
        i += stop
        if i < len(bounds):
            out[i] = rng.next_int(int(bounds[i]))
            i += 1
    return out


def permutation_stream(seed, n):
    """DataOrder's endless stream of positions: a Fisher–Yates permutation of range(n) per epoch,
    drawn from ``SplittableRandom(seed).split()``. Yields one epoch (a numpy int64 array) at a time."""
    rng = SplittableRandom(seed).split()
    bounds = np.arange(n, 1, -1, dtype=np.int64)  # j + 1 for j = n-1 .. 1
    while True:
        perm = list(range(n))
        for j, r in zip(range(n - 1, 0, -1), _bounded_ints(rng, bounds).tolist()):
            perm[j], perm[r] = perm[r], perm[j]
        yield np.array(perm, dtype=np.int64)


class DataOrder:
    """Batches as consecutive slices of the epoch permutations, running on into the next epoch.
    With ``pool`` (a concurrent.futures executor) the next epoch is drawn in the background, so a
    GPU step does not wait on the host while K trials draw their permutations at once."""

    def __init__(self, seed, n, pool=None):
        self.stream = permutation_stream(seed, n)
        self.pool = pool
        self.future = pool.submit(next, self.stream) if pool else None
        self.perm = np.zeros(0, dtype=np.int64)
        self.cursor = 0

    def _next_epoch(self):
        if self.future is None:
            return next(self.stream)
        perm = self.future.result()
        self.future = self.pool.submit(next, self.stream)
        return perm

    def next(self, count):
        out = np.empty(count, dtype=np.int64)
        i = 0
        while i < count:
            if self.cursor >= len(self.perm):
                self.perm = self._next_epoch()
                self.cursor = 0
            take = min(count - i, len(self.perm) - self.cursor)
            out[i:i + take] = self.perm[self.cursor:self.cursor + take]
            self.cursor += take
            i += take
        return out
