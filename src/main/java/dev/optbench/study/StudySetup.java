package dev.optbench.study;

import dev.optbench.InputException;
import dev.optbench.space.Protocol;
import dev.optbench.space.Sampler;
import dev.optbench.space.SearchSpace;
import dev.optbench.space.SpaceFile;
import dev.optbench.workload.Workloads;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Builds a study definition from what the user asked for, checking everything before anything is stored. */
public final class StudySetup {
    private StudySetup() {}

    /**
     * @param sampler halton, random or grid; null for the protocol's default
     * @param spaceFile the user's own space; null for the protocol's default spaces for this workload
     */
    public static StudyDefinition define(String name, String workload, String protocol, List<String> optimizers,
            int trials, long seed, String sampler, Path spaceFile) {
        return define(name, workload, protocol, optimizers, trials, seed, sampler, spaceFile, 1, null);
    }

    /**
     * @param seeds seeds per point (seed repeats, SPEC section 10)
     * @param fit the fitted protocol's settings; null for its defaults (ignored by the other protocols)
     */
    public static StudyDefinition define(String name, String workload, String protocol, List<String> optimizers,
            int trials, long seed, String sampler, Path spaceFile, int seeds, dev.optbench.space.FitOptions fit) {
        Workloads.get(workload);
        Protocol p = Protocol.fromId(protocol);
        if (optimizers.isEmpty()) {
            throw new InputException("--optimizers is empty: name at least one, e.g. --optimizers sgd,adam");
        }
        if (new LinkedHashSet<>(optimizers).size() != optimizers.size()) {
            throw new InputException("--optimizers names an optimizer twice: " + String.join(",", optimizers));
        }
        if (trials < 1) {
            throw new InputException("--trials must be at least 1, not " + trials);
        }
        Sampler s = sampler == null ? p.defaultSampler() : Sampler.fromId(sampler);
        Map<String, SearchSpace> spaces = spaceFile != null ? SpaceFile.load(spaceFile, optimizers) : new LinkedHashMap<>();
        Map<String, String> json = new LinkedHashMap<>();
        for (String o : optimizers) {
            SearchSpace space = spaceFile != null ? spaces.get(o) : p.defaultSpace(o, workload);
            json.put(o, space.toJson());
        }
        dev.optbench.space.FitOptions fitting = p == Protocol.FITTED ? (fit == null ? dev.optbench.space.FitOptions.DEFAULT : fit) : null;
        if (fitting != null) {
            fitting.stage1Points(trials); // at least one point per stage
        } else if (fit != null) {
            throw new InputException("--fit-share, --fit-top and --fit-margin belong to --protocol fitted, not " + p.id());
        }
        StudyDefinition def = new StudyDefinition(name, workload, p.id(), optimizers, trials, seed, s.id(), json,
                Instant.ofEpochMilli(System.currentTimeMillis()), seeds, fitting);
        StudyPlan.pendingTrials(def); // resolves every point now, so a bad space fails before the store is touched
        return def;
    }
}
