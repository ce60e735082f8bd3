package dev.optbench.train;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Optimizers;
import dev.optbench.optim.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's hyperparameters sorted by who uses them: the optimizer's own, the schedule's, and
 * the regularizers the trainer applies itself.
 *
 * @param l2 coupled L2: l2/2 · ‖θ‖² is added to the training loss
 * @param labelSmoothing s: targets (1−s)·onehot + s/K
 * @param dropoutRate dropout probability of the workload's dropout layers (none when 0)
 */
public record TrainConfig(String optimizer, Map<String, Double> optimizerHparams, double learningRate,
        String scheduleKind, Map<String, Double> scheduleHparams, double l2,
        double labelSmoothing, double dropoutRate) {

    public static final Set<String> TRAINER_HPARAMS = Set.of("l2", "label_smoothing", "dropout_rate");

    public TrainConfig {
        optimizerHparams = Map.copyOf(optimizerHparams);
        scheduleHparams = Map.copyOf(scheduleHparams);
    }

    /**
     * Splits and checks {@code hparams}; unknown names and out-of-range values are InputExceptions.
     * An alias (adamw, nadamw) becomes the rule it names, looked up in {@code optimizers}.
     */
    public static TrainConfig of(OptimizerRegistry optimizers, String name, Map<String, Double> hparams) {
        String optimizer = OptimizerAliases.rule(name);
        Set<String> own = new java.util.LinkedHashSet<>(optimizers.hyperparameterNames(optimizer));
        Map<String, Double> opt = new LinkedHashMap<>();
        Map<String, Double> sched = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : hparams.entrySet()) {
            String k = e.getKey();
            double v = e.getValue();
            if (!Double.isFinite(v)) {
                throw new InputException("hyperparameter " + k + " = " + v + " is not a finite number");
            }
            if (own.contains(k)) {
                opt.put(k, v);
            } else if (Schedules.SCHEDULE_HPARAMS.contains(k)) {
                sched.put(k, v);
            } else if (!TRAINER_HPARAMS.contains(k)) {
                Set<String> accepted = new TreeSet<>(own);
                accepted.addAll(Schedules.SCHEDULE_HPARAMS);
                accepted.addAll(TRAINER_HPARAMS);
                throw new InputException("unknown hyperparameter '" + Messages.quote(k) + "' for " + optimizer
                        + ": accepted are " + String.join(", ", accepted));
            }
        }
        if (!opt.containsKey("learning_rate")) {
            throw new InputException("learning_rate is required: pass --hparams learning_rate=...");
        }
        double l2 = nonNegative(hparams, "l2");
        double smoothing = belowOne(hparams, "label_smoothing");
        double dropout = belowOne(hparams, "dropout_rate");
        String kind = Schedules.kindFor(sched.keySet());
        return new TrainConfig(optimizer, opt, opt.get("learning_rate"), kind, sched, l2, smoothing, dropout);
    }

    /**
     * Decoupled weight decay λ; the optimizer applies it (θ ← θ − η_t·λ·θ_old − step, SPEC section 2).
     */
    public double weightDecay() {
        return optimizerHparams.getOrDefault(Optimizers.WEIGHT_DECAY, 0.0);
    }

    private static double nonNegative(Map<String, Double> h, String k) {
        double v = h.getOrDefault(k, 0.0);
        if (v < 0) {
            throw new InputException(k + " = " + v + " is out of range: need " + k + " ≥ 0");
        }
        return v;
    }

    private static double belowOne(Map<String, Double> h, String k) {
        double v = h.getOrDefault(k, 0.0);
        if (v < 0 || v >= 1) {
            throw new InputException(k + " = " + v + " is out of range: need 0 ≤ " + k + " < 1");
        }
        return v;
    }
}
