package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.optbench.optim.Optimizer;
import dev.optbench.workload.Models;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference backend: one trial's DJL block, autograd op by op, and its update rule
 * ({@link Optimizer}). Runs every network, including those with no stacked form.
 */
final class PerOpBackend implements Backend {
    private final BackendSetup s;
    private final LoopTrial trial;
    private final Block block;
    private final List<NDArray> params = new ArrayList<>();
    private final ParameterStore store;
    private final Optimizer optimizer;

    PerOpBackend(BackendSetup s, LoopTrial trial) {
        this.s = s;
        this.trial = trial;
        TrainConfig config = trial.config;
        this.optimizer = trial.request.optimizers().create(config.optimizer(), config.optimizerHparams());
        this.block = s.net().block(s.data().classes(), config.dropoutRate());
        block.setInitializer(Initializer.ZEROS, p -> true);
        block.initialize(s.manager(), DataType.FLOAT32, Models.inputShape(s.w().batchSize(), s.data().featureShape()));
        Initialization.apply(block, trial.request.seed());
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue().getArray());
            }
        }
        this.store = new ParameterStore(s.manager(), false);
    }

    @Override
    public float[] step(long t, double[] rates, Objective objective) {
        int rows = s.w().batchSize();
        try (NDManager scope = s.manager().newSubManager()) {
            NDArray x = s.features().floats(scope, rows * s.featureSize(),
                    Models.inputShape(rows, s.data().featureShape()));
            NDArray y = s.labels().ints(scope, rows * s.data().labelsPerExample());
            NDArray dataLoss;
            Autograd.record(true);
            try {
                NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
                dataLoss = Losses.meanCrossEntropy(logits, y, objective.smoothing()[0]);
                NDArray objectiveValue = dataLoss;
                if (objective.l2Half()[0] > 0) {
                    objectiveValue = dataLoss.add(Losses.times(squaredNorm(scope), objective.l2Half()[0]));
                }
                Autograd.backward(objectiveValue, scope);
            } finally {
                Autograd.record(false);
            }
            float loss = dataLoss.getFloat();
            if (!Float.isFinite(loss)) {
                return new float[] {loss}; // diverged: the loop stops it, no update needed
            }
            List<NDArray> grads = new ArrayList<>(params.size());
            for (NDArray p : params) {
                grads.add(Autograd.gradient(p, scope));
            }
            try {
                optimizer.step(params, grads, t, rates[0]);
            } catch (Throwable e) {
                TrialLoop.broke(List.of(trial), e);
            }
            for (NDArray p : params) {
                Autograd.zeroGradient(p);
            }
            return new float[] {loss};
        }
    }

    /** ‖θ‖² over all trainable parameters, owned by {@code scope}. */
    private NDArray squaredNorm(NDManager scope) {
        NDArray sum = scope.zeros(new ai.djl.ndarray.types.Shape());
        for (NDArray p : params) {
            NDArray sq = p.square().sum();
            sq.attach(scope);
            sum = sum.add(sq);
        }
        return sum;
    }

    @Override
    public void evaluate(int rows, double[] lossSum, double[] wrong) {
        try (NDManager scope = s.manager().newSubManager()) {
            NDArray x = s.features().floats(scope, rows * s.featureSize(),
                    Models.inputShape(rows, s.data().featureShape()));
            NDArray y = s.labels().ints(scope, rows * s.data().labelsPerExample());
            NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
            Losses.Sums sums = Losses.sums(logits, y);
            lossSum[0] += sums.lossSum().getFloat();
            wrong[0] += sums.wrong().getFloat();
        }
    }

    @Override
    public void retain(int[] keep) {
        // one trial: when it leaves, the loop has no one left to step
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
