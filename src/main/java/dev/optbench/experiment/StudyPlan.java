package dev.optbench.experiment;

import java.util.List;

/** One study an experiment makes: a workload under a protocol, every optimizer the same budget. */
public record StudyPlan(String studyName, String workload, String protocol, List<String> optimizers,
        int trialsPerOptimizer, long seed) {
    public StudyPlan {
        optimizers = List.copyOf(optimizers);
    }
}
