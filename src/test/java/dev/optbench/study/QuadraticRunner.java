package dev.optbench.study;

import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real, deterministic work for store tests that must not wait for neural-network training:
 * gradient descent with the trial's learning rate on f(x) = ½ Σ c_i x_i² (c_i = i/n, x0 drawn
 * from the trial seed). Error = f(x)/f(x0). It counts every run per trial, so tests can check
 * exactly-once execution. A {@link #held} runner's trials each wait, once started, for a permit
 * the test gives with {@link #let}: tests hold trials running (overlapping, or to be stopped)
 * on that, never on time.
 */
final class QuadraticRunner implements TrialRunner {
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    /** A permit for each trial that has started (and, if held, now waits for {@link #let}). */
    final Semaphore started = new Semaphore(0);
    private final int steps;
    private final Semaphore gate; // null: trials run straight through

    QuadraticRunner(int steps) {
        this(steps, null);
    }

    private QuadraticRunner(int steps, Semaphore gate) {
        this.steps = steps;
        this.gate = gate;
    }

    /** A runner whose trials, once started, each wait for a permit from {@link #let}. */
    static QuadraticRunner held(int steps) {
        return new QuadraticRunner(steps, new Semaphore(0));
    }

    /** Lets that many held trials go on. */
    void let(int trials) {
        gate.release(trials);
    }

    static String key(String optimizer, int index) {
        return optimizer + "#" + index;
    }

    @Override
    public TrainResult run(Claim claim) {
        starts.computeIfAbsent(key(claim.optimizer(), claim.index()), k -> new AtomicInteger()).incrementAndGet();
        started.release();
        if (gate != null) {
            try {
                gate.acquire();
            } catch (InterruptedException e) {
                throw new CancellationException("interrupted while held");
            }
        }
        TrainResult r = descend(claim.hparams().get("learning_rate"), claim.seed(), steps);
        runs.computeIfAbsent(key(claim.optimizer(), claim.index()), k -> new AtomicInteger()).incrementAndGet();
        return r;
    }

    static TrainResult descend(double lr, long seed, int steps) {
        int n = 50;
        double[] x = new double[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        double f0 = f(x);
        List<Measurement> curve = new ArrayList<>();
        RunStatus status = RunStatus.COMPLETED;
        long t0 = System.nanoTime();
        int step = 0;
        while (step < steps) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("interrupted at step " + step);
            }
            for (int i = 0; i < n; i++) {
                x[i] -= lr * ((i + 1.0) / n) * x[i];
            }
            step++;
            double fx = f(x);
            if (!Double.isFinite(fx) || fx > 100 * f0) {
                status = RunStatus.DIVERGED;
                break;
            }
            if (step % 5 == 0 || step == steps) {
                curve.add(new Measurement(step, Split.TRAIN, fx, Double.NaN));
                curve.add(new Measurement(step, Split.VALIDATION, fx, fx / f0));
                curve.add(new Measurement(step, Split.TEST, fx, Math.min(1, 1.1 * fx / f0)));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new TrainResult(status, step, curve, seconds, step / Math.max(seconds, 1e-9));
    }

    private static double f(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += 0.5 * ((i + 1.0) / x.length) * x[i] * x[i];
        }
        return s;
    }

    @Override
    public String workloadDefinition(String workload) {
        return "quadratic(n=50, c_i=i/n) for " + workload;
    }

    @Override
    public double targetError(String workload) {
        return 0.5;
    }
}
