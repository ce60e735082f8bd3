package dev.optbench.cli;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar with ETA on stderr, as every long command shows. */
final class Progress {
    private Progress() {}

    /** {@code already} items were done before this run: the ETA counts only the pace from now on. */
    static ProgressBar bar(String task, long max, String unit, long already) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setUnit(unit, 1).setUpdateIntervalMillis(500).startsFrom(already, Duration.ZERO)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }
}
