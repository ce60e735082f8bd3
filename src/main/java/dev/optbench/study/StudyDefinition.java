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
 * {@code fit} is null except for the fitted protocol.
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
        dev.optbench.space.FitOptions fit) {

    public StudyDefinition {
        optimizers = List.copyOf(optimizers);
        spaces = Map.copyOf(spaces);
        if (seeds < 1) {
            throw new dev.optbench.InputException("--seeds must be at least 1, not " + seeds);
        }
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
}
