package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.analysis.AnalysisOptions;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.SyntheticStudies;
import dev.optbench.report.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "analysis", mixinStandardHelpOptions = true,
        description = {"Speed of the analysis and the report on a synthetic study (trials with curves, the six "
                + "optimizers of SPEC section 2): each is timed --runs times in this JVM; the first run includes "
                + "JIT warm-up and class loading, the median is over all runs."})
final class BenchAnalysisCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "1000", description = "Trials per optimizer (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--bootstrap", defaultValue = "10000", description = "Bootstrap resamples B (default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--out", paramLabel = "DIR", description = "Keep the report here (default: a temporary directory, deleted).")
    Path out;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (trials < 1 || resamples < 1 || runs < 1) {
            throw new InputException("--trials, --bootstrap and --runs must be at least 1");
        }
        dev.optbench.Limits.count("--trials", trials, dev.optbench.Limits.MAX_TRIALS_PER_OPTIMIZER);
        dev.optbench.Limits.count("--bootstrap", resamples, 10_000_000);
        dev.optbench.Limits.count("--runs", runs, 1_000);
        PrintWriter o = spec.commandLine().getOut();
        List<StudyData> data = List.of(SyntheticStudies.study("bench", "fmnist_mlp", "full", SyntheticStudies.OPTIMIZERS,
                trials, 1));
        int evaluations = data.get(0).trials().stream().mapToInt(t -> t.curve().size()).sum();
        o.printf(Locale.ROOT, "synthetic study: %d trials x %d optimizers, %d stored evaluations; B = %d; %d cores%n",
                trials, SyntheticStudies.OPTIMIZERS.size(), evaluations, resamples,
                Runtime.getRuntime().availableProcessors());
        AnalysisOptions options = AnalysisOptions.of(resamples, 0);
        double[] analysis = new double[runs];
        AnalysisResult result = null;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            result = new Analyzer(options).analyze(data);
            analysis[r] = (System.nanoTime() - t0) / 1e9;
        }
        print(o, "analysis", analysis);
        Path dir = out != null ? out : Files.createTempDirectory("optbench-bench-report");
        double[] report = new double[runs];
        int figures = 0;
        try {
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                AnalysisResult fresh = new Analyzer(options).analyze(data);
                figures = ReportWriter.write(fresh, data, dir).pngs().size();
                report[r] = (System.nanoTime() - t0) / 1e9;
            }
        } finally {
            if (out == null) {
                delete(dir);
            }
        }
        print(o, "report (analysis + " + figures + " figures as PNG and SVG + HTML)", report);
        o.flush();
        return result == null ? 1 : 0;
    }

    private static void print(PrintWriter o, String what, double[] seconds) {
        double median = dev.optbench.train.StepBenchmark.median(seconds);
        List<String> each = new ArrayList<>();
        for (double s : seconds) {
            each.add(String.format(Locale.ROOT, "%.3f", s));
        }
        o.printf(Locale.ROOT, "%s: median %.3f s, first run %.3f s (runs: %s)%n", what, median, seconds[0],
                String.join(", ", each));
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
