package dev.optbench.bench;

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
public final class TorchPeer {
    /** P processes × T threads each. */
    public record PeerLayout(int processes, int threads) {
        public String describe() {
            return processes + " process" + (processes == 1 ? "" : "es") + " × " + threads + " thread" + (threads == 1 ? "" : "s");
        }

        public String shortForm() {
            return processes + "p×" + threads + "t";
        }
    }

    /** Sum over the processes (steps/s) or wall seconds of the whole layout, with each process's set-up. */
    public record Result(PeerLayout layout, double value, List<Double> perProcess, List<PeerSetup> setups) {
        public PeerSetup setup() {
            return setups.get(0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String python;
    private final Path script;
    /** OPENBLAS_CORETYPE for every peer process; null: OpenBLAS's own detection. */
    private final String coreType;

    public TorchPeer(String python, Path script) {
        this(python, script, null);
    }

    private TorchPeer(String python, Path script, String coreType) {
        this.python = python;
        this.script = script;
        this.coreType = coreType;
    }

    /** OpenBLAS kernels worth trying on a CPU with these /proc/cpuinfo flags, besides OpenBLAS's own pick. */
    static List<String> coreTypeCandidates(String flags) {
        String f = " " + flags + " ";
        List<String> out = new ArrayList<>();
        if (f.contains(" avx512f ")) {
            out.add("SKYLAKEX");
            if (f.contains(" avx512_bf16 ")) {
                out.add("COOPERLAKE");
            }
        }
        if (f.contains(" avx2 ")) {
            out.add("HASWELL");
        }
        return out;
    }

    /** The peer's kernel choice: each candidate's sgemm GFLOP/s (1 thread), the chosen one first in the text. */
    public record CoreTypeChoice(TorchPeer peer, String chosen, java.util.Map<String, Double> gflops) {
        public String describe() {
            StringBuilder s = new StringBuilder("peer OpenBLAS kernel: " + chosen
                    + " (the fastest sgemm 128×784×256 on 1 thread, GFLOP/s:");
            gflops.forEach((k, v) -> s.append(String.format(" %s %.0f,", k, v)));
            return s.substring(0, s.length() - 1) + ")";
        }
    }

    /**
     * The peer at its best BLAS setting: OpenBLAS (0.3.21 in Debian 12) picks its AVX2 Haswell
     * kernel on CPUs newer than it knows, such as AMD Zen 4/5 with AVX-512, where its SKYLAKEX
     * kernel is ~1.7× faster; a skilled user sets OPENBLAS_CORETYPE. Times each candidate and
     * returns a peer that uses the fastest.
     */
    CoreTypeChoice fastestCoreType(String cpuFlags) throws IOException, InterruptedException {
        java.util.Map<String, Double> rates = new java.util.LinkedHashMap<>();
        JsonNode first = sgemm();
        JsonNode detected = first.path("setup").path("env").get("OPENBLAS_CORETYPE");
        String own = detected == null ? "own detection" : "own detection (" + detected.asText() + ")";
        rates.put(own, first.get("gflops").asDouble());
        String best = null;
        double bestRate = rates.get(own);
        for (String c : coreTypeCandidates(cpuFlags)) {
            double r = new TorchPeer(python, script, c).sgemm().get("gflops").asDouble();
            rates.put(c, r);
            if (r > bestRate * 1.03) { // a clear win over what OpenBLAS picked by itself
                best = c;
                bestRate = r;
            }
        }
        return new CoreTypeChoice(new TorchPeer(python, script, best), best == null ? own : "OPENBLAS_CORETYPE=" + best, rates);
    }

    /** One process, 1 thread: GFLOP/s of the 128×784×256 sgemm under this peer's kernel, with its set-up. */
    private JsonNode sgemm() throws IOException, InterruptedException {
        return runAll(new PeerLayout(1, 1), i -> List.of("--mode", "sgemm", "--seconds", "0.3", "--repeats", "3"), false)
                .get(0);
    }

    /** 1 × 1, 1 × 2 (with 2 or more cores), and cores × 1: the layouts the peer's best is taken over. */
    public static List<PeerLayout> candidates(int cores) {
        List<PeerLayout> l = new ArrayList<>(List.of(new PeerLayout(1, 1)));
        if (cores >= 2) {
            l.add(new PeerLayout(1, 2));
            l.add(new PeerLayout(cores, 1));
        }
        return l;
    }

    /** Trial-steps/s: P processes time steps of one workload at once (their timing starts together); the sum of their medians. */
    public Result steps(PeerLayout layout, String workload, boolean tiny, int batch, double seconds, int repeats)
            throws IOException, InterruptedException {
        List<String> args = List.of("--mode", "steps", "--workload", workload, "--variant", tiny ? "tiny" : "full",
                "--batch", Integer.toString(batch), "--seconds", Double.toString(seconds),
                "--repeats", Integer.toString(repeats), "--barrier");
        List<JsonNode> lines = runAll(layout, i -> args, true);
        List<Double> each = lines.stream().map(n -> n.get("steps_per_second").asDouble()).toList();
        return new Result(layout, each.stream().mapToDouble(Double::doubleValue).sum(), each, setups(lines));
    }

    /** Wall seconds for {@code trials} full fmnist_mlp trials split over the P processes, from start to the last exit. */
    public Result trials(PeerLayout layout, int trials, int steps, int evalEvery, Path dataDir) throws IOException, InterruptedException {
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

    /**
     * The peer as a skilled user would set it up: prints its BLAS (loudly when it is the reference
     * one) and, on OpenBLAS, the kernel it is given; prints optbench's own oneMKL setting beside it.
     */
    public TorchPeer atItsBest(java.io.PrintWriter out) throws IOException, InterruptedException {
        PeerSetup setup = probeSetup();
        PeerSetup.Blas blas = setup.blas();
        out.printf("peer: %s, torch %s, BLAS %s (%s)%n", python, setup.torch(), blas.name(), blas.path());
        if (blas.reference()) {
            out.println(PeerSetup.referenceWarning(blas));
        }
        TorchPeer chosen = this;
        if (blas.name().startsWith("OpenBLAS")) {
            String flags = "";
            try {
                flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                        .findFirst().orElse("");
            } catch (IOException e) {
                // no /proc/cpuinfo: OpenBLAS's own pick only
            }
            CoreTypeChoice c = fastestCoreType(flags);
            out.println(c.describe());
            chosen = c.peer();
        }
        out.println("optbench: oneMKL code path " + dev.optbench.platform.NativeSetup.mklDispatch()
                + " (" + dev.optbench.platform.NativeSetup.DISPATCH_ENV + "=vendor: oneMKL's own choice)");
        out.println("optbench: update rules as " + dev.optbench.optim.Optimizers.updateKernels()
                + " (OPTBENCH_FUSED_UPDATES=off: NDArray ops)");
        out.println("optbench: stacked MLPs and CNNs as " + dev.optbench.train.NativeNet.status()
                + " (OPTBENCH_NATIVE_NET=off: NDArray ops)");
        out.println("optbench: native libraries: " + dev.optbench.train.NativeLibraries.describe()
                + " (" + dev.optbench.platform.BundledLibrary.OFF_ENV + "=off: none)");
        out.flush();
        return chosen;
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
                if (coreType != null) {
                    pb.environment().put("OPENBLAS_CORETYPE", coreType);
                }
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
