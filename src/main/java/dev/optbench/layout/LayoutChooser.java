package dev.optbench.layout;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Picks workers × intra-op threads × trials per batch for a workload: the measured layout with
 * the most trial-steps/s among those the user's fixed choices allow, else the fallback
 * {@code cores / threads} workers × 1 thread (one trial per core keeps every core busy without
 * the per-op cost of waking a second OpenMP thread) × {@link #DEFAULT_BATCH} trials when the
 * workload trains batched. A pure function of its arguments.
 */
public final class LayoutChooser {
    /** Trials per batch when batching is possible but nothing was measured. */
    static final int DEFAULT_BATCH = dev.optbench.train.BatchedTrainer.DEFAULT_TRIALS;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private LayoutChooser() {}

    /** What the user fixed (null: auto) and where a fixed thread count came from, e.g. "OPTBENCH_THREADS". */
    public record Fixed(Integer workers, Integer threads, String threadsFrom, Integer batchTrials) {
        public static final Fixed NONE = new Fixed(null, null, null, null);
    }

    /** The chosen layout and why. */
    public record Choice(Layout layout, String reason) {
        /** "layout: 2 workers × 1 thread × 8 trials per batch (measured 2026-12-01, bench trials)". */
        public String line() {
            return "layout: " + layout.describe() + " (" + reason + ")";
        }
    }

    /**
     * @param cores      cores this process may use
     * @param table      the measured table for this workload and host, if any
     * @param fixed      the user's explicit choices
     * @param maxBatch   the most trials per batch the workload supports (1: no batched form)
     */
    public static Choice choose(int cores, String workload, Optional<LayoutTable> table, Fixed fixed, int maxBatch) {
        if (cores < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("cores and maxBatch must be at least 1");
        }
        List<String> notes = new ArrayList<>();
        if (fixed.workers() != null) {
            notes.add("--workers " + fixed.workers());
        }
        if (fixed.threads() != null) {
            notes.add(fixed.threads() + " thread" + (fixed.threads() == 1 ? "" : "s") + " fixed by "
                    + (fixed.threadsFrom() == null ? "the user" : fixed.threadsFrom()));
        }
        if (fixed.batchTrials() != null) {
            notes.add("--batch-trials " + fixed.batchTrials());
        }
        String given = notes.isEmpty() ? "" : "; " + String.join(", ", notes);
        Optional<LayoutTable> usable = table.filter(t -> t.cores() == cores && t.workload().equals(workload));
        if (usable.isPresent()) {
            Optional<LayoutTable.Entry> best = usable.get().entries().stream()
                    .filter(e -> allowed(e.layout(), fixed, maxBatch))
                    .filter(e -> Double.isFinite(e.trialStepsPerSecond()) && e.trialStepsPerSecond() > 0)
                    .max(Comparator.comparingDouble(LayoutTable.Entry::trialStepsPerSecond));
            if (best.isPresent()) {
                return new Choice(best.get().layout(), String.format("measured %s, %s: %.0f trial-steps/s%s",
                        DAY.format(usable.get().measured()), usable.get().source(), best.get().trialStepsPerSecond(), given));
            }
        }
        int threads = fixed.threads() != null ? fixed.threads() : 1;
        int workers = fixed.workers() != null ? fixed.workers() : Math.max(1, cores / threads);
        int batch = fixed.batchTrials() != null ? fixed.batchTrials() : Math.min(DEFAULT_BATCH, maxBatch);
        String why = table.isPresent() && usable.isEmpty()
                ? "the measured table is for " + table.get().cores() + " cores"
                : usable.isPresent() ? "no measured layout fits" : "not measured";
        return new Choice(new Layout(workers, threads, batch), "default for " + cores + " core" + (cores == 1 ? "" : "s")
                + ", " + why + ": 'optbench bench layout --workloads " + workload + "' measures it" + given);
    }

    /**
     * The choice for a study with {@code pending} trials left: when workers × K exceeds them, K
     * becomes ⌈pending / workers⌉ (at least 1), so the first worker does not claim every trial
     * while the others idle. A K the user fixed is kept.
     */
    static Choice fitTo(Choice c, int pending, Fixed fixed) {
        Layout l = c.layout();
        if (fixed.batchTrials() != null || pending < 1 || (long) l.workers() * l.batchTrials() <= pending) {
            return c;
        }
        int k = Math.max(1, Math.min(l.batchTrials(), (pending + l.workers() - 1) / l.workers()));
        if (k == l.batchTrials()) {
            return c;
        }
        return new Choice(new Layout(l.workers(), l.threads(), k), c.reason() + "; " + (k == 1 ? "1 trial" : k + " trials")
                + " per batch for " + pending + " pending trial" + (pending == 1 ? "" : "s"));
    }

    private static boolean allowed(Layout l, Fixed f, int maxBatch) {
        return (f.workers() == null || l.workers() == f.workers())
                && (f.threads() == null || l.threads() == f.threads())
                && (f.batchTrials() == null ? l.batchTrials() <= maxBatch : l.batchTrials() == f.batchTrials());
    }
}
