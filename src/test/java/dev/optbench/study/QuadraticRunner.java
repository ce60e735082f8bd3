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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real, deterministic work for store tests that must not wait for neural-network training:
 * gradient descent with the trial's learning rate on f(x) = ½ Σ c_i x_i² (c_i = i/n, x0 drawn
 * from the trial seed), pausing {@code pauseMillis} per step so trials overlap in time.
 * Error = f(x)/f(x0). It counts every run per trial, so tests can check exactly-once execution.
 */
final class QuadraticRunner implements TrialRunner {
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
    private final int steps;
    private final long pauseMillis;

    QuadraticRunner(int steps, long pauseMillis) {
        this.steps = steps;
        this.pauseMillis = pauseMillis;
    }

    static String key(String optimizer, int index) {
        return optimizer + "#" + index;
    }

    @Override
    public TrainResult run(Claim claim) {
        starts.computeIfAbsent(key(claim.optimizer(), claim.index()), k -> new AtomicInteger()).incrementAndGet();
        TrainResult r = descend(claim.hparams().get("learning_rate"), claim.seed(), steps, pauseMillis);
        runs.computeIfAbsent(key(claim.optimizer(), claim.index()), k -> new AtomicInteger()).incrementAndGet();
        return r;
    }

    static TrainResult descend(double lr, long seed, int steps, long pauseMillis) {
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
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    throw new CancellationException("interrupted at step " + step);
                }
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
