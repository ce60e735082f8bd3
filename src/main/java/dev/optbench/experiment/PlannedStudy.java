package dev.optbench.experiment;

import java.util.List;

/** One study an experiment makes: a workload under a protocol, every optimizer the same budget. */
public record PlannedStudy(String studyName, String workload, String protocol, List<String> optimizers,
        int trialsPerOptimizer, long seed) {
    public PlannedStudy {
        optimizers = List.copyOf(optimizers);
    }
}
