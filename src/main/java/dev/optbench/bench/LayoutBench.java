package dev.optbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.layout.Layout;
import dev.optbench.layout.LayoutTable;
import dev.optbench.layout.Layouts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures optbench's layouts for one workload: PyTorch's intra-op thread count is fixed when its
 * engine starts, so each thread count T gets its own JVM ({@code bench probe}) in which 1, 2, …,
 * cores / T workers train at once, each K stacked trials (K in {@link #BATCHES} for workloads with
 * a batched form).
 */
public final class LayoutBench {
    private LayoutBench() {}

    /** Settings of one measurement. */
    public record Settings(int warmup, double blockSeconds, int repeats, List<Integer> batchTrials) {
        /** The default trials per batch ({@link #BATCHES}). */
        public Settings(int warmup, double blockSeconds, int repeats) {
            this(warmup, blockSeconds, repeats, null);
        }

        public Settings {
            if (batchTrials != null) {
                for (int k : batchTrials) {
                    if (k < 1) {
                        throw new dev.optbench.InputException("--batch-trials " + k + " must be at least 1");
                    }
                }
                batchTrials = List.copyOf(batchTrials);
            }
        }
    }

    /** Thread count → worker counts to try: T in 1, 2, 4, … ≤ cores; workers 1, 2, 4, … and cores / T. */
    static Map<Integer, List<Integer>> candidates(int cores) {
        Map<Integer, List<Integer>> m = new TreeMap<>();
        for (int t = 1; t <= cores; t *= 2) {
            List<Integer> w = new ArrayList<>();
            for (int n = 1; n <= cores / t; n *= 2) {
                w.add(n);
            }
            if (!w.contains(cores / t)) {
                w.add(cores / t);
            }
            m.put(t, w);
        }
        return m;
    }

    /** One measured layout of one workload. */
    public record Measured(String workload, LayoutTable.Entry entry) {}

    /** Trials per batch tried for a workload with a batched form (1 only without one). */
    static final List<Integer> BATCHES = List.of(1, 4, 8, 16, 32);

    static List<Integer> batches(String workload, List<Integer> chosen) {
        if (Layouts.maxBatch(workload) <= 1) {
            return List.of(1);
        }
        return chosen == null ? BATCHES : chosen;
    }

    public static LayoutTable measure(String workload, int cores, Settings s, String source) throws IOException, InterruptedException {
        List<LayoutTable.Entry> entries = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> c : candidates(cores).entrySet()) {
            probe(List.of(workload), c.getKey(), c.getValue(), batches(workload, s.batchTrials()), 0, s).forEach(m -> entries.add(m.entry()));
        }
        return new LayoutTable(LayoutTable.localHost(), workload, cores, Instant.now(), source, entries);
    }

    /** A fresh JVM with {@code threads} intra-op threads times each workload with each worker count (batch 0: the workload's). */
    public static List<Measured> probe(List<String> workloads, int threads, List<Integer> workers, List<Integer> batchTrials,
            int batch, Settings s)
            throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.command(List.of("-Xmx3g", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads));
        cmd.addAll(List.of("bench", "probe", "--workload", String.join(",", workloads),
                "--batch", Integer.toString(batch), "--batch-trials",
                batchTrials.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("1"),
                "--workers", workers.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("1"),
                "--warmup", Integer.toString(s.warmup()), "--block-seconds", Double.toString(s.blockSeconds()),
                "--repeats", Integer.toString(s.repeats())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OPTBENCH_THREADS", Integer.toString(threads));
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        List<Measured> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                out.add(new Measured(n.get("workload").asText(), new LayoutTable.Entry(new Layout(n.get("workers").asInt(),
                        n.get("threads").asInt(), n.path("batch_trials").asInt(1)), n.get("trial_steps_per_second").asDouble())));
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("layout probe failed (exit " + p.exitValue() + "): " + String.join(" ", cmd));
        }
        return out;
    }
}
