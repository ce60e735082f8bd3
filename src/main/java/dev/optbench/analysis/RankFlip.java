package dev.optbench.analysis;

/**
 * Two optimizers whose order by bootstrap median reverses between two protocols on the same
 * workload. {@code significant}: in both studies their [p5, p95] intervals are disjoint.
 */
public record RankFlip(String workload, String studyA, String protocolA, String studyB, String protocolB,
        String first, String second, double firstMedianA, double secondMedianA, double firstMedianB,
        double secondMedianB, boolean significant) {}
