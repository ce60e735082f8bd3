package dev.optbench.space;

import java.util.SplittableRandom;
import org.hipparchus.random.HaltonSequenceGenerator;

/**
 * The shifted, shuffled Halton sequence of SPEC section 5. Hipparchus computes the radical
 * inverses; this adds what SPEC asks beyond it, all drawn from the seed: the primes are dealt
 * to dimensions in a random order, each dimension's digits go through a random permutation
 * (0 stays 0, so the finite expansion stays exact), and each coordinate gets a random shift
 * modulo 1 (Cranley–Patterson rotation). Point k is a pure function of (seed, k).
 * Permuting digits keeps Halton's stratification: in base b the points 0 … b^m − 1 still fall
 * one in each interval [j/b^m, (j+1)/b^m) before the shift, and one per shifted interval after.
 */
public final class ShuffledHalton {
    private static final int[] PRIMES = {
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
        73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173
    };

    private final int[] bases;
    private final int[][] digitPermutation;
    private final double[] shift;

    public ShuffledHalton(int dimensions, long seed) {
        if (dimensions < 1 || dimensions > PRIMES.length) {
            throw new IllegalArgumentException("Halton sampling supports 1 to " + PRIMES.length + " dimensions, not " + dimensions);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] primes = PRIMES.clone();
        // Deal the first `dimensions` primes to the dimensions in a seeded order.
        for (int i = dimensions - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = primes[i];
            primes[i] = primes[j];
            primes[j] = t;
        }
        bases = java.util.Arrays.copyOf(primes, dimensions);
        digitPermutation = new int[dimensions][];
        shift = new double[dimensions];
        for (int d = 0; d < dimensions; d++) {
            int b = bases[d];
            int[] p = new int[b];
            for (int i = 0; i < b; i++) {
                p[i] = i;
            }
            for (int i = b - 1; i > 1; i--) { // shuffle 1..b-1, keep 0 fixed
                int j = 1 + rng.nextInt(i);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            digitPermutation[d] = p;
            shift[d] = rng.nextDouble();
        }
    }

    public int dimensions() {
        return bases.length;
    }

    /** The prime base used for dimension d. */
    public int base(int d) {
        return bases[d];
    }

    /** Point k in [0, 1)^dimensions. */
    public double[] point(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("trial index must be >= 0, not " + k);
        }
        double[] v = new Generator().skipTo(k);
        for (int d = 0; d < v.length; d++) {
            double x = v[d] + shift[d];
            v[d] = x - Math.floor(x);
        }
        return v;
    }

    /** Hipparchus' generator with the digit scrambling replaced by our seeded permutations. */
    private final class Generator extends HaltonSequenceGenerator {
        Generator() {
            super(bases.length, bases, null);
        }

        @Override
        protected int scramble(int i, int j, int b, int digit) {
            return digitPermutation[i][digit];
        }
    }
}
