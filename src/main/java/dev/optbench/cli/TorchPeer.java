package dev.optbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PyTorch-Python as the peer: P processes of bench/torch_trials.py at once, each with T intra-op
 * threads and OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, MKL_NUM_THREADS set to T before the BLAS loads.
 */
final class TorchPeer {
    /** P processes × T threads each. */
    record PeerLayout(int processes, int threads) {
        String describe() {
            return processes + " process" + (processes == 1 ? "" : "es") + " × " + threads + " thread" + (threads == 1 ? "" : "s");
        }

        String shortForm() {
            return processes + "p×" + threads + "t";
        }
    }

    /** Sum over the processes (steps/s) or wall seconds of the whole layout, with each process's set-up. */
    record Result(PeerLayout layout, double value, List<Double> perProcess, List<PeerSetup> setups) {
        PeerSetup setup() {
            return setups.get(0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String python;
    private final Path script;

    TorchPeer(String python, Path script) {
        this.python = python;
        this.script = script;
    }

    /** 1 × 1, 1 × 2 (with 2 or more cores), and cores × 1: the layouts the peer's best is taken over. */
    static List<PeerLayout> candidates(int cores) {
        List<PeerLayout> l = new ArrayList<>(List.of(new PeerLayout(1, 1)));
        if (cores >= 2) {
            l.add(new PeerLayout(1, 2));
            l.add(new PeerLayout(cores, 1));
        }
        return l;
    }

    /** Trial-steps/s: P processes time steps of one workload at once (their timing starts together); the sum of their medians. */
    Result steps(PeerLayout layout, String workload, boolean tiny, int batch, double seconds, int repeats)
            throws IOException, InterruptedException {
        List<String> args = List.of("--mode", "steps", "--workload", workload, "--variant", tiny ? "tiny" : "full",
                "--batch", Integer.toString(batch), "--seconds", Double.toString(seconds),
                "--repeats", Integer.toString(repeats), "--barrier");
        List<JsonNode> lines = runAll(layout, i -> args, true);
        List<Double> each = lines.stream().map(n -> n.get("steps_per_second").asDouble()).toList();
        return new Result(layout, each.stream().mapToDouble(Double::doubleValue).sum(), each, setups(lines));
    }

    /** Wall seconds for {@code trials} full fmnist_mlp trials split over the P processes, from start to the last exit. */
    Result trials(PeerLayout layout, int trials, int steps, int evalEvery, Path dataDir) throws IOException, InterruptedException {
        long start = System.nanoTime();
        List<JsonNode> lines = runAll(layout, i -> {
            int mine = trials / layout.processes() + (i < trials % layout.processes() ? 1 : 0);
            List<String> a = new ArrayList<>(List.of("--mode", "trials", "--trials", Integer.toString(mine),
                    "--first-seed", Integer.toString(i * 1000), "--steps", Integer.toString(steps),
                    "--eval-every", Integer.toString(evalEvery)));
            if (dataDir != null) {
                a.addAll(List.of("--data-dir", dataDir.toString()));
            }
            return a;
        }, false);
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> each = lines.stream().map(n -> n.get("seconds").asDouble()).toList();
        return new Result(layout, wall, each, setups(lines));
    }

    /** The set-up alone (one process, 1 thread): which BLAS the peer would use. */
    PeerSetup probeSetup() throws IOException, InterruptedException {
        return setups(runAll(new PeerLayout(1, 1), i -> List.of("--mode", "setup"), false)).get(0);
    }

    private static List<PeerSetup> setups(List<JsonNode> lines) {
        return lines.stream().map(n -> PeerSetup.fromJson(n.get("setup"))).toList();
    }

    private List<JsonNode> runAll(PeerLayout layout, java.util.function.IntFunction<List<String>> argsOf, boolean barrier)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            throw new InputException(script + " not found: pass --torch-script PATH, or --no-torch");
        }
        List<Process> procs = new ArrayList<>();
        try {
            for (int i = 0; i < layout.processes(); i++) {
                List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads",
                        Integer.toString(layout.threads())));
                cmd.addAll(argsOf.apply(i));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
                String t = Integer.toString(layout.threads());
                pb.environment().put("OMP_NUM_THREADS", t);
                pb.environment().put("OPENBLAS_NUM_THREADS", t);
                pb.environment().put("MKL_NUM_THREADS", t);
                pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
                procs.add(pb.start());
            }
            List<BufferedReader> readers = procs.stream().map(p -> new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))).toList();
            if (barrier) {
                for (BufferedReader r : readers) {
                    String ready = r.readLine(); // each process has loaded torch and warmed up
                    if (ready == null) {
                        throw new IllegalStateException("a PyTorch peer process exited before it was ready (see its stderr)");
                    }
                }
                for (Process p : procs) {
                    OutputStream in = p.getOutputStream();
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
            }
            List<JsonNode> out = new ArrayList<>();
            for (int i = 0; i < procs.size(); i++) {
                String line = readers.get(i).readLine();
                if (procs.get(i).waitFor() != 0 || line == null) {
                    throw new IllegalStateException(python + " " + script + " failed (exit " + procs.get(i).exitValue()
                            + "; its stderr is above)");
                }
                out.add(JSON.readTree(line));
            }
            return out;
        } finally {
            procs.forEach(Process::destroy);
        }
    }
}
