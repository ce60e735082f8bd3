package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Softmax cross-entropy with optional label smoothing s over K classes:
 * ℓ = −(1/N) Σ_n Σ_k q_nk log softmax(z_n)_k, q = (1−s)·onehot(y) + s/K. Logits of shape
 * [N, K] or [N, T, K] (every position counts as one example).
 */
final class Losses {
    private Losses() {}

    /** Sum over examples (not the mean) of the cross-entropy, and the count of wrong argmaxes. */
    record Sums(NDArray lossSum, NDArray wrong) {}

    static NDArray flattenLogits(NDArray logits) {
        long k = logits.getShape().get(logits.getShape().dimension() - 1);
        return logits.reshape(-1, k);
    }

    /** Mean smoothed cross-entropy of {@code logits} against int labels {@code labels}. */
    static NDArray meanCrossEntropy(NDArray logits, NDArray labels, double smoothing) {
        NDArray z = flattenLogits(logits);
        NDArray logp = z.logSoftmax(1);
        long n = z.getShape().get(0);
        NDArray picked = logp.gather(labels.toType(DataType.INT64, false).reshape(n, 1), 1);
        if (smoothing == 0) {
            return picked.mean().neg();
        }
        // Σ_k q_k log p_k = (1−s) log p_y + (s/K) Σ_k log p_k
        return times(picked.mean(), (float) (1 - smoothing)).add(times(logp.mean(), (float) smoothing)).neg();
    }

    /**
     * {@code a · c} for a constant c held in memory libtorch owns. Never {@code a.mul(c)} with a
     * Java number on a recorded path: DJL wraps the number's Java direct buffer without copying
     * and closes the array at once, autograd keeps the tensor for the backward pass, and the
     * garbage collector may free the buffer before that pass reads it: the gradients were then
     * sometimes garbage or NaN (issue 9's cifar10_3c3d-tiny, found again by ConformanceTest).
     * The constant is the same float as mul(Number)'s, so results do not change.
     */
    static NDArray times(NDArray a, float c) {
        return a.mul(a.getManager().full(new Shape(), c, a.getDataType()));
    }

    /** Summed plain cross-entropy and error count, for evaluation. */
    static Sums sums(NDArray logits, NDArray labels) {
        NDArray z = flattenLogits(logits);
        NDArray y = labels.toType(DataType.INT64, false);
        NDArray logp = z.logSoftmax(1);
        NDArray loss = logp.gather(y.reshape(-1, 1), 1).sum().neg();
        NDArray wrong = z.argMax(1).neq(y).toType(DataType.FLOAT32, false).sum();
        return new Sums(loss, wrong);
    }

    /**
     * Per-trial mean smoothed cross-entropy of stacked logits [K, B, C] against labels [K, B]:
     * ℓ_k = −[(1−s_k) mean_b log p_{k,b,y} + s_k mean_{b,c} log p_{k,b,c}], shape [K]. Trials
     * with s_k = 0 get the plain mean exactly, as {@link #meanCrossEntropy} gives them.
     */
    static NDArray trialMeanCrossEntropy(NDArray logits, NDArray labels, double[] smoothing) {
        long k = logits.getShape().get(0);
        long b = logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(2);
        NDArray picked = logp.gather(labels.toType(DataType.INT64, false).reshape(k, b, 1), 2).reshape(k, b).mean(new int[] {1});
        boolean smooth = false;
        float[] keep = new float[smoothing.length];
        float[] spread = new float[smoothing.length];
        for (int i = 0; i < smoothing.length; i++) {
            smooth |= smoothing[i] > 0;
            keep[i] = (float) (1 - smoothing[i]);
            spread[i] = (float) smoothing[i];
        }
        if (!smooth) {
            return picked.neg();
        }
        NDArray s = logits.getManager().create(spread);
        NDArray mixed = picked.mul(logits.getManager().create(keep)).add(logp.reshape(k, -1).mean(new int[] {1}).mul(s));
        return mixed.neg();
    }

    /** Per-trial summed plain cross-entropy and error count [K] of stacked logits [K, N, C] against shared labels [N]. */
    static Sums trialSums(NDArray logits, NDArray labels) {
        long k = logits.getShape().get(0);
        long n = logits.getShape().get(1);
        NDArray y = labels.toType(DataType.INT64, false);
        NDArray logp = logits.logSoftmax(2);
        NDArray index = y.reshape(1, n, 1).broadcast(k, n, 1);
        NDArray loss = logp.gather(index, 2).reshape(k, n).sum(new int[] {1}).neg();
        NDArray wrong = logits.argMax(2).neq(y.reshape(1, n)).toType(DataType.FLOAT32, false).sum(new int[] {1});
        return new Sums(loss, wrong);
    }
}
