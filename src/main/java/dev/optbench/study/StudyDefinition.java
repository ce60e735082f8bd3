package dev.optbench.study;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A study: workload + protocol + optimizers + trials per optimizer + seed (SPEC section 7).
 * {@code spaces} holds each optimizer's search space in AlgoPerf JSON form, as used.
 * {@code sampler} is halton, random or grid.
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
        Instant created) {

    public StudyDefinition {
        optimizers = List.copyOf(optimizers);
        spaces = Map.copyOf(spaces);
    }
}
