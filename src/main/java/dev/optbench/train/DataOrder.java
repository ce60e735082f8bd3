package dev.optbench.train;

import java.util.SplittableRandom;

/**
 * Seeded data order of one trial: a fresh Fisher–Yates permutation of the n training rows each
 * epoch, drawn from {@code new SplittableRandom(seed).split()}; batches are consecutive slices of
 * it, running on into the next epoch's permutation. {@link TrialLoop} draws each trial's batches
 * from its own, so trial k of a batch sees exactly the batches it sees alone, on every backend.
 */
final class DataOrder {
    private final SplittableRandom order;
    private final int n;
    private int[] permutation = new int[0];
    private int cursor;

    DataOrder(long seed, int n) {
        this.order = new SplittableRandom(seed).split();
        this.n = n;
    }

    /** Fills {@code positions[from, from + count)} with the next {@code count} training positions. */
    void next(int[] positions, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (cursor >= permutation.length) {
                permutation = new int[n];
                for (int j = 0; j < n; j++) {
                    permutation[j] = j;
                }
                for (int j = n - 1; j > 0; j--) {
                    int r = order.nextInt(j + 1);
                    int tmp = permutation[j];
                    permutation[j] = permutation[r];
                    permutation[r] = tmp;
                }
                cursor = 0;
            }
            positions[i] = permutation[cursor++];
        }
    }
}
