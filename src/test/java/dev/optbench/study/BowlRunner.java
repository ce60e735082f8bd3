package dev.optbench.study;

import dev.optbench.train.Measurement;
import dev.optbench.train.RunStatus;
import dev.optbench.train.Split;
import dev.optbench.train.TrainResult;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic objective with a known optimum, for the fitted protocol and seed repeats: final
 * validation error 0.1 + 0.02 · Σ_h (log10 x_h − log10 x*_h)² + noise, with x the trial's
 * learning rate and 1 − momentum, x* = {@link #OPTIMUM}, noise uniform in [0, {@code noise})
 * drawn from the trial seed (so seeds of one point differ); test error = validation + 0.005.
 * Error is capped at 1; above 1 it counts as diverged.
 */
final class BowlRunner implements TrialRunner {
    static final Map<String, Double> OPTIMUM = Map.of("learning_rate", 1e-2, "one_minus_momentum", 3e-2);
    private final double noise;

    BowlRunner(double noise) {
        this.noise = noise;
    }

    static double error(Map<String, Double> hparams) {
        double lr = hparams.get("learning_rate");
        double om = 1 - hparams.getOrDefault("momentum", 1 - OPTIMUM.get("one_minus_momentum"));
        double d1 = Math.log10(lr) - Math.log10(OPTIMUM.get("learning_rate"));
        double d2 = Math.log10(om) - Math.log10(OPTIMUM.get("one_minus_momentum"));
        return 0.1 + 0.02 * (d1 * d1 + d2 * d2);
    }

    @Override
    public TrainResult run(Claim claim) {
        double val = error(claim.hparams()) + noise * new SplittableRandom(claim.seed()).nextDouble();
        if (val >= 1) {
            return new TrainResult(RunStatus.DIVERGED, 5, List.of(new Measurement(5, Split.VALIDATION, 9, 1.0)), 0.01, 500);
        }
        List<Measurement> curve = List.of(
                new Measurement(5, Split.VALIDATION, 2 * val, Math.min(1, 2 * val)),
                new Measurement(5, Split.TEST, 2 * val, Math.min(1, 2 * val + 0.005)),
                new Measurement(10, Split.VALIDATION, val, val),
                new Measurement(10, Split.TEST, val, val + 0.005));
        return new TrainResult(RunStatus.COMPLETED, 10, curve, 0.01, 1000);
    }

    @Override
    public String workloadDefinition(String workload) {
        return "bowl(optimum " + OPTIMUM + ")";
    }

    @Override
    public double targetError(String workload) {
        return 0.15;
    }
}
