package dev.optbench.study;

import dev.optbench.InputException;
import dev.optbench.Limits;
import dev.optbench.Messages;
import dev.optbench.optim.OptimizerRegistry;
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
     * @param registry the optimizers the names may be (built-ins and the run's plug-ins)
     * @param sampler halton, random or grid; null for the protocol's default
     * @param spaceFile the user's own space; null for the protocol's default spaces for this workload
     */
    public static StudyDefinition define(OptimizerRegistry registry, String name, String workload, String protocol,
            List<String> optimizers, int trials, long seed, String sampler, Path spaceFile) {
        return define(registry, name, workload, protocol, optimizers, trials, seed, sampler, spaceFile, 1, null);
    }

    /**
     * @param seeds seeds per point (seed repeats, SPEC section 10)
     * @param fit the fitted protocol's settings; null for its defaults (ignored by the other protocols)
     */
    public static StudyDefinition define(OptimizerRegistry registry, String name, String workload, String protocol,
            List<String> optimizers, int trials, long seed, String sampler, Path spaceFile, int seeds,
            dev.optbench.space.FitOptions fit) {
        return define(registry, name, workload, protocol, optimizers, trials, seed, sampler, spaceFile, seeds, fit, null);
    }

    /** The torch engine's built-in rules (docs/external-trials.md): a torch study's other labels need --optimizer-class. */
    public static final List<String> TORCH_RULES = List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam", "adamw",
            "nadamw");

    /**
     * @param torch null: the DJL engine; else the torch engine, whose optimizer classes (labels of
     *     {@code optimizers}, searched in {@code spaceFile}) are users' Python optimizers
     */
    public static StudyDefinition define(OptimizerRegistry registry, String name, String workload, String protocol,
            List<String> optimizers, int trials, long seed, String sampler, Path spaceFile, int seeds,
            dev.optbench.space.FitOptions fit, TorchEngine torch) {
        Workloads.get(workload);
        boolean classes = torch != null && !torch.optimizerClasses().isEmpty();
        if (torch != null) {
            checkTorchLabels(optimizers, torch, spaceFile);
        }
        Protocol p = Protocol.fromId(protocol);
        checkCounts(optimizers, trials);
        checkSize(optimizers, trials, seeds);
        Sampler s = sampler == null ? p.defaultSampler() : Sampler.fromId(sampler);
        Map<String, SearchSpace> spaces = spaceFile != null ? SpaceFile.load(registry, spaceFile, optimizers, classes)
                : new LinkedHashMap<>();
        Map<String, String> json = new LinkedHashMap<>();
        for (String o : optimizers) {
            if (torch != null && torch.optimizerClass(o) != null) { // the class's own names: passed to it unchecked
                json.put(o, spaces.get(o).toJson());
                continue;
            }
            SearchSpace space = spaceFile != null ? spaces.get(o) : p.defaultSpace(registry, o, workload);
            try { // a value out of range would fail its trials at run time: refuse the space now
                dev.optbench.space.SpaceRanges.check(registry, o, space, s == Sampler.GRID);
            } catch (InputException e) {
                throw new InputException((spaceFile != null ? spaceFile + ": " : "protocol " + p.id() + ": ")
                        + e.getMessage());
            }
            json.put(o, space.toJson());
        }
        dev.optbench.space.FitOptions fitting = p == Protocol.FITTED ? (fit == null ? dev.optbench.space.FitOptions.DEFAULT : fit) : null;
        if (fitting != null && classes) {
            throw new InputException("--protocol fitted narrows optbench's own hyperparameters, not an --optimizer-class's;"
                    + " give another protocol, e.g. --protocol full");
        }
        if (fitting != null) {
            fitting.stage1Points(trials); // at least one point per stage
            for (String o : optimizers) { // stage 2 narrows ranges; a list of points has none to narrow
                if (SearchSpace.fromJson(json.get(o), "space of " + o).isDiscrete()) {
                    throw new InputException("--protocol fitted narrows ranges, but the space of " + o
                            + " is a list of discrete points; give a space of ranges or another protocol");
                }
            }
        } else if (fit != null) {
            throw new InputException("--fit-share, --fit-top and --fit-margin belong to --protocol fitted, not " + p.id());
        }
        StudyDefinition def = new StudyDefinition(name, workload, p.id(), optimizers, trials, seed, s.id(), json,
                Instant.ofEpochMilli(System.currentTimeMillis()), seeds, fitting).withTorch(torch);
        StudyPlan.pendingTrials(def, registry); // resolves every point now, so a bad space fails before the store is touched
        return def;
    }

    /**
     * An external study (SPEC section 10): each trial runs {@code command}; {@code labels} name
     * what the command compares (optbench's optimizers or any other names), each searched in
     * {@code spaceFile}.
     *
     * @param protocol a label for the analyses, e.g. the protocol the space follows; null: "custom"
     */
    public static StudyDefinition defineExternal(OptimizerRegistry registry, String name, ExternalCommand command,
            String protocol, List<String> labels, int trials, long seed, String sampler, Path spaceFile) {
        return defineExternal(registry, name, command, protocol, labels, trials, seed, sampler, spaceFile, 1);
    }

    /**
     * An external study whose every point runs under {@code seeds} seeds (each trial gets its own
     * OPTBENCH_SEED). The fitted protocol is refused: its stage 2 resolves optbench's own
     * hyperparameters, which an external command's labels need not be.
     */
    public static StudyDefinition defineExternal(OptimizerRegistry registry, String name, ExternalCommand command,
            String protocol, List<String> labels, int trials, long seed, String sampler, Path spaceFile, int seeds) {
        if (Protocol.FITTED.id().equals(protocol)) {
            throw new InputException("--protocol fitted needs a built-in --workload; with --command give another label, e.g. --protocol custom");
        }
        if (spaceFile == null) {
            throw new InputException("--command needs --space FILE.json: the space each label's trials search");
        }
        checkCounts(labels, trials);
        checkSize(labels, trials, seeds);
        for (String l : labels) {
            if (!l.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new InputException("label '" + Messages.quote(l) + "' is not allowed (use letters, digits, '.', '_', '-')");
            }
        }
        Sampler s = Sampler.fromId(sampler == null ? "halton" : sampler);
        Map<String, SearchSpace> spaces = SpaceFile.load(registry, spaceFile, labels, true);
        Map<String, String> json = new LinkedHashMap<>();
        labels.forEach(l -> json.put(l, spaces.get(l).toJson()));
        StudyDefinition def = new StudyDefinition(name, ExternalCommand.WORKLOAD, protocol == null ? "custom" : protocol,
                labels, trials, seed, s.id(), json, Instant.ofEpochMilli(System.currentTimeMillis()), command, seeds, null);
        StudyPlan.pendingTrials(def, registry);
        return def;
    }

    /** Every label of a torch study is one of its built-in rules or has an --optimizer-class (and then a --space). */
    private static void checkTorchLabels(List<String> optimizers, TorchEngine torch, Path spaceFile) {
        for (String label : torch.optimizerClasses().keySet()) {
            if (!optimizers.contains(label)) {
                throw new InputException("--optimizer-class " + label + "=...: " + label + " is not in --optimizers; add it, e.g."
                        + " --optimizers adam," + label);
            }
            if (TORCH_RULES.contains(label)) {
                throw new InputException("--optimizer-class " + label + "=...: " + label + " is a built-in optimizer; give your"
                        + " class another label, e.g. my_" + label);
            }
            if (!label.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new InputException("label '" + Messages.quote(label) + "' is not allowed (use letters, digits, '.', '_', '-')");
            }
        }
        for (String o : optimizers) {
            if (torch.optimizerClass(o) == null && !TORCH_RULES.contains(o)) {
                throw new InputException("optimizer " + Messages.quote(o) + " is not one of the torch engine's ("
                        + String.join(", ", TORCH_RULES) + "); for your own PyTorch optimizer add --optimizer-class "
                        + o + "=package.module:Class with --space");
            }
        }
        if (!torch.optimizerClasses().isEmpty() && spaceFile == null) {
            throw new InputException("--optimizer-class needs --space FILE.json: the space each label's trials search");
        }
    }

    private static void checkCounts(List<String> optimizers, int trials) {
        if (optimizers.isEmpty()) {
            throw new InputException("--optimizers is empty: name at least one, e.g. --optimizers sgd,adam");
        }
        if (new LinkedHashSet<>(optimizers).size() != optimizers.size()) {
            throw new InputException("--optimizers names an optimizer twice: " + String.join(",", optimizers));
        }
        if (trials < 1) {
            throw new InputException("--trials must be at least 1, not " + trials);
        }
        Limits.count("--trials", trials, Limits.MAX_TRIALS_PER_OPTIMIZER);
    }

    /** Seeds per point and the study's total trial count within optbench's limits (checked before any point is drawn). */
    private static void checkSize(List<String> optimizers, int trials, int seeds) {
        if (seeds < 1) {
            throw new InputException("--seeds must be at least 1, not " + seeds);
        }
        Limits.count("--seeds", seeds, Limits.MAX_SEEDS);
        Limits.studyTrials(optimizers.size(), trials, seeds);
    }
}
