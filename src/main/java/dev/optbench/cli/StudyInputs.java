package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.analysis.StudyData;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudyStore;
import dev.optbench.workload.Workloads;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Loads named studies (trials with curves, the workload's target) for the analysis and report. */
final class StudyInputs {
    private StudyInputs() {}

    static List<StudyData> load(StudyStore store, List<String> names) {
        if (new LinkedHashSet<>(names).size() != names.size()) {
            throw new InputException("a study is named twice: " + String.join(" ", names) + "; name each once");
        }
        List<StudyData> out = new ArrayList<>();
        for (String name : names) {
            StudyDefinition def = store.study(name);
            out.add(new StudyData(def, store.trials(name, true), target(def.workload())));
        }
        return out;
    }

    /** The workload's target validation error; null for a workload optbench does not know (imported). */
    static Double target(String workload) {
        try {
            return Workloads.get(workload).targetError();
        } catch (InputException unknown) {
            return null;
        }
    }
}
