package dev.optbench.cli;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudySummary;
import dev.optbench.study.TrialState;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Trials per state and optimizer, and the best trial so far; --watch follows a running study.",
            "Read-only: it never changes the store (workers return expired leases to pending when they next claim)."})
final class StudyStatusCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--watch", description = "Show a live progress bar until no trial is pending or running.")
    boolean watch;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** The wait between two polls of --watch: a second, or what a test steps by hand. */
    interface Pause {
        void await() throws InterruptedException;
    }

    private final Pause pause;

    StudyStatusCommand() {
        this(() -> Thread.sleep(1000));
    }

    StudyStatusCommand(Pause pause) {
        this.pause = pause;
    }

    @Override
    public Integer call() throws InterruptedException {
        try (SqlStudyStore s = store.openForReading()) {
            StudySummary summary = StudySummary.of(s, name);
            if (watch && summary.done() < summary.total()) {
                try (ProgressBar bar = Progress.bar("study " + name, summary.total(), " trials", summary.done())) {
                    while (summary.count(TrialState.PENDING) + summary.count(TrialState.RUNNING) > 0) {
                        pause.await();
                        summary = StudySummary.of(s, name);
                        bar.stepTo(summary.done());
                        bar.setExtraMessage(" running " + summary.count(TrialState.RUNNING));
                    }
                }
            }
            summary.lines().forEach(spec.commandLine().getOut()::println);
        }
        return 0;
    }
}
