package dev.optbench.analysis;

import java.util.List;

/** The analysis of several studies together: per study, rank flips between protocols, profiles. */
public record AnalysisResult(AnalysisOptions options, List<StudyAnalysis> studies, List<RankFlip> rankFlips,
        List<PerformanceProfile> performanceProfiles) {
    public AnalysisResult {
        studies = List.copyOf(studies);
        rankFlips = List.copyOf(rankFlips);
        performanceProfiles = List.copyOf(performanceProfiles);
    }
}
