package dev.optbench.optim;

import java.util.List;
import java.util.Map;

/**
 * The built-in optimizers of SPEC section 2 as pure functions over {@link OptimizerRegistry#BUILT_IN}:
 * for code that only ever needs the six built-in rules (tests, benchmarks, the built-in inclusion
 * relations). These never see a plug-in: code that must accept plug-in names takes the run's
 * {@link OptimizerRegistry} instead.
 */
public final class Optimizers {
    private Optimizers() {}

    /** Name of the decoupled weight decay every optimizer takes. */
    public static final String WEIGHT_DECAY = HyperparameterSpec.WEIGHT_DECAY.name();

    private static final OptimizerRegistry BUILT_IN = OptimizerRegistry.BUILT_IN;

    /**
     * How the built-in rules run on float32 host arrays: "native one-pass kernels" or why they
     * run as NDArray ops; recorded in every trial's provenance.
     */
    public static String updateKernels() {
        return FusedUpdates.status();
    }

    /** The update rules' native library: its sha256 and whether it was loaded, or why not. */
    public static String updateKernelsLibrary() {
        return FusedUpdates.library();
    }

    /** sgd, momentum, nesterov, rmsprop, adam, nadam. */
    public static List<String> builtInNames() {
        return BUILT_IN.builtInNames();
    }

    /** The built-in names (no plug-ins: see {@link OptimizerRegistry#names}). */
    public static List<String> names() {
        return BUILT_IN.names();
    }

    /** {@link OptimizerRegistry#hyperparameters} of a built-in rule. */
    public static List<HyperparameterSpec> hyperparameters(String name) {
        return BUILT_IN.hyperparameters(name);
    }

    /** {@link OptimizerRegistry#rule} of a built-in rule. */
    public static UpdateRule rule(String name) {
        return BUILT_IN.rule(name);
    }

    /** {@link OptimizerRegistry#formula} of a built-in rule. */
    public static String formula(String name) {
        return BUILT_IN.formula(name);
    }

    /** {@link OptimizerRegistry#create} for a built-in rule. */
    public static Optimizer create(String name, Map<String, Double> hparams) {
        return BUILT_IN.create(name, hparams);
    }

    /** {@link OptimizerRegistry#createBatched} for a built-in rule. */
    public static BatchedOptimizer createBatched(String name, List<Map<String, Double>> perTrial) {
        return BUILT_IN.createBatched(name, perTrial);
    }

    /** {@link OptimizerRegistry#check} for a built-in rule. */
    public static void check(String name, Map<String, Double> hparams) {
        BUILT_IN.check(name, hparams);
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** {@link OptimizerRegistry#hyperparameterNames} of a built-in rule. */
    public static List<String> hyperparameterNames(String name) {
        return BUILT_IN.hyperparameterNames(name);
    }
}
