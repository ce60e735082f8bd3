package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/** One trial of an {@link UpdateRule}, no trial axis: the K = 1 case of {@link StackedOptimizer}. */
final class SingleTrialOptimizer implements Optimizer {
    private final StackedOptimizer stacked;

    SingleTrialOptimizer(UpdateRule rule, Map<String, Double> hparams) {
        this.stacked = new StackedOptimizer(rule, List.of(hparams), false);
    }

    @Override
    public String name() {
        return stacked.name();
    }

    @Override
    public Map<String, Double> hyperparameters() {
        return stacked.hyperparameters().get(0);
    }

    @Override
    public void step(List<NDArray> params, List<NDArray> grads, long t, double learningRate) {
        stacked.step(params, grads, t, new double[] {learningRate});
    }

    /** For tests: see {@link StackedOptimizer#stateArrayCount()}. */
    int stateArrayCount() {
        return stacked.stateArrayCount();
    }

    int stateArraysPerParameter() {
        return stacked.stateArraysPerParameter();
    }

    @Override
    public void close() {
        stacked.close();
    }
}
