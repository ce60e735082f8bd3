package dev.optbench.analysis;

import dev.optbench.study.StudyDefinition;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic studies with curves, for the analysis benchmark and the report demo: each optimizer
 * has a best error and a best learning rate; a trial's final validation error grows with the
 * squared log-distance of its learning rate from the best one; curves decay exponentially to
 * the final errors; very large learning rates diverge. Deterministic in the seed.
 */
public final class SyntheticStudies {
    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
    public static final long STEPS = 2000;
    public static final int EVALUATIONS = 20;
    public static final double TARGET = 0.14;

    private SyntheticStudies() {}

    public static StudyData study(String name, String workload, String protocol, List<String> optimizers,
            int trialsPerOptimizer, long seed) {
        Map<String, String> spaces = new LinkedHashMap<>();
        for (String o : optimizers) {
            spaces.put(o, "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"},"
                    + " \"one_minus_momentum\": {\"min\": 0.01, \"max\": 0.5, \"scaling\": \"log\"},"
                    + " \"decay_factor\": {\"feasible_points\": [0.01, 0.1]}}");
        }
        StudyDefinition def = new StudyDefinition(name, workload, protocol, optimizers, trialsPerOptimizer, seed,
                "random", spaces, Instant.EPOCH);
        SplittableRandom random = new SplittableRandom(seed);
        List<Trial> trials = new ArrayList<>();
        for (int o = 0; o < optimizers.size(); o++) {
            double floor = 0.10 + 0.01 * ((optimizers.size() - o) % 4) + (protocol.contains("lr") ? 0.01 * o : 0);
            double bestLogLr = -3 + 0.3 * o;
            for (int i = 0; i < trialsPerOptimizer; i++) {
                double logLr = -4 + 4 * random.nextDouble();
                double oneMinusMomentum = Math.exp(Math.log(0.01) + Math.log(50) * random.nextDouble());
                double val = Math.min(0.9, floor + 0.04 * Math.pow(logLr - bestLogLr, 2) + 0.01 * random.nextDouble());
                double test = Math.min(0.9, val + 0.01 * (random.nextDouble() - 0.3));
                boolean diverged = logLr > -0.4 && random.nextDouble() < 0.7;
                double tau = STEPS / (3.0 + 4 * random.nextDouble());
                trials.add(trial(name, optimizers.get(o), i, Map.of("learning_rate", Math.pow(10, logLr),
                        "one_minus_momentum", oneMinusMomentum), val, test, tau, diverged, seed));
            }
        }
        return new StudyData(def, trials, TARGET);
    }

    private static Trial trial(String study, String optimizer, int index, Map<String, Double> point, double val,
            double test, double tau, boolean diverged, long seed) {
        List<Measurement> curve = new ArrayList<>();
        long end = diverged ? STEPS / 4 : STEPS;
        for (int e = 0; e <= EVALUATIONS; e++) {
            long step = e * STEPS / EVALUATIONS;
            if (step > end) {
                break;
            }
            double decay = Math.exp(-step / tau);
            double loss = 0.1 + 2.2 * decay + 3 * (val - 0.1);
            curve.add(new Measurement(step, Split.TRAIN_EVAL, loss, val - 0.02 + (0.88 - val) * decay));
            curve.add(new Measurement(step, Split.VALIDATION, loss + 0.05, val + (0.9 - val) * decay));
            curve.add(new Measurement(step, Split.TEST, loss + 0.06, test + (0.9 - test) * decay));
        }
        Map<String, Double> hparams = new LinkedHashMap<>(point);
        hparams.put("momentum", 1 - point.get("one_minus_momentum"));
        return new Trial(study, optimizer, index, diverged ? TrialState.DIVERGED : TrialState.COMPLETED, point,
                hparams, seed + index, "synthetic", Instant.EPOCH, Instant.EPOCH, end, 0.0,
                diverged ? 1.0 : val, diverged ? 1.0 : test, null, Map.of("source", "synthetic"),
                diverged ? "loss became NaN" : null, curve);
    }
}
