package dev.optbench.cli;

import dev.optbench.bench.ChildJvm;
import dev.optbench.bench.LayoutBench;
import dev.optbench.bench.TorchPeer;
import dev.optbench.layout.LayoutChooser;
import dev.optbench.layout.LayoutTable;
import dev.optbench.layout.Layouts;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trial throughput against a fair peer, both measured in this run: optbench's layouts (stored as
 * its default, as {@code bench layout} does) against PyTorch-Python in 1 process × 1 thread,
 * 1 × 2 and P × 1 (P = cores), each process's OMP/OpenBLAS/MKL thread variables and
 * torch.set_num_threads set to match; the peer's best is the figure compared. With
 * {@code --end-to-end N}: wall time of N full fmnist_mlp trials with evaluations on real
 * Fashion-MNIST, {@code study run} with its defaults against the peer doing the same work.
 */
@Command(name = "trials", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trial-steps/s of optbench's default layout against PyTorch-Python's best layout, measured side by side;",
            "or (--end-to-end N) wall time of N full fmnist_mlp trials, 'study run' defaults against the peer."})
final class BenchTrialsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workloads", split = ",", defaultValue = "fmnist_mlp,fmnist_mlp-tiny,fmnist_2c2d,fmnist_2c2d-tiny",
            description = "Workloads (default: ${DEFAULT-VALUE}); the peer has twins of fmnist_mlp, fmnist_2c2d, char_lstm.")
    List<String> workloads;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--block-seconds", defaultValue = "1.0", description = "Length of one timed block (default ${DEFAULT-VALUE}).")
    double blockSeconds;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed blocks; the median is used (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--rounds", defaultValue = "1", description = "Measure optbench's layouts and then the peer's this "
            + "many times, alternating; each layout's median counts (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--batch-trials", split = ",", paramLabel = "K",
            description = "Trials per batch to try where the workload trains batched (default 1,4,8,16,32).")
    List<Integer> batchTrials;

    @Option(names = "--end-to-end", paramLabel = "N", defaultValue = "0",
            description = "Instead: wall time of N full fmnist_mlp trials (Adam, lr 1e-3) with evaluations on real Fashion-MNIST.")
    int endToEnd;

    @Option(names = "--steps", defaultValue = "5000", description = "Steps per end-to-end trial (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--data-dir", description = "Fashion-MNIST directory for --end-to-end.")
    Path dataDir;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (Debian's).")
    String python;

    @Option(names = "--torch-script", description = "Path of bench/torch_trials.py (default: found beside the jar).")
    Path torchScript;

    @Option(names = "--no-torch", description = "Measure optbench only.")
    boolean noTorch;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int cores = Runtime.getRuntime().availableProcessors();
        if (rounds < 1) {
            throw new dev.optbench.InputException("--rounds must be at least 1, not " + rounds);
        }
        dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_STEPS);
        for (String w : workloads) {
            Workloads.get(w);
        }
        TorchPeer peer = noTorch ? null
                : new TorchPeer(python, torchScript != null ? torchScript : BenchTrainCommand.findScript("torch_trials.py"));
        out.printf("%d cores, load average at start %s%n", cores, loadAverage());
        if (peer != null) {
            peer = peer.atItsBest(out);
        }
        out.flush();
        int code = endToEnd > 0 ? endToEnd(out, peer, cores) : throughput(out, peer, cores);
        out.printf("load average at end %s%n", loadAverage());
        out.flush();
        return code;
    }

    private int throughput(PrintWriter out, TorchPeer peer, int cores) throws Exception {
        out.printf("trial-steps/s = training steps per second summed over the trials training at once; median of %d blocks "
                + "of %.1f s after %d warm-up steps; synthetic data, plain SGD, the workload's batch size%n",
                repeats, blockSeconds, warmup);
        List<List<String>> summary = new ArrayList<>();
        for (String w : workloads) {
            Workload wl = Workloads.get(w);
            String base = w.endsWith("-tiny") ? w.substring(0, w.length() - 5) : w;
            boolean twin = peer != null && BenchTrainCommand.TORCH_TWINS.contains(base);
            List<LayoutTable> tables = new ArrayList<>();
            List<List<TorchPeer.Result>> peerRounds = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                tables.add(LayoutBench.measure(w, cores,
                        new LayoutBench.Settings(warmup, blockSeconds, repeats, batchTrials), "bench trials"));
                if (twin) {
                    List<TorchPeer.Result> round = new ArrayList<>();
                    for (TorchPeer.PeerLayout l : TorchPeer.candidates(cores)) {
                        round.add(peer.steps(l, base, w.endsWith("-tiny"), wl.batchSize(), blockSeconds, repeats));
                    }
                    peerRounds.add(round);
                }
                if (rounds > 1) {
                    out.println(roundLine(w, r + 1, tables.get(r), twin ? peerRounds.get(r) : List.of()));
                    out.flush();
                }
            }
            LayoutTable table = BenchLayoutCommand.store(LayoutTable.median(tables), out);
            LayoutChooser.Choice choice = LayoutChooser.choose(cores, w, Optional.of(table), LayoutChooser.Fixed.NONE,
                    Layouts.maxBatch(w));
            double ours = table.entries().stream().filter(e -> e.layout().equals(choice.layout()))
                    .mapToDouble(LayoutTable.Entry::trialStepsPerSecond).findFirst().orElse(Double.NaN);
            if (!twin) {
                summary.add(row(w, choice.layout().shortForm(), ours, "-", Double.NaN, "no PyTorch twin"));
                continue;
            }
            List<TorchPeer.Result> results = new ArrayList<>();
            List<List<String>> peerRows = new ArrayList<>();
            for (int i = 0; i < peerRounds.get(0).size(); i++) {
                int layout = i;
                TorchPeer.Result r = medianResult(peerRounds.stream().map(round -> round.get(layout)).toList());
                results.add(r);
                peerRows.add(List.of(w, r.layout().shortForm(), String.format("%.1f", r.value()), r.setup().describe()));
            }
            out.print(new TextTable(List.of("workload", "peer layout", "trial-steps/s", "peer set-up"), peerRows).render());
            TorchPeer.Result best = results.stream().max(Comparator.comparingDouble(TorchPeer.Result::value)).orElseThrow();
            summary.add(row(w, choice.layout().shortForm(), ours, best.layout().shortForm(), best.value(),
                    best.setup().describe()));
            out.flush();
        }
        out.println();
        out.println("optbench's default layout (workers×threads×trials per batch) against the peer's best (processes×threads):");
        out.print(new TextTable(List.of("workload", "optbench", "trial-steps/s", "peer best", "trial-steps/s",
                "optbench/peer", "peer set-up"), summary).render());
        return 0;
    }

    /** The round whose figure is the median (the lower middle one for an even count), with its set-up. */
    static TorchPeer.Result medianResult(List<TorchPeer.Result> rounds) {
        List<TorchPeer.Result> sorted = rounds.stream().sorted(Comparator.comparingDouble(TorchPeer.Result::value)).toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** One round's figures on one line: every optbench layout, then every peer layout. */
    private static String roundLine(String w, int round, LayoutTable t, List<TorchPeer.Result> peer) {
        StringBuilder b = new StringBuilder(w + " round " + round + ":");
        for (LayoutTable.Entry e : t.entries()) {
            b.append(String.format(" %s %.1f", e.layout().shortForm(), e.trialStepsPerSecond()));
        }
        for (TorchPeer.Result r : peer) {
            b.append(String.format("; peer %s %.1f", r.layout().shortForm(), r.value()));
        }
        return b.toString();
    }

    private static List<String> row(String w, String ours, double o, String theirs, double t, String setup) {
        return List.of(w, ours, String.format("%.1f", o), theirs, Double.isNaN(t) ? "-" : String.format("%.1f", t),
                Double.isNaN(t) ? "-" : String.format("%.2f", o / t), setup);
    }

    private int endToEnd(PrintWriter out, TorchPeer peer, int cores) throws Exception {
        out.printf("end to end: %d fmnist_mlp trials × %d steps (batch 128, Adam lr 1e-3, evaluation of train_eval, "
                + "validation and test every 500 steps), real Fashion-MNIST; wall time from process start to the last exit%n",
                endToEnd, steps);
        Path dir = Files.createTempDirectory("optbench-e2e");
        List<List<String>> rows = new ArrayList<>();
        double ours;
        try {
            Timed t = optbenchEndToEnd(dir, out);
            ours = t.wall();
            rows.add(List.of("optbench study run (defaults)", t.layout(), String.format("%.1f", ours), "1.00", "-"));
            out.printf("optbench: %.1f s (%s), load average now %s%n", ours, t.layout(), loadAverage());
            out.flush();
        } finally {
            deleteTree(dir);
        }
        if (peer != null) {
            List<TorchPeer.PeerLayout> layouts = new ArrayList<>(List.of(new TorchPeer.PeerLayout(cores, 1)));
            if (cores > 1) {
                layouts.add(new TorchPeer.PeerLayout(1, cores));
            }
            for (TorchPeer.PeerLayout l : layouts) {
                TorchPeer.Result r = peer.trials(l, endToEnd, steps, 500, dataDir);
                rows.add(List.of("PyTorch-Python", l.describe(), String.format("%.1f", r.value()),
                        String.format("%.2f", r.value() / ours), r.setup().describe()));
                out.printf("PyTorch-Python %s: %.1f s, load average now %s%n", l.describe(), r.value(), loadAverage());
                out.flush();
            }
        }
        out.print(new TextTable(List.of("who", "layout", "wall s", "wall / optbench's", "peer set-up"), rows).render());
        return 0;
    }

    /** Wall seconds of optbench's run and the layout it printed. */
    private record Timed(double wall, String layout) {}

    /** Creates the study in a fresh SQLite store and times 'study run' in a child JVM with this machine's defaults. */
    private Timed optbenchEndToEnd(Path dir, PrintWriter out) throws IOException, InterruptedException {
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"learning_rate\": {\"feasible_points\": [0.001]}}");
        String store = "sqlite:" + dir.resolve("e2e.db");
        child(dir, "create", List.of("study", "create", "e2e", "--workload", "fmnist_mlp", "--protocol", "lr-only",
                "--optimizers", "adam", "--trials", Integer.toString(endToEnd), "--space", space.toString(), "--store", store));
        List<String> run = new ArrayList<>(List.of("study", "run", "e2e", "--store", store));
        if (dataDir != null) {
            run.addAll(List.of("--data-dir", dataDir.toString()));
        }
        if (steps != 5000) {
            out.println("note: optbench trials run the workload's full budget (5000 steps); --steps applies to the peer only");
        }
        long start = System.nanoTime();
        child(dir, "run", run);
        double wall = (System.nanoTime() - start) / 1e9;
        String err = Files.readString(dir.resolve("run.err"), StandardCharsets.UTF_8);
        String layout = err.lines().filter(l -> l.startsWith("layout: ")).findFirst().map(l -> l.substring(8)).orElse("?");
        Files.readString(dir.resolve("run.out"), StandardCharsets.UTF_8).lines().forEach(l -> out.println("  optbench: " + l));
        return new Timed(wall, layout);
    }

    private static void child(Path dir, String name, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.command(List.of("-Dai.djl.offline=true"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().remove("OPTBENCH_THREADS"); // the defaults are what is measured
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("optbench " + String.join(" ", args) + " failed (exit " + p.exitValue() + "): "
                    + Files.readString(dir.resolve(name + ".err")).lines().reduce((a, b) -> b).orElse(""));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
