package dev.optbench.experiment;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A named reproduction of one of the paper's comparisons: the same optimizers tuned under
 * several protocols on one or more workloads, so rankings can be compared across protocols.
 * {@code data} says where its data comes from, for --list and for the error when it is missing.
 */
public record Experiment(String name, String description, List<String> optimizers, List<String> protocols,
        Map<Scale, ScaleSettings> scales, String data) {

    /** Every study of every scale shares this seed, so a rerun reproduces the same trials. */
    public static final long SEED = 20191010L;

    public Experiment {
        optimizers = List.copyOf(optimizers);
        protocols = List.copyOf(protocols);
        scales = Map.copyOf(new EnumMap<>(scales));
    }

    public ScaleSettings settings(Scale scale) {
        return scales.get(scale);
    }

    /** The studies this experiment makes at {@code scale}: each workload × each protocol. */
    public List<PlannedStudy> plan(Scale scale) {
        ScaleSettings s = settings(scale);
        List<PlannedStudy> plans = new ArrayList<>();
        for (String workload : s.workloads()) {
            for (String protocol : protocols) {
                plans.add(new PlannedStudy(studyName(scale, workload, protocol), workload, protocol, optimizers,
                        s.trialsPerOptimizer(), SEED));
            }
        }
        return plans;
    }

    /** Study names are stable, so rerunning the same command resumes the same studies. */
    public String studyName(Scale scale, String workload, String protocol) {
        return name + "." + scale.id() + "." + workload + "." + protocol;
    }
}
