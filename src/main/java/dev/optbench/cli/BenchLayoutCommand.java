package dev.optbench.cli;

import dev.optbench.bench.LayoutBench;
import dev.optbench.layout.Layout;
import dev.optbench.layout.LayoutChooser;
import dev.optbench.layout.LayoutTable;
import dev.optbench.layout.Layouts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures trial-steps/s of each layout (workers × intra-op threads × trials per batch) for the
 * given workloads on synthetic data and stores the table where {@code study run}, {@code reproduce}
 * and {@code demo} find it: ~/.cache/optbench/layout-HOST-WORKLOAD.json.
 */
@Command(name = "layout", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure which layout (workers × threads × trials per batch) trains fastest here, and remember it.")
final class BenchLayoutCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workloads", split = ",", defaultValue = "fmnist_mlp,fmnist_mlp-tiny,fmnist_2c2d,fmnist_2c2d-tiny",
            description = "Workloads (default: ${DEFAULT-VALUE}).")
    List<String> workloads;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--block-seconds", defaultValue = "1.0", description = "Length of one timed block (default ${DEFAULT-VALUE}).")
    double blockSeconds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed blocks; the median is used (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--batch-trials", split = ",", paramLabel = "K",
            description = "Trials per batch to try where the workload trains batched (default 1,4,8,16,32).")
    List<Integer> batchTrials;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String w : workloads) {
            dev.optbench.workload.Workloads.get(w);
        }
        for (String w : workloads) {
            measureAndStore(w, new LayoutBench.Settings(warmup, blockSeconds, repeats, batchTrials), "bench layout", out);
        }
        return 0;
    }

    /** Measures, stores and prints one workload's table; returns it. */
    static LayoutTable measureAndStore(String workload, LayoutBench.Settings s, String source, PrintWriter out)
            throws Exception {
        return store(LayoutBench.measure(workload, Runtime.getRuntime().availableProcessors(), s, source), out);
    }

    /** Stores {@code table} as this machine's measured layouts of its workload and prints it with the choice. */
    static LayoutTable store(LayoutTable table, PrintWriter out) {
        int cores = Runtime.getRuntime().availableProcessors();
        String workload = table.workload();
        Path file = LayoutTable.file(LayoutTable.cacheDir(), table.host(), workload);
        table.write(file);
        LayoutChooser.Choice best = LayoutChooser.choose(cores, workload, Optional.of(table), LayoutChooser.Fixed.NONE,
                Layouts.maxBatch(workload));
        out.print(render(table, best.layout()));
        out.println(workload + ": " + best.line() + "; stored in " + file);
        out.flush();
        return table;
    }

    /** The measured table, the chosen row marked with '*' in the last column. */
    static String render(LayoutTable t, Layout chosen) {
        List<List<String>> rows = new ArrayList<>();
        for (LayoutTable.Entry e : t.entries()) {
            rows.add(List.of(t.workload(), e.layout().shortForm(), String.format("%.1f", e.trialStepsPerSecond()),
                    e.layout().equals(chosen) ? "*" : ""));
        }
        return new TextTable(List.of("workload", "workers×threads×batch", "trial-steps/s", "chosen"), rows).render();
    }
}
