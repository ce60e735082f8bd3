package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.bench.LayoutBench;
import dev.optbench.bench.PeerSetup;
import dev.optbench.bench.TorchPeer;
import dev.optbench.train.BatchedTrainer;
import dev.optbench.train.NativeMemory;
import dev.optbench.train.TrainRequest;
import dev.optbench.workload.Workloads;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Steps per second of one training run on DJL (one JVM per intra-op thread count: 1 and the
 * number of cores) against the same models in PyTorch-Python (Debian's python3-torch) as
 * 1 process × 1 thread, 1 × 2 and P × 1, run side by side with the same batch; or, with
 * --memory-trials, resident memory over many tiny trials in one process.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time training steps (DJL vs PyTorch-Python), or check that memory stays flat over many trials.")
final class BenchTrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workloads", split = ",", defaultValue = "fmnist_2c2d,fmnist_mlp,char_lstm",
            description = "Workloads to time (default: ${DEFAULT-VALUE}); PyTorch twins exist for these three, "
                    + "others are timed on DJL only.")
    List<String> workloads;

    @Option(names = "--variants", split = ",", defaultValue = "tiny,full", description = "tiny, full or both.")
    List<String> variants;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first.")
    int warmup;

    @Option(names = "--block-seconds", defaultValue = "1.0", description = "Length of one timed block.")
    double blockSeconds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed blocks; the median is reported.")
    int repeats;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (Debian's).")
    String python;

    @Option(names = "--torch-script", description = "Path of bench/torch_trials.py (default: found beside the jar).")
    Path torchScript;

    @Option(names = "--no-torch", description = "Time DJL only.")
    boolean noTorch;

    @Option(names = "--memory-trials", defaultValue = "0",
            description = "Instead of timing: run this many trials of --memory-workload and check RSS stays within 10%%.")
    int memoryTrials;

    @Option(names = "--memory-workload", defaultValue = "fmnist_mlp-tiny",
            description = "Workload of the --memory-trials (default: ${DEFAULT-VALUE}); its data is read from --data-dir.")
    String memoryWorkload;

    @Option(names = "--memory-steps", defaultValue = "50", description = "Steps per memory trial.")
    int memorySteps;

    @Option(names = "--memory-batch", defaultValue = "4",
            description = "Memory trials trained together, as study run batches them (1: one at a time; default ${DEFAULT-VALUE}).")
    int memoryBatch;

    @Option(names = "--data-dir", description = "Data directory for --memory-trials (default: the data set's own).")
    Path dataDir;

    /** Workloads that bench/torch_models.py has twins of; others are timed on DJL only. */
    static final List<String> TORCH_TWINS = List.of("fmnist_2c2d", "fmnist_mlp", "char_lstm");

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (memoryTrials > 0) {
            dev.optbench.Limits.count("--memory-trials", memoryTrials, dev.optbench.Limits.MAX_TRIALS_PER_OPTIMIZER);
            dev.optbench.Limits.steps("--memory-steps", memorySteps, dev.optbench.Limits.MAX_STEPS);
            return memory(out);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> threadCounts = cores > 1 ? List.of(1, cores) : List.of(1);
        out.printf("training steps/s of one run at batch %d, median of %d blocks of %.1f s (synthetic data, SGD); "
                + "%d cores, load average at start %s%n", batch, repeats, blockSeconds, cores, BenchTrialsCommand.loadAverage());
        out.flush();
        List<String> names = new ArrayList<>();
        for (String w : workloads) {
            for (String v : variants) {
                names.add("tiny".equals(v) ? w + "-tiny" : w);
            }
        }
        // PyTorch's intra-op thread count is fixed per process: one JVM per count
        Map<String, Double> djl = new HashMap<>();
        for (int t : threadCounts) {
            for (LayoutBench.Measured m : LayoutBench.probe(names, t, List.of(1), List.of(1), batch,
                    new LayoutBench.Settings(warmup, blockSeconds, repeats))) {
                djl.put(m.workload() + "/" + t, m.entry().trialStepsPerSecond());
            }
        }
        List<TorchPeer.PeerLayout> layouts = TorchPeer.candidates(cores);
        Map<String, TorchPeer.Result> torch = new HashMap<>();
        TorchPeer peer = noTorch ? null
                : new TorchPeer(python, torchScript != null ? torchScript : findScript("torch_trials.py"));
        if (peer != null) {
            peer = peer.atItsBest(out);
            for (String name : names) {
                String base = name.replace("-tiny", "");
                if (TORCH_TWINS.contains(base)) {
                    for (TorchPeer.PeerLayout l : layouts) {
                        torch.put(name + "/" + l.shortForm(),
                                peer.steps(l, base, name.endsWith("-tiny"), batch, blockSeconds, repeats));
                    }
                }
            }
        }
        out.print(render(names, threadCounts, layouts, djl, torch));
        out.println("DJL/PyTorch: the faster DJL column over the faster one-process PyTorch column (one training run each); "
                + "the P-process column sums P runs at once (trial throughput: see 'bench trials')");
        out.printf("DJL %s with its bundled PyTorch native (MKL, GNU OpenMP), one JVM per thread count%n",
                ai.djl.engine.Engine.getDjlVersion());
        for (TorchPeer.PeerLayout l : layouts) {
            torch.values().stream().filter(r -> r.layout().equals(l)).findFirst().ifPresent(r ->
                    out.printf("PyTorch %s: %s from %s, BLAS %s%n", l.shortForm(), r.setup().describe(), python,
                            r.setup().blas().path()));
        }
        torch.values().stream().findFirst().filter(r -> r.setup().blas().reference())
                .ifPresent(r -> out.println(PeerSetup.referenceWarning(r.setup().blas())));
        out.printf("load average at end %s%n", BenchTrialsCommand.loadAverage());
        out.flush();
        return 0;
    }

    /** One row per workload: DJL per thread count, PyTorch per layout, and the best-over-best ratio of one-process runs. */
    static String render(List<String> names, List<Integer> threadCounts, List<TorchPeer.PeerLayout> layouts,
            Map<String, Double> djl, Map<String, TorchPeer.Result> torch) {
        List<String> header = new ArrayList<>(List.of("workload"));
        threadCounts.forEach(t -> header.add("DJL 1p×" + t + "t"));
        layouts.forEach(l -> header.add("PyTorch " + l.shortForm() + (l.processes() > 1 ? " (sum)" : "")));
        header.add("DJL/PyTorch");
        List<List<String>> rows = new ArrayList<>();
        for (String name : names) {
            List<String> row = new ArrayList<>(List.of(name));
            double bestDjl = 0;
            for (int t : threadCounts) {
                double d = djl.getOrDefault(name + "/" + t, Double.NaN);
                bestDjl = Double.isNaN(d) ? bestDjl : Math.max(bestDjl, d);
                row.add(Double.isNaN(d) ? "-" : String.format("%.2f", d));
            }
            double bestPeer = 0;
            for (TorchPeer.PeerLayout l : layouts) {
                TorchPeer.Result r = torch.get(name + "/" + l.shortForm());
                row.add(r == null ? "-" : String.format("%.2f", r.value()));
                if (r != null && l.processes() == 1) {
                    bestPeer = Math.max(bestPeer, r.value());
                }
            }
            row.add(bestPeer > 0 && bestDjl > 0 ? String.format("%.2f", bestDjl / bestPeer) : "-");
            rows.add(row);
        }
        return new TextTable(header, rows).render();
    }

    /** bench/NAME in the checkout the jar was built in (or under the working directory). */
    static Path findScript(String name) throws Exception {
        Path jar = Path.of(BenchTrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path base = jar; base != null; base = base.getParent()) {
            Path candidate = base.resolve("bench/" + name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        Path cwd = Path.of("bench/" + name);
        if (Files.isRegularFile(cwd)) {
            return cwd;
        }
        throw new InputException("bench/" + name + " not found beside the jar or here: pass --torch-script PATH, or --no-torch");
    }

    /**
     * Many tiny trials in this process, {@code --memory-batch} at a time as study run trains them;
     * RSS after trial 20 (warm-up: JIT, allocator pools) is the baseline, the rest must stay within 10%.
     */
    private int memory(PrintWriter out) {
        if (memoryBatch < 1) {
            throw new InputException("--memory-batch must be at least 1, not " + memoryBatch);
        }
        Workloads.get(memoryWorkload); // an unknown name is a one-line error naming the known ones
        long warm = 0;
        long peak = 0;
        int warmTrials = Math.min(20, memoryTrials);
        int done = 0;
        while (done < memoryTrials) {
            int k = Math.min(memoryBatch, memoryTrials - done);
            List<TrainRequest> batch = new ArrayList<>();
            for (int i = 1; i <= k; i++) {
                batch.add(new TrainRequest(memoryWorkload, "adam", Map.of("learning_rate", 0.001), done + i,
                        memorySteps, dataDir));
            }
            BatchedTrainer.train(batch);
            int before = done;
            done += k;
            long rss = NativeMemory.retainedKiB();
            if (before < warmTrials && done >= warmTrials) {
                warm = rss;
            } else if (done > warmTrials) {
                peak = Math.max(peak, rss);
            }
            if (done / 10 > before / 10 || (before < warmTrials && done >= warmTrials)) {
                out.printf("trial %4d  RSS %8.1f MiB%n", done, rss / 1024.0);
                out.flush();
            }
        }
        double ratio = warm > 0 ? (double) peak / warm : Double.NaN;
        boolean flat = ratio <= 1.10;
        out.printf("RSS after %d trials %.1f MiB, peak afterwards %.1f MiB: ratio %.3f -> %s%n", warmTrials,
                warm / 1024.0, peak / 1024.0, ratio, flat ? "flat (within 10%)" : "GROWING (over 10%)");
        return flat ? 0 : 1;
    }
}
