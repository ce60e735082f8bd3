package dev.optbench.study;

import dev.optbench.train.RunStatus;
import dev.optbench.train.TrainResult;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a batch of a torch study's trials as ONE process of the torch engine
 * ({@code PYTHON -m optbench_torch run}, docs/external-trials.md "The torch engine"), started
 * exactly as an external trial is ({@link ExternalRunner#runProcess}: setsid wrapper, only the
 * base environment and --pass-env names, the whole group killed on end, Ctrl-C or a lost lease),
 * plus {@code PYTHONPATH} (the engine's package, unpacked from optbench's jar) and
 * {@code OPTBENCH_JOB} (the {@link TorchJob} file). Each trial's result comes from its tagged
 * lines ({@link TaggedOutput}). When the process crashes (non-zero exit), its trials without a
 * final status go back to pending (a null result), unless this was their {@value #MAX_ATTEMPTS}th
 * claim: then they fail with the crash's message, so a process that always crashes cannot hold a
 * study forever. A process that outlives the study's {@code --trial-timeout} is killed, and its
 * trials without a final status fail at once.
 */
public final class TorchRunner {
    /** {@code batchTrials} meaning "the engine's default for the device" ({@link #autoTrials}). */
    public static final int AUTO = 0;
    /** Claims of one trial after which a crash fails it instead of returning it to pending. */
    static final int MAX_ATTEMPTS = 3;
    private static final String PACKAGE = "optbench_torch/";

    private final String python;
    private final Set<String> passEnv;
    private final Path dataDir;
    private final int batchTrials;
    private final Map<String, Map<String, String>> provenance = new ConcurrentHashMap<>();

    /**
     * @param python the Python interpreter (--python, $OPTBENCH_PYTHON, python3)
     * @param batchTrials K trials per process, or {@link #AUTO}
     */
    public TorchRunner(String python, Set<String> passEnv, Path dataDir, int batchTrials) {
        this.python = python;
        this.passEnv = Set.copyOf(passEnv);
        this.dataDir = dataDir;
        this.batchTrials = batchTrials;
    }

    /** The interpreter to use: {@code given} (--python), else $OPTBENCH_PYTHON, else python3. */
    public static String python(String given) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        String env = System.getenv("OPTBENCH_PYTHON");
        return env != null && !env.isBlank() ? env : "python3";
    }

    /** Trials per process when --batch-trials is auto: many on a GPU (stacked), a few on a CPU. */
    public static int autoTrials(String device) {
        return "cuda".equals(device) ? 32 : 4;
    }

    int batchLimit(StudyDefinition def) {
        return batchTrials == AUTO ? autoTrials(def.torch().device()) : batchTrials;
    }

    /** The engine's provenance for {@code claim}'s last run here (taken once), empty if none. */
    Map<String, String> takeProvenance(Claim claim) {
        Map<String, String> p = provenance.remove(key(claim));
        return p == null ? Map.of() : p;
    }

    private static String key(Claim c) {
        return c.label() + "@" + c.attempt();
    }

    /** Runs {@code claims} of torch study {@code def} in one process; result k is claim k's, null: back to pending. */
    List<TrainResult> runBatch(StudyDefinition def, List<Claim> claims) {
        return runBatch(def, claims, TrialProgress.NONE);
    }

    /** As {@link #runBatch(StudyDefinition, List)}, handing each trial's measurements to {@code progress} as they are read. */
    List<TrainResult> runBatch(StudyDefinition def, List<Claim> claims, TrialProgress progress) {
        Workload w = Workloads.get(def.workload());
        TorchJob job = TorchJob.of(def, w, Datasets.dataPath(w.data(), dataDir), claims, 1);
        Map<String, dev.optbench.train.TrainListener> listeners = new java.util.HashMap<>();
        claims.forEach(c -> listeners.put(c.label(), progress.listener(c))); // a trial's id in the job is its label
        Outcome out = run(job, claims.get(0).label(), def.torch().timeoutSeconds(),
                id -> listeners.getOrDefault(id, dev.optbench.train.TrainListener.NONE));
        List<TrainResult> results = new ArrayList<>();
        for (Claim c : claims) {
            TaggedOutput.TrialOutput t = out.output().trial(c.label());
            Map<String, String> p = new LinkedHashMap<>(out.output().provenance());
            p.putIfAbsent("engine", TorchEngine.TORCH);
            p.put("engine_python", python);
            provenance.put(key(c), p);
            results.add(result(t, out, c.attempt(), def.torch().timeoutSeconds()));
        }
        return results;
    }

    /** The process's output and how it ended. */
    record Outcome(TaggedOutput output, ExternalRunner.Ended ended) {}

    /** Runs {@code job} as one engine process and returns its output (for tests: any job). */
    Outcome run(TorchJob job, String label) {
        return run(job, label, 0, id -> dev.optbench.train.TrainListener.NONE);
    }

    private Outcome run(TorchJob job, String label, double timeoutSeconds,
            java.util.function.Function<String, dev.optbench.train.TrainListener> listeners) {
        Path dir;
        try {
            dir = Files.createTempDirectory("optbench-torch-job");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the torch engine's job file: " + e.getMessage(), e);
        }
        try {
            Path file = dir.resolve("job.json");
            Files.writeString(file, job.toJson());
            Map<String, String> env = ExternalRunner.baseEnvironment(System.getenv(), passEnv);
            Path pkg = enginePackage();
            if (pkg != null) { // the engine first; a --pass-env PYTHONPATH (users' optimizer classes) after it
                String passed = env.get("PYTHONPATH");
                env.put("PYTHONPATH", pkg + (passed == null || passed.isBlank() ? "" : java.io.File.pathSeparator + passed));
            }
            env.put("OPTBENCH_JOB", file.toString());
            TaggedOutput output = new TaggedOutput(job.trials().stream().map(TorchJob.Trial::id).toList(), listeners);
            ExternalRunner.Ended ended = ExternalRunner.runProcess("exec " + ClaimGate.shellQuote(python)
                    + " -m optbench_torch run", env, timeoutSeconds, output::accept, () -> output.malformed() != null, label);
            return new Outcome(output, ended);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the torch engine's job file: " + e.getMessage(), e);
        } finally {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary file left behind
            }
        }
    }

    /** The engine's package unpacked from optbench's jar (the directory holding optbench_torch/); null if the jar has none. */
    static Path enginePackage() {
        Map<String, byte[]> files = dev.optbench.platform.ResourceCache.list(TorchRunner.class, PACKAGE);
        return files.isEmpty() ? null : dev.optbench.platform.ResourceCache.unpack("optbench_torch", files);
    }

    private static TrainResult result(TaggedOutput.TrialOutput t, Outcome out, int attempt, double timeoutSeconds) {
        double s = out.ended().seconds();
        long steps = t.stepsRun();
        if (t.status == TaggedOutput.Status.COMPLETED) {
            return new TrainResult(RunStatus.COMPLETED, steps, t.measurements, s, s > 0 ? steps / s : 0);
        }
        if (t.status == TaggedOutput.Status.DIVERGED) {
            return new TrainResult(RunStatus.DIVERGED, steps, t.measurements, s, s > 0 ? steps / s : 0);
        }
        if (t.status == TaggedOutput.Status.FAILED) {
            return TrainResult.failed(t.message, steps, t.measurements, s);
        }
        String why;
        if (out.output().malformed() != null) {
            why = out.output().malformed();
        } else if (out.ended().timedOut()) { // not retried: the next claim would hang as long
            why = "timed out: the torch engine's process was killed after " + ExternalRunner.seconds(timeoutSeconds)
                    + " s (--trial-timeout) before this trial's end";
        } else if (out.ended().exit() != 0) {
            if (attempt < MAX_ATTEMPTS) {
                return null; // crashed before this trial's end: back to pending, as a crashed worker's trial
            }
            why = "the torch engine's process crashed (exit status " + out.ended().exit() + ") in each of " + attempt
                    + " attempts";
        } else {
            why = "the torch engine exited (status 0) without a final status for it";
        }
        return TrainResult.failed(why + out.ended().lastStderr(), steps, t.measurements, s);
    }
}
