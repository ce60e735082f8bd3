package dev.optbench.cli;

import dev.optbench.bench.StoreBenchmark;
import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "store", mixinStandardHelpOptions = true,
        description = {"Store throughput: create N trials, then claim + complete each (with a 3-point curve).",
            "Uses a temporary study that is deleted afterwards."})
final class BenchStoreCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "10000", description = "Trials (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--workers", defaultValue = "1", description = "Concurrent claimers, one connection each (default ${DEFAULT-VALUE}).")
    int workers;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (trials < 1 || workers < 1) {
            throw new dev.optbench.InputException("--trials and --workers must be at least 1");
        }
        dev.optbench.Limits.count("--trials", trials, (int) dev.optbench.Limits.MAX_STUDY_TRIALS);
        dev.optbench.Limits.count("--workers", workers, 1_000);
        try (SqlStudyStore s = store.openOrCreate()) {
            StoreBenchmark.Result r;
            try (me.tongfei.progressbar.ProgressBar bar = Progress.bar("claim+complete", trials, " trials", 0)) {
                r = StoreBenchmark.run(s, trials, workers, (Claim c) -> bar.step());
            }
            spec.commandLine().getOut().printf(java.util.Locale.ROOT, "store %s (%s): created %d trials in %.2f s; claim + complete: %.2f s, "
                    + "%.0f trials/s with %d worker%s%n", s.url().masked(), s.dialect().name().toLowerCase(java.util.Locale.ROOT),
                    trials, r.createSeconds(), r.runSeconds(), trials / r.runSeconds(), workers, workers == 1 ? "" : "s");
        }
        return 0;
    }
}
