package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.bench.DashboardBenchmark;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Latency of the dashboard (optbench serve): its page and every /api/ endpoint on a new SQLite "
                + "store with --trials trials (half in two finished synthetic studies with curves, half in a running study), "
                + "over loopback. Each is read once cold, then --repeats times: median and 90th percentile. Rows marked "
                + "'after a change' are read right after a trial of the running study finished and the next started."})
final class BenchServeCommand implements Callable<Integer> {
    @Option(names = "--trials", paramLabel = "N", defaultValue = "10000", description = "Trials in the store (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "20", description = "Timed reads of each page (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "10000", description = "Bootstrap resamples B (default ${DEFAULT-VALUE}).")
    int resamples;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        dev.optbench.Limits.count("--trials", trials, (int) dev.optbench.Limits.MAX_STUDY_TRIALS);
        dev.optbench.Limits.count("--repeats", repeats, 10_000);
        dev.optbench.Limits.count("--bootstrap", resamples, 10_000_000);
        if (trials < 200) {
            throw new InputException("--trials must be at least 200, not " + trials);
        }
        PrintWriter o = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("optbench-bench-serve");
        try {
            DashboardBenchmark.Result r = DashboardBenchmark.run(dir.resolve("bench.db"), trials, repeats,
                    AnalysisOptions.of(resamples, 0));
            o.printf(Locale.ROOT, "store: %d trials (built in %.1f s), %d cores, bootstrap B = %d; %d reads per page after a cold one%n",
                    r.trials(), r.setupSeconds(), Runtime.getRuntime().availableProcessors(), resamples, repeats);
            o.printf(Locale.ROOT, "%-72s %9s %9s %9s %9s%n", "GET", "cold ms", "median ms", "p90 ms", "bytes");
            for (DashboardBenchmark.Page p : r.pages()) {
                o.printf(Locale.ROOT, "%-72s %9.1f %9.1f %9.1f %9d%n", p.path() + (p.afterChange() ? " (after a change)" : ""),
                        p.coldMillis(), p.medianMillis(), p.p90Millis(), p.bytes());
            }
            o.flush();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        return 0;
    }
}
