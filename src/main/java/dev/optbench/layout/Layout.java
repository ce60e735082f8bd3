package dev.optbench.layout;

/**
 * How trials share a machine: {@code workers} local workers (threads of one process), each op
 * using {@code threads} intra-op threads (process-wide in PyTorch), each worker training
 * {@code batchTrials} trials stacked as one model. Cores busy: workers × threads.
 */
public record Layout(int workers, int threads, int batchTrials) {
    public Layout {
        if (workers < 1 || threads < 1 || batchTrials < 1) {
            throw new IllegalArgumentException("a layout needs at least 1 worker, thread and trial per batch, not "
                    + workers + "/" + threads + "/" + batchTrials);
        }
    }

    /** "2 workers × 1 thread × 8 trials per batch". */
    public String describe() {
        return plural(workers, "worker") + " × " + plural(threads, "thread") + " × "
                + (batchTrials == 1 ? "1 trial" : batchTrials + " trials") + " per batch";
    }

    /** "2×1×8": workers × threads × trials per batch, for tables. */
    public String shortForm() {
        return workers + "×" + threads + "×" + batchTrials;
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
