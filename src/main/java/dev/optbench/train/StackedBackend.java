package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.optbench.workload.Models;
import dev.optbench.workload.StackedModels;
import java.util.ArrayList;
import java.util.List;

/**
 * K trials as one stacked network on NDArray ops ({@link StackedModels}): autograd over the
 * stacked forward pass, whose objective Σ_k [ℓ_k + l2_k/2 · ‖θ_k‖²] has trial k's own gradient
 * in θ_k. Dropout draws independent per-trial masks from PyTorch's generator on the stacked
 * activations, so with dropout &gt; 0 a trial's random stream differs from its run alone (same
 * distribution, different draws).
 */
final class StackedBackend extends StackedGroups {
    StackedBackend(BackendSetup s, List<LoopTrial> trials) {
        super(s, trials);
    }

    @Override
    public float[] step(long t, double[] rates, Objective objective) {
        int k = rates.length;
        int b = s.w().batchSize();
        long[] dims = Models.inputShape(b, s.data().featureShape()).getShape();
        long[] stackedDims = new long[dims.length + 1];
        stackedDims[0] = k;
        System.arraycopy(dims, 0, stackedDims, 1, dims.length);
        boolean anyL2 = false;
        for (float l2 : objective.l2Half()) {
            anyL2 |= l2 > 0;
        }
        try (NDManager scope = s.manager().newSubManager()) {
            scope.tempAttachAll(leaves());
            NDArray x = s.features().floats(scope, k * b * s.featureSize(), new Shape(stackedDims));
            NDArray y = s.labels().ints(scope, k * b).reshape(k, b);
            NDArray dataLoss;
            // Fresh leaves over the parameters' memory: backward hands over its gradient
            // buffers instead of adding them into zeroed old ones (two passes fewer per step).
            List<List<NDArray>> leaves = new ArrayList<>();
            for (Group g : groups) {
                List<NDArray> own = new ArrayList<>(g.params.size());
                for (NDArray p : g.params) {
                    own.add(Autograd.freshLeaf(p, scope));
                }
                leaves.add(own);
            }
            Autograd.record(true);
            try {
                List<NDArray> params = stacked(leaves);
                NDArray logits = StackedModels.forward(s.net(), params, x, false,
                        dropout(scope, objective.dropout()));
                dataLoss = Losses.trialMeanCrossEntropy(logits, y, objective.smoothing());
                NDArray sum = dataLoss.sum();
                if (anyL2) {
                    NDArray norms = scope.zeros(new Shape(k));
                    for (NDArray p : params) {
                        norms = norms.add(p.square().reshape(k, -1).sum(new int[] {1}));
                    }
                    sum = sum.add(norms.mul(scope.create(objective.l2Half())).sum());
                }
                Autograd.backward(sum, scope);
            } finally {
                Autograd.record(false);
            }
            float[] losses = dataLoss.toFloatArray();
            int from = 0;
            for (int j = 0; j < groups.size(); j++) {
                Group g = groups.get(j);
                try {
                    List<NDArray> grads = new ArrayList<>(g.params.size());
                    for (NDArray leaf : leaves.get(j)) {
                        grads.add(Autograd.gradient(leaf, scope));
                    }
                    g.optimizer.step(g.params, grads, t, java.util.Arrays.copyOfRange(rates, from, from + g.trials.size()));
                } catch (Throwable e) {
                    TrialLoop.broke(g.trials, e);
                }
                from += g.trials.size();
            }
            return losses;
        }
    }

    /** Inverted dropout with trial k's rate on slice k: x · 1[u ≥ p_k] / (1 − p_k), u ~ U(0, 1). */
    private static StackedModels.Dropout dropout(NDManager scope, float[] rates) {
        boolean any = false;
        float[] scale = new float[rates.length];
        for (int i = 0; i < rates.length; i++) {
            any |= rates[i] > 0;
            scale[i] = 1 / (1 - rates[i]);
        }
        if (!any) {
            return x -> x;
        }
        NDArray p = scope.create(rates).reshape(rates.length, 1, 1);
        NDArray sc = scope.create(scale).reshape(rates.length, 1, 1);
        return x -> {
            NDArray u = scope.randomUniform(0f, 1f, x.getShape());
            return x.mul(u.gte(p).toType(DataType.FLOAT32, false)).mul(sc);
        };
    }

    @Override
    public void evaluate(int rows, double[] lossSum, double[] wrong) {
        try (NDManager scope = s.manager().newSubManager()) {
            scope.tempAttachAll(leaves());
            NDArray x = s.features().floats(scope, rows * s.featureSize(),
                    Models.inputShape(rows, s.data().featureShape()));
            NDArray y = s.labels().ints(scope, rows * s.data().labelsPerExample());
            NDArray logits = StackedModels.forward(s.net(), stacked(groups.stream().map(g -> g.params).toList()), x,
                    true, h -> h);
            Losses.Sums sums = Losses.trialSums(logits, y);
            float[] l = sums.lossSum().toFloatArray();
            float[] e = sums.wrong().toFloatArray();
            for (int i = 0; i < l.length; i++) {
                lossSum[i] += l[i];
                wrong[i] += e[i];
            }
        }
    }
}
