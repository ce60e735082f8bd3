package dev.optbench.train;

/**
 * How {@link TrialLoop} computes the steps and evaluations of K ≥ 1 trials of one workload. The
 * loop owns everything else (data order, schedules, divergence, evaluation schedule and chunking,
 * failure isolation, listeners): it fills the shared host buffers with the rows of a step or an
 * evaluation chunk and asks the backend for the numbers. Trial i of a call is the loop's i-th
 * active trial; trials of one update rule are consecutive.
 */
public interface Backend extends AutoCloseable {
    /**
     * The three implementations: DJL autograd over one trial's own blocks (the reference, and
     * the only one for networks with no stacked form), NDArray autograd over the stacked network
     * of K trials, and the native forward and backward passes ({@link NativeNet}) over it.
     */
    enum Kind { PER_OP, STACKED, NATIVE }

    /**
     * Each trial's objective: its label smoothing, l2 / 2 (the objective is its smoothed
     * cross-entropy plus l2/2 · ‖θ‖²) and dropout rate.
     */
    record Objective(double[] smoothing, float[] l2Half, float[] dropout) {}

    /**
     * Training step t on the rows the loop filled ({@code batch} per trial, trial after trial):
     * loss and gradient of each trial's objective, then its update at {@code rates[i]}. Returns
     * each trial's minibatch data loss; a group whose update threw is reported through
     * {@link TrialLoop#broke} and left for the loop to drop.
     */
    float[] step(long t, double[] rates, Objective objective);

    /** Adds each trial's summed plain cross-entropy and wrong count over the {@code rows} shared rows filled. */
    void evaluate(int rows, double[] lossSum, double[] wrong);

    /** Keeps only the trials at positions {@code keep} (ascending), in that order. */
    void retain(int[] keep);

    @Override
    void close();
}
