package dev.optbench.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where a study stands: counts per optimizer and state, and each optimizer's best trial so far. */
public record StudySummary(StudyDefinition study, Map<String, Map<TrialState, Integer>> counts, Map<String, Trial> best) {

    public static StudySummary of(SqlStudyStore store, String name) {
        StudyDefinition def = store.study(name);
        Map<String, Map<TrialState, Integer>> counts = store.counts(name);
        List<Trial> trials = store.trials(name, false);
        Map<String, Trial> best = new LinkedHashMap<>();
        for (String o : counts.keySet()) {
            best(trials, o).ifPresent(t -> best.put(o, t));
        }
        return new StudySummary(def, counts, best);
    }

    /** Lowest final validation error among finished trials (SPEC section 8); ties: lower index. */
    static Optional<Trial> best(List<Trial> trials, String optimizer) {
        return trials.stream()
                .filter(t -> t.optimizer().equals(optimizer) && t.state().countsAsFinished() && t.validationError() != null)
                .min(Comparator.comparingDouble(Trial::validationError).thenComparingInt(Trial::index));
    }

    public int total() {
        return sum(List.of(TrialState.values()));
    }

    /** Completed, diverged or failed: nothing more will happen to these. */
    public int done() {
        return sum(List.of(TrialState.COMPLETED, TrialState.DIVERGED, TrialState.FAILED));
    }

    public int count(TrialState state) {
        return sum(List.of(state));
    }

    private int sum(List<TrialState> states) {
        int n = 0;
        for (Map<TrialState, Integer> m : counts.values()) {
            for (TrialState s : states) {
                n += m.getOrDefault(s, 0);
            }
        }
        return n;
    }

    /** A plain-text table, one line per optimizer. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        StudyDefinition d = study;
        out.add("study " + d.name() + ": workload " + d.workload() + ", protocol " + d.protocol() + ", sampler "
                + d.sampler() + ", seed " + d.seed() + ", " + d.trialsPerOptimizer() + " trials per optimizer"
                + (d.isTorch() ? "; " + d.torch().describe() : ""));
        out.add(String.format(java.util.Locale.ROOT, "%-10s %7s %7s %9s %8s %6s  %-9s %-9s %s", "optimizer", "pending", "running",
                "completed", "diverged", "failed", "best val", "its test", "best trial"));
        counts.forEach((o, c) -> {
            Trial b = best.get(o);
            out.add(String.format(java.util.Locale.ROOT, "%-10s %7d %7d %9d %8d %6d  %-9s %-9s %s", dev.optbench.Messages.quote(o),
                    c.get(TrialState.PENDING),
                    c.get(TrialState.RUNNING), c.get(TrialState.COMPLETED), c.get(TrialState.DIVERGED),
                    c.get(TrialState.FAILED), b == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", b.validationError()),
                    b == null || b.testError() == null ? "-" : String.format(java.util.Locale.ROOT, "%.4f", b.testError()),
                    b == null ? "" : "#" + b.index() + " " + hparams(b)));
        });
        return out;
    }

    private static String hparams(Trial t) {
        StringBuilder s = new StringBuilder();
        new java.util.TreeMap<>(t.hparams()).forEach((k, v) -> s.append(s.length() == 0 ? "" : " ")
                .append(k).append('=').append(String.format(java.util.Locale.ROOT, "%.4g", v)));
        return s.toString();
    }
}
