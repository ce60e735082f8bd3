package dev.optbench.analysis;

import java.util.List;

/**
 * The seed spread of an optimizer's best point (seed repeats, SPEC section 10): the S runs of
 * the point with the lowest mean validation error, their test errors' mean, min, max and sample
 * standard deviation (n − 1), and the validation errors likewise.
 *
 * <p><b>Lucky seed.</b> The best point "won by one lucky seed" when, without its single best seed
 * (lowest validation error), the mean validation error of its other S − 1 seeds is worse than the
 * mean of the runner-up point: {@code lucky ⇔ S ≥ 2 ∧ mean(val_P \ min) > mean(val_Q)}, P the best
 * point and Q the second best by mean. {@code leaveBestOutMean} is that mean; {@code runnerUp} is
 * Q's point and {@code runnerUpMean} its mean (null and NaN when there is only one point).
 */
public record SeedSpread(int point, List<Integer> trials, List<Long> seeds, double testMean, double testMin,
        double testMax, double testSd, double validationMean, double validationMin, double validationMax,
        double validationSd, double leaveBestOutMean, Integer runnerUp, double runnerUpMean, boolean lucky) {
    public SeedSpread {
        trials = List.copyOf(trials);
        seeds = List.copyOf(seeds);
    }
}
