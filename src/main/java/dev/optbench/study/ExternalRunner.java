package dev.optbench.study;

import dev.optbench.train.RunStatus;
import dev.optbench.train.TrainResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one trial of an external study as a process (SPEC section 10): {@code /bin/sh -c COMMAND}
 * with {@code OPTBENCH_HPARAMS} (JSON object of the resolved hyperparameters), {@code OPTBENCH_SEED},
 * {@code OPTBENCH_STEPS}, {@code OPTBENCH_TRIAL} (study/optimizer#index) and, for convenience,
 * {@code OPTBENCH_OPTIMIZER} set, in an environment that holds nothing else of the worker's but
 * {@link #BASE_ENV}, the locale and what the operator passes ({@code --pass-env}); its standard
 * output is read by {@link ExternalOutput}.
 * Exit 0 with a validation_error → completed; a non-finite loss or {"status": "diverged"} →
 * diverged; a non-zero exit, a time-out, a malformed line or no validation_error at all →
 * {@link ExternalTrialException} (the worker stores it as failed) with the last lines of standard error.
 *
 * <p>The command runs in a session of its own ({@code setsid}) under a small shell wrapper. The
 * process group is killed when the trial ends, is cancelled (Ctrl-C, a lost lease) or times out.
 * If the worker itself dies (even by SIGKILL), the wrapper sees its standard input, a pipe from
 * the worker that is never written, reach end of file, and kills the group: no trial outlives
 * its worker.
 */
public final class ExternalRunner {
    /** Lines of standard error kept for a failed trial's message. */
    static final int STDERR_LINES = 12;

    /**
     * $1 is the command. The watchdog reads fd 3, a copy of the worker's pipe (an asynchronous
     * list's own stdin would be /dev/null); EOF there means the worker is gone.
     */
    static final String WRAPPER = """
            exec 3<&0
            /bin/sh -c "$1" </dev/null 3<&- &
            child=$!
            { while read -r _ <&3; do :; done; kill -KILL 0; } &
            watch=$!
            wait "$child"
            rc=$?
            kill "$watch" 2>/dev/null
            exit "$rc"
            """;

    private static final boolean SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"));

    /**
     * The variables of the worker's environment every trial gets (when set): the command's search
     * path, the home directory and the locale. Anything else only if the operator names it
     * ({@code --pass-env}); never the store URL, which holds the database password.
     */
    public static final java.util.List<String> BASE_ENV = java.util.List.of("PATH", "HOME", "LANG", "LANGUAGE");

    private final ExternalCommand command;
    private final java.util.Set<String> passEnv;

    /** A runner that passes the trial only the base variables and its own (no --pass-env). */
    public ExternalRunner(ExternalCommand command) {
        this(command, java.util.Set.of());
    }

    /** {@code passEnv}: names of more variables of this process's environment to pass on (when set). */
    public ExternalRunner(ExternalCommand command, java.util.Set<String> passEnv) {
        this.command = command;
        this.passEnv = java.util.Set.copyOf(passEnv);
    }

    /**
     * The trial's whole environment: from {@code parent} (the worker's), {@link #BASE_ENV}, every
     * {@code LC_*} and the {@code passEnv} names that are set; then the trial's own OPTBENCH_ variables.
     */
    static Map<String, String> environment(Map<String, String> parent, java.util.Set<String> passEnv, Claim claim,
            ExternalCommand command) {
        Map<String, String> env = baseEnvironment(parent, passEnv);
        env.put("OPTBENCH_HPARAMS", Json.write(new TreeMap<>(claim.hparams())));
        env.put("OPTBENCH_SEED", Long.toString(claim.seed()));
        env.put("OPTBENCH_STEPS", Long.toString(command.steps()));
        env.put("OPTBENCH_TRIAL", claim.label());
        env.put("OPTBENCH_OPTIMIZER", claim.optimizer());
        return env;
    }

    /** What every trial process gets of {@code parent}: {@link #BASE_ENV}, every {@code LC_*} and the {@code passEnv} names set. */
    static Map<String, String> baseEnvironment(Map<String, String> parent, java.util.Set<String> passEnv) {
        Map<String, String> env = new TreeMap<>();
        parent.forEach((name, value) -> {
            if (BASE_ENV.contains(name) || name.startsWith("LC_") || passEnv.contains(name)) {
                env.put(name, value);
            }
        });
        return env;
    }

    /** Runs the claim's trial; throws CancellationException when the calling thread is interrupted. */
    public TrainResult run(Claim claim) {
        return run(claim, dev.optbench.train.TrainListener.NONE);
    }

    /** As {@link #run(Claim)}, telling {@code listener} each measurement as its line is read. */
    public TrainResult run(Claim claim, dev.optbench.train.TrainListener listener) {
        ExternalOutput output = new ExternalOutput(listener);
        Ended ended = runProcess(command.command(), environment(System.getenv(), passEnv, claim, command),
                command.timeoutSeconds(), output::accept, () -> output.diverged() || output.malformed() != null,
                claim.label());
        String lastErr = ended.lastStderr();
        if (output.malformed() != null) {
            throw new ExternalTrialException(output.malformed() + lastErr);
        }
        if (output.diverged()) {
            return result(RunStatus.DIVERGED, output, ended.seconds());
        }
        if (ended.timedOut()) {
            throw new ExternalTrialException("timed out after " + seconds(command.timeoutSeconds())
                    + " s (--trial-timeout); its process was killed" + lastErr);
        }
        if (ended.exit() != 0) {
            throw new ExternalTrialException("exit status " + ended.exit() + lastErr);
        }
        if (!output.reportedValidationError()) { // a trial without its result is not a result of 1.0
            throw new ExternalTrialException("reported no validation_error (exit status 0; print a line such as"
                    + " {\"step\": N, \"validation_error\": x})" + lastErr);
        }
        return result(RunStatus.COMPLETED, output, ended.seconds());
    }

    /**
     * How a trial process ended: its exit status (meaningless when {@code timedOut} or stopped
     * early), the last lines of its standard error as "; last stderr: ..." (empty if none), seconds run.
     */
    record Ended(int exit, boolean timedOut, String lastStderr, double seconds) {}

    /**
     * Runs {@code command} through /bin/sh under the setsid wrapper with exactly {@code env}, feeding
     * each line of its standard output to {@code stdout}, until it exits, {@code decided} says the
     * outcome is known, or {@code timeoutSeconds} (0: none) pass; then kills its whole group. Throws
     * CancellationException (the group killed) when the calling thread is interrupted.
     */
    static Ended runProcess(String command, Map<String, String> env, double timeoutSeconds, LineSink stdout,
            java.util.function.BooleanSupplier decided, String label) {
        List<String> argv = new ArrayList<>();
        if (SETSID) {
            argv.add("/usr/bin/setsid");
        }
        argv.addAll(List.of("/bin/sh", "-c", WRAPPER, "optbench-trial", command));
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> penv = pb.environment();
        penv.clear(); // the worker's environment holds secrets (OPTBENCH_STORE): start from nothing
        penv.putAll(env);
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ExternalTrialException("cannot start /bin/sh for the trial command: " + e.getMessage());
        }
        OutputStream keepOpen = p.getOutputStream(); // closes only when this trial ends or this JVM dies
        Deque<String> stderr = new ArrayDeque<>();
        Thread out = reader(p.getInputStream(), stdout, label + "-stdout");
        Thread err = reader(p.getErrorStream(), line -> {
            synchronized (stderr) {
                stderr.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
                if (stderr.size() > STDERR_LINES) {
                    stderr.removeFirst();
                }
            }
            return true;
        }, label + "-stderr");
        long deadline = timeoutSeconds == 0 ? Long.MAX_VALUE : start + (long) (timeoutSeconds * 1e9);
        boolean timedOut = false;
        boolean cancelled = false;
        try {
            while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
                if (decided.getAsBoolean()) {
                    break; // the outcome is known: stop the run
                }
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    break;
                }
            }
        } catch (InterruptedException e) {
            cancelled = true;
        } finally {
            killTree(p); // not p's streams yet: what the trial wrote is still to be read
            closeQuietly(keepOpen);
        }
        if (cancelled) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CancellationException("trial " + label + " cancelled; its process was killed");
        }
        join(out);
        join(err);
        p.destroyForcibly(); // closes its streams: only now that they were read to the end
        double seconds = (System.nanoTime() - start) / 1e9;
        String lastErr;
        synchronized (stderr) {
            lastErr = stderr.isEmpty() ? "" : "; last stderr: " + String.join(" | ", stderr);
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("trial " + label + " cancelled; its process was killed");
        }
        return new Ended(exit, timedOut, lastErr, seconds);
    }

    private static TrainResult result(RunStatus status, ExternalOutput output, double seconds) {
        long steps = output.stepsRun();
        return new TrainResult(status, steps, output.measurements(), seconds, seconds > 0 ? steps / seconds : 0);
    }

    interface LineSink {
        boolean accept(String line);
    }

    private static Thread reader(InputStream in, LineSink sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line); // keeps reading after the outcome is known, so the child never blocks on a full pipe
                }
            } catch (IOException | UncheckedIOException e) {
                // the process was killed and its pipe closed
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Kills the trial's whole process group and everything in it, then closes its streams. */
    static void kill(Process p) {
        killTree(p);
        p.destroyForcibly();
    }

    /**
     * Kills the trial's whole process group (its session, under setsid), then whatever descends
     * from it, leaving {@code p}'s streams open (Process.destroy closes them, losing unread output).
     */
    private static void killTree(Process p) {
        if (SETSID) {
            try {
                new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no kill(1): fall back to the process tree below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.toHandle().destroyForcibly();
    }

    private static void join(Thread t) {
        try {
            t.join(5000); // a grandchild that escaped the group may hold the pipe: do not wait for it forever
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException e) {
            // the wrapper is gone already
        }
    }

    /** Seconds for messages: whole seconds without a fraction. */
    static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
