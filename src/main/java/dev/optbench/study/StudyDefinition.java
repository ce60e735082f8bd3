package dev.optbench.study;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A study: workload + protocol + optimizers + trials per optimizer + seed (SPEC section 7).
 * {@code spaces} holds each optimizer's search space in AlgoPerf JSON form, as used (for the
 * fitted protocol: stage 1's wide space). {@code sampler} is halton, random or grid.
 * {@code external} is null for a built-in workload, else the command that runs each trial
 * (SPEC section 10; workload {@value ExternalCommand#WORKLOAD}).
 * {@code trialsPerOptimizer} counts hyperparameter points; each runs under {@code seeds} seeds
 * (SPEC section 10, seed repeats), so an optimizer has trialsPerOptimizer × seeds trials.
 * {@code fit} is null except for the fitted protocol. {@code torch} is null for a study on the
 * DJL engine (the default), else how the PyTorch engine runs it.
 */
public record StudyDefinition(
        String name,
        String workload,
        String protocol,
        List<String> optimizers,
        int trialsPerOptimizer,
        long seed,
        String sampler,
        Map<String, String> spaces,
        Instant created,
        ExternalCommand external,
        int seeds,
        dev.optbench.space.FitOptions fit,
        TorchEngine torch) {

    public StudyDefinition {
        optimizers = List.copyOf(optimizers);
        spaces = Map.copyOf(spaces);
        if (seeds < 1) {
            throw new dev.optbench.InputException("--seeds must be at least 1, not " + seeds);
        }
    }

    /** A study on the DJL engine. */
    public StudyDefinition(String name, String workload, String protocol, List<String> optimizers, int trialsPerOptimizer,
            long seed, String sampler, Map<String, String> spaces, Instant created, ExternalCommand external, int seeds,
            dev.optbench.space.FitOptions fit) {
        this(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created, external, seeds, fit,
                null);
    }

    /** A study of a built-in workload: one seed per point, no fitting. */
    public StudyDefinition(String name, String workload, String protocol, List<String> optimizers, int trialsPerOptimizer,
            long seed, String sampler, Map<String, String> spaces, Instant created) {
        this(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created, null, 1, null);
    }

    /** A study (external when {@code external} is non-null): one seed per point, no fitting. */
    public StudyDefinition(String name, String workload, String protocol, List<String> optimizers, int trialsPerOptimizer,
            long seed, String sampler, Map<String, String> spaces, Instant created, ExternalCommand external) {
        this(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created, external, 1, null);
    }

    /** A study of a built-in workload with seed repeats and, for the fitted protocol, fitting. */
    public StudyDefinition(String name, String workload, String protocol, List<String> optimizers, int trialsPerOptimizer,
            long seed, String sampler, Map<String, String> spaces, Instant created, int seeds,
            dev.optbench.space.FitOptions fit) {
        this(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created, null, seeds, fit);
    }

    /** Points of stage 1 (all points when not fitted). */
    public int stage1Points() {
        return fit == null ? trialsPerOptimizer : fit.stage1Points(trialsPerOptimizer);
    }

    public boolean isExternal() {
        return external != null;
    }

    public boolean isTorch() {
        return torch != null;
    }

    /** "torch" or "djl" (external studies: djl, which never runs them). */
    public String engine() {
        return torch != null ? TorchEngine.TORCH : TorchEngine.DJL;
    }

    /** Whether {@code optimizer} is a label of a user's Python class rather than a built-in rule. */
    public boolean isOptimizerClass(String optimizer) {
        return torch != null && torch.optimizerClass(optimizer) != null;
    }

    /** This definition on {@code engine} (null: DJL). */
    public StudyDefinition withTorch(TorchEngine engine) {
        return new StudyDefinition(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created,
                external, seeds, fit, engine);
    }
}
