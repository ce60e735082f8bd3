package dev.optbench.study;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A study: workload + protocol + optimizers + trials per optimizer + seed (SPEC section 7).
 * {@code spaces} holds each optimizer's search space in AlgoPerf JSON form, as used.
 * {@code sampler} is halton, random or grid. {@code external} is null for a built-in workload,
 * else the command that runs each trial (SPEC section 10; workload {@value ExternalCommand#WORKLOAD}).
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
        ExternalCommand external) {

    public StudyDefinition {
        optimizers = List.copyOf(optimizers);
        spaces = Map.copyOf(spaces);
    }

    /** A study of a built-in workload. */
    public StudyDefinition(String name, String workload, String protocol, List<String> optimizers,
            int trialsPerOptimizer, long seed, String sampler, Map<String, String> spaces, Instant created) {
        this(name, workload, protocol, optimizers, trialsPerOptimizer, seed, sampler, spaces, created, null);
    }

    public boolean isExternal() {
        return external != null;
    }
}
