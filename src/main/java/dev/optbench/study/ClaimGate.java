package dev.optbench.study;

import dev.optbench.Messages;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Decides which trials one worker may claim (docs/distributed.md, "Trust model"). An external
 * study is refused when its command is not one its operator allowed ({@link CommandPolicy});
 * a torch study's optimizer class ({@link TorchEngine}) is refused, and its trials left to
 * others, unless the operator allowed that exact class string;
 * any other study is refused when its stored definition no longer matches its fingerprint (an
 * external one whose command the operator allowed runs, with a warning); a built-in study's
 * trials whose optimizer this process has not loaded (a plug-in) are left to other workers.
 * Each refusal is told once through {@code notices}, in one line that says how to allow it.
 * The runner runs a claim by the definition admitted here ({@link #definition}), not by one read
 * later, so a row rewritten between the check and the run changes nothing that runs.
 */
public final class ClaimGate {
    private final SqlStudyStore store;
    private final CommandPolicy policy;
    private final OptimizerRegistry optimizers;
    private final Consumer<String> notices;
    private final Map<String, StudyDefinition> admitted = new ConcurrentHashMap<>();
    private volatile Map<String, List<String>> refused = Map.of();

    /** @param optimizers the rules this worker has loaded: trials of any other optimizer are left to others */
    public ClaimGate(SqlStudyStore store, CommandPolicy policy, OptimizerRegistry optimizers, Consumer<String> notices) {
        this.store = store;
        this.policy = policy;
        this.optimizers = optimizers;
        this.notices = notices;
    }

    /** Says {@code line} through the worker's notices (once per process for the same line). */
    void notice(String line) {
        notices.accept(line);
    }

    public CommandPolicy policy() {
        return policy;
    }

    /** The rules this worker runs: the built-ins and the plug-ins it loaded. */
    public OptimizerRegistry optimizers() {
        return optimizers;
    }

    /** Reads the unfinished studies ({@code study} only, unless null) again and returns what may be claimed now. */
    public synchronized ClaimFilter refresh(String study) {
        Map<String, Set<String>> runnable = new LinkedHashMap<>();
        Map<String, List<String>> why = new LinkedHashMap<>();
        for (SqlStudyStore.StoredStudy s : store.unfinishedStudies(study)) {
            List<String> reasons = reasons(s);
            if (!reasons.isEmpty()) {
                admitted.remove(s.name());
                why.put(s.name(), reasons);
                continue;
            }
            StudyDefinition def = s.definition();
            Set<String> runs = new LinkedHashSet<>();
            for (String o : def.optimizers()) {
                if (def.isOptimizerClass(o)) {
                    String cls = def.torch().optimizerClass(o);
                    if (policy.allowsClass(cls)) {
                        runs.add(o);
                    } else {
                        String q = shellQuote(Messages.quote(cls));
                        notices.accept("optbench: refused to run study " + def.name() + "'s optimizer class " + q + " (label "
                                + o + "): this worker's operator has not allowed it (to run it, start the worker with"
                                + " --allow-optimizer-class " + q + " giving the exact class, or list it in --allow-commands"
                                + " FILE or $OPTBENCH_ALLOW_COMMANDS); its " + o + " trials are left pending");
                        why.computeIfAbsent(def.name(), k -> new ArrayList<>()).add("optimizer class " + o + " not allowed");
                    }
                } else if (def.isExternal() || def.isTorch() || optimizers.knows(OptimizerAliases.rule(o))) {
                    runs.add(o);
                } else {
                    notices.accept("optbench: study " + def.name() + " needs optimizer '" + o + "', which this worker has not"
                            + " loaded: its " + o + " trials are left pending (load its plug-in with --plugins DIR or"
                            + " $OPTBENCH_PLUGINS)");
                    why.computeIfAbsent(def.name(), k -> new ArrayList<>()).add("optimizer " + o + " not loaded");
                }
            }
            admitted.put(def.name(), def);
            runnable.put(def.name(), runs);
        }
        refused = Map.copyOf(why);
        return new ClaimFilter(runnable, optimizers);
    }

    /** Why study {@code s} may not run here at all (told through the notices); empty when it may. */
    private List<String> reasons(SqlStudyStore.StoredStudy s) {
        List<String> reasons = new ArrayList<>();
        if (s.definition() == null) {
            notices.accept("optbench: refused study " + s.name() + ": its row in the store cannot be read ("
                    + Messages.quote(s.problem()) + "); its trials are left pending");
            reasons.add("unreadable definition");
            return reasons;
        }
        StudyDefinition def = s.definition();
        if (def.isExternal() && !policy.allows(def.external())) {
            String q = shellQuote(Messages.quote(def.external().command()));
            notices.accept("optbench: refused to run study " + def.name() + "'s command " + q + ": this worker's operator has"
                    + " not allowed it (to run it, start the worker with --allow-command " + q
                    + " giving the exact command, or list it in --allow-commands FILE or $OPTBENCH_ALLOW_COMMANDS)");
            reasons.add("command not allowed");
        }
        if (!s.fingerprintMatches()) {
            // The operator's exact --allow-command is the authority on what runs here; a changed row
            // is otherwise refused, and said either way.
            boolean vouched = def.isExternal() && policy.allows(def.external());
            notices.accept("optbench: " + (vouched ? "warning: study " : "refused study ") + def.name()
                    + ": its definition in the store no longer matches the fingerprint recorded when it was created (it was"
                    + " changed afterwards, e.g. by SQL); " + (vouched
                            ? "running it anyway, because its operator allowed its command here"
                            : "its trials are left pending"));
            if (!vouched) {
                reasons.add("definition changed after creation");
            }
        }
        return reasons;
    }

    /** The definition this gate admitted study {@code name} under; refuses a study it has not admitted. */
    public StudyDefinition definition(String name) {
        StudyDefinition def = admitted.get(name);
        if (def == null) {
            throw new IllegalStateException("study " + name + " was not admitted by this worker's checks; not running it");
        }
        return def;
    }

    /**
     * One line on the pending or running trials in {@code study} (or, null, any study) that this
     * worker may not run, and why, as the store is now; null when there are none.
     */
    public String remaining(String study) {
        ClaimFilter filter = refresh(study);
        int left = store.unfinished(study) - store.unfinished(study, filter);
        if (left <= 0) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        refused.forEach((name, reasons) -> parts.add(name + " (" + String.join(", ", reasons) + ")"));
        return left + " trial" + (left == 1 ? "" : "s") + " remain" + (left == 1 ? "s" : "") + " that this worker may not run"
                + (parts.isEmpty() ? "" : ": study " + String.join(", study ", parts));
    }

    /** {@code s} in single quotes for a POSIX shell. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
