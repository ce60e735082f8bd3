package dev.optbench.analysis;

import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import java.util.List;

/**
 * What the analysis reads of one study: its definition, its trials (with curves when the
 * curve-based analyses are wanted) and the workload's target validation error (null when the
 * workload is unknown; steps to target then come from the trials' stored values).
 */
public record StudyData(StudyDefinition definition, List<Trial> trials, Double target) {
    public StudyData {
        trials = List.copyOf(trials);
    }
}
