package dev.optbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.InputException;
import dev.optbench.train.NativeMemory;
import dev.optbench.train.StepBenchmark;
import dev.optbench.train.TrainListener;
import dev.optbench.train.TrainRequest;
import dev.optbench.train.Trainer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Steps per second of training on DJL against the same models in PyTorch-Python (Debian's
 * python3-torch) with the same batch and thread settings, run side by side; or, with
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

    @Option(names = "--torch-script", description = "Path of bench/torch_models.py (default: found beside the jar).")
    Path torchScript;

    @Option(names = "--no-torch", description = "Time DJL only.")
    boolean noTorch;

    @Option(names = "--memory-trials", defaultValue = "0",
            description = "Instead of timing: run this many fmnist_mlp-tiny trials and check RSS stays within 10%.")
    int memoryTrials;

    @Option(names = "--memory-steps", defaultValue = "50", description = "Steps per memory trial.")
    int memorySteps;

    @Option(names = "--data-dir", description = "Fashion-MNIST directory for --memory-trials.")
    Path dataDir;

    /** Workloads that bench/torch_models.py has twins of; others are timed on DJL only. */
    static final List<String> TORCH_TWINS = List.of("fmnist_2c2d", "fmnist_mlp", "char_lstm");

    private String torchVersion;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (memoryTrials > 0) {
            return memory(out);
        }
        String threads = System.getProperty("ai.djl.pytorch.num_threads", EngineSetup.intraOpThreads());
        out.printf("training steps/s at batch %d, %s intra-op thread(s), median of %d blocks of %.1f s "
                + "(synthetic data, SGD)%n", batch, threads, repeats, blockSeconds);
        out.flush();
        Map<String, Double> djl = new HashMap<>();
        for (String w : workloads) {
            for (String v : variants) {
                String name = "tiny".equals(v) ? w + "-tiny" : w;
                djl.put(w + "/" + v, StepBenchmark.time(name, batch, warmup, blockSeconds, repeats).median());
            }
        }
        Map<String, Double> torch = noTorch ? Map.of() : torch(threads);
        String fmt = "%-18s %-5s %12s %15s %12s%n";
        out.printf(fmt, "workload", "size", "DJL steps/s", "PyTorch steps/s", "DJL/PyTorch");
        for (String w : workloads) {
            for (String v : variants) {
                double d = djl.get(w + "/" + v);
                Double t = torch.get(w + "/" + v);
                out.printf(fmt, w, v, String.format("%.2f", d), t == null ? "-" : String.format("%.2f", t),
                        t == null ? "-" : String.format("%.2f", d / t));
            }
        }
        if (torchVersion != null) {
            out.printf("DJL %s with its bundled PyTorch native; PyTorch-Python: torch %s from %s%n",
                    ai.djl.engine.Engine.getDjlVersion(), torchVersion, python);
        }
        out.flush();
        return 0;
    }

    private Map<String, Double> torch(String threads) throws Exception {
        List<String> twins = workloads.stream().filter(TORCH_TWINS::contains).toList();
        if (twins.isEmpty()) {
            return Map.of();
        }
        Path script = torchScript != null ? torchScript : findScript();
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(),
                "--workloads", String.join(",", twins), "--variants", String.join(",", variants),
                "--batch", Integer.toString(batch), "--warmup", Integer.toString(warmup),
                "--block-seconds", Double.toString(blockSeconds), "--repeats", Integer.toString(repeats),
                "--threads", threads));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Double> out = new HashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = mapper.readTree(line);
                out.put(n.get("workload").asText() + "/" + n.get("variant").asText(), n.get("median").asDouble());
                torchVersion = n.path("torch").asText("?");
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + p.exitValue());
        }
        return out;
    }

    private static Path findScript() throws Exception {
        return findScript("torch_models.py");
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

    /** Many tiny trials in this process; RSS after trial 20 (warm-up: JIT, allocator pools) is the baseline, the rest must stay within 10%. */
    private int memory(PrintWriter out) {
        long warm = 0;
        long peak = 0;
        int warmTrials = Math.min(20, memoryTrials);
        for (int trial = 1; trial <= memoryTrials; trial++) {
            Trainer.train(new TrainRequest("fmnist_mlp-tiny", "adam", Map.of("learning_rate", 0.001), trial,
                    memorySteps, dataDir), TrainListener.NONE);
            long rss = NativeMemory.retainedKiB();
            if (trial == warmTrials) {
                warm = rss;
            } else if (trial > warmTrials) {
                peak = Math.max(peak, rss);
            }
            if (trial % 10 == 0 || trial == warmTrials) {
                out.printf("trial %4d  RSS %8.1f MiB%n", trial, rss / 1024.0);
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
