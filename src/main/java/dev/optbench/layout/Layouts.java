package dev.optbench.layout;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.platform.EngineSetup;
import java.io.PrintStream;
import java.util.Optional;

/**
 * The layout a command that runs trials uses: what the user fixed, the rest chosen by
 * {@link LayoutChooser} from this host's measured table; the thread count is realized before the
 * workers start, and the choice printed on one line.
 */
public final class Layouts {
    private Layouts() {}

    /** "auto" (or null) → null; otherwise a positive count. */
    public static Integer parseCount(String value, String option) {
        if (value == null || value.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return dev.optbench.Limits.count(option, n, dev.optbench.Limits.MAX_WORKERS);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException(option + " must be 'auto' or a whole number of at least 1, not '" + Messages.quote(value) + "'");
    }

    /** Most trials per batch the chooser considers for a workload: 1 without a batched form. */
    static final int MAX_BATCH = 64;

    public static int maxBatch(String workload) {
        return dev.optbench.train.BatchedTrainer.supports(workload) ? MAX_BATCH : 1;
    }

    /** {@link #choose} for a study with {@code pending} trials left (K fitted to them, see {@link LayoutChooser#fitTo}). */
    public static LayoutChooser.Choice choose(String workload, Integer workers, Integer batchTrials, Integer threadsInUse,
            int pending) {
        return LayoutChooser.fitTo(choose(workload, workers, batchTrials, threadsInUse), pending,
                new LayoutChooser.Fixed(workers, threadsInUse, null, batchTrials));
    }

    /** Chooses the layout for {@code workload}; {@code threadsInUse} fixes the thread count (null: not yet realized). */
    public static LayoutChooser.Choice choose(String workload, Integer workers, Integer batchTrials, Integer threadsInUse) {
        int cores = Runtime.getRuntime().availableProcessors();
        var fixed = EngineSetup.fixedThreads();
        Integer threads = fixed.map(java.util.Map.Entry::getKey).orElse(threadsInUse);
        String from = fixed.map(java.util.Map.Entry::getValue).orElse(threadsInUse == null ? null : "an earlier study of this run");
        Optional<LayoutTable> table = LayoutTable.read(LayoutTable.file(LayoutTable.cacheDir(), LayoutTable.localHost(), workload));
        return LayoutChooser.choose(cores, workload, table, new LayoutChooser.Fixed(workers, threads, from, batchTrials),
            maxBatch(workload));
    }

    /** Realizes the choice's thread count (unless the user fixed it) and prints its line to {@code err}. */
    public static Layout realize(LayoutChooser.Choice c, PrintStream err) {
        if (EngineSetup.fixedThreads().isEmpty()) {
            int now = EngineSetup.applyThreads(c.layout().threads());
            if (now != c.layout().threads()) {
                err.println("optbench: PyTorch kept " + now + " intra-op threads instead of " + c.layout().threads());
            }
        }
        err.println(c.line());
        err.flush();
        return c.layout();
    }
}
