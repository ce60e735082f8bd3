package dev.optbench.analysis;

import java.util.List;
import java.util.Map;

/**
 * The analysis of one study (one workload × protocol). Maps keep the study's optimizer order.
 * {@code costToMatch}: the tuning cost to match of every ordered pair of optimizers.
 * {@code data} lists the data its trials read, from their provenance (e.g. the bundled subset).
 * {@code separations}: for each pair of optimizers tied at the full budget, how many trials
 * would separate them ({@link Separation}). {@code engine}: what trained its trials, "DJL", "torch
 * on cuda" (or cpu) or "external command".
 */
public record StudyAnalysis(
        String study,
        String workload,
        String protocol,
        Double target,
        Map<String, OptimizerAnalysis> optimizers,
        List<RankEntry> ranking,
        List<InclusionCheck> inclusion,
        List<RankEntry> trainingLossRanking,
        List<InclusionCheck> trainingLossInclusion,
        List<SensitivityRanking> budgetSensitivity,
        List<SensitivityRanking> targetSensitivity,
        List<CostToMatch> costToMatch,
        List<String> data,
        List<Separation> separations,
        String engine) {
    public StudyAnalysis {
        data = List.copyOf(data);
        optimizers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optimizers));
        ranking = List.copyOf(ranking);
        inclusion = List.copyOf(inclusion);
        trainingLossRanking = List.copyOf(trainingLossRanking);
        trainingLossInclusion = List.copyOf(trainingLossInclusion);
        budgetSensitivity = List.copyOf(budgetSensitivity);
        targetSensitivity = List.copyOf(targetSensitivity);
        costToMatch = List.copyOf(costToMatch);
        separations = List.copyOf(separations);
    }
}
