package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * K trials of one update rule stepped together (SPEC section 10, batched trials): every
 * parameter carries a leading trial axis of length {@link #trials()}, trial k has its own
 * hyperparameters and scheduled learning rate, and no value of one trial enters another's update.
 */
public interface BatchedOptimizer extends AutoCloseable {
    String name();

    /** Number of trials K now (it shrinks with {@link #retain}). */
    int trials();

    /** Each trial's hyperparameters by canonical name, defaults filled in. */
    List<Map<String, Double>> hyperparameters();

    /**
     * Applies update t with trial k's scheduled rate {@code rates[k]} to each parameter in place;
     * {@code params.get(i)} has shape [K, ...] and matches {@code grads.get(i)}.
     */
    void step(List<NDArray> params, List<NDArray> grads, long t, double[] rates);

    /**
     * Keeps only the trials at {@code keep} (ascending indices into the current trials), e.g. when
     * one diverged: their state and hyperparameters move down; the caller slices its parameters
     * the same way before the next step.
     */
    void retain(int[] keep);

    @Override
    void close();
}
