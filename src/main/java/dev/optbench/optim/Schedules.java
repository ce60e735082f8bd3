package dev.optbench.optim;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The learning-rate schedules of SPEC section 3.
 * <ul>
 *   <li>{@code constant}: η_t = η0.
 *   <li>{@code linear_decay} [decay_steps_factor ∈ (0,1], default 1; decay_factor ∈ (0,1],
 *       default 0.01]: with T = decay_steps_factor · total_steps and f = decay_factor,
 *       η_t = η0 · (f + (1 − f) · (1 − min(t, T)/T)); after T steps the rate stays at f·η0.
 *   <li>{@code warmup_cosine} [warmup_factor ∈ [0,1), default 0] (AlgoPerf's baselines): with
 *       W = ⌊warmup_factor · total⌋, η_t = η0 · (t+1)/W for t &lt; W, else
 *       η_t = η0 · ½ (1 + cos(π (t − W) / (total − W))).
 *   <li>{@code warmup_linear_decay} [warmup_factor ∈ [0,1), decay_steps_factor ∈ (0,1],
 *       end_factor ∈ [0,1]] (AlgoPerf's momentum / Nesterov): W as above, D = ⌊decay_steps_factor
 *       · total⌋; η_t = η0 · (t+1)/W for t &lt; W; η0 · (1 − (1 − end_factor)(t − W)/(D − W))
 *       for W ≤ t &lt; D; end_factor · η0 from D on.
 * </ul>
 * {@link #kindFor} picks the schedule from the names a trial carries.
 */
public final class Schedules {
    private Schedules() {}

    /** Names of the schedule hyperparameters (they travel in the same map as the optimizer's). */
    public static final Set<String> SCHEDULE_HPARAMS = Set.of("decay_steps_factor", "decay_factor",
            "warmup_factor", "end_factor");

    public static final double DEFAULT_DECAY_STEPS_FACTOR = 1.0;
    public static final double DEFAULT_DECAY_FACTOR = 0.01;
    public static final double DEFAULT_WARMUP_FACTOR = 0.0;
    public static final double DEFAULT_END_FACTOR = 0.01;

    /** constant, linear_decay, warmup_cosine, warmup_linear_decay. */
    public static List<String> names() {
        return List.of("constant", "linear_decay", "warmup_cosine", "warmup_linear_decay");
    }

    /**
     * The schedule a trial's hyperparameter names select (SPEC section 3): none → constant;
     * end_factor → warmup_linear_decay; else warmup_factor → warmup_cosine; else linear_decay.
     */
    public static String kindFor(Set<String> scheduleHparams) {
        if (scheduleHparams.isEmpty()) {
            return "constant";
        }
        if (scheduleHparams.contains("end_factor")) {
            return "warmup_linear_decay";
        }
        return scheduleHparams.contains("warmup_factor") ? "warmup_cosine" : "linear_decay";
    }

    /** Which hyperparameters each schedule takes. */
    public static List<String> parameters(String kind) {
        return switch (kind) {
            case "linear_decay" -> List.of("decay_steps_factor", "decay_factor");
            case "warmup_cosine" -> List.of("warmup_factor");
            case "warmup_linear_decay" -> List.of("warmup_factor", "decay_steps_factor", "end_factor");
            default -> List.of();
        };
    }

    /** η_t = η0. */
    public record Constant(double initialRate) implements Schedule {
        @Override
        public double rate(long t) {
            return initialRate;
        }
    }

    /** η_t = η0 · (f + (1 − f) · (1 − min(t, T)/T)) with T = decaySteps, f = decayFactor. */
    public record LinearDecay(double initialRate, double decaySteps, double decayFactor)
            implements Schedule {
        @Override
        public double rate(long t) {
            double f = decayFactor;
            return initialRate * (f + (1 - f) * (1 - Math.min(t, decaySteps) / decaySteps));
        }
    }

    /** Linear warmup over W steps, then a cosine from η0 to 0 over the remaining total − W steps. */
    public record WarmupCosine(double initialRate, long warmupSteps, long totalSteps) implements Schedule {
        @Override
        public double rate(long t) {
            if (t < warmupSteps) {
                return initialRate * (t + 1) / warmupSteps;
            }
            return initialRate * 0.5 * (1 + Math.cos(Math.PI * (t - warmupSteps) / (totalSteps - warmupSteps)));
        }
    }

    /** Linear warmup over W steps, linear decay to end_factor · η0 at step D, then constant. */
    public record WarmupLinearDecay(double initialRate, long warmupSteps, long decaySteps, double endFactor)
            implements Schedule {
        @Override
        public double rate(long t) {
            if (t < warmupSteps) {
                return initialRate * (t + 1) / warmupSteps;
            }
            if (t < decaySteps) {
                return initialRate * (1 - (1 - endFactor) * (t - warmupSteps) / (decaySteps - warmupSteps));
            }
            return endFactor * initialRate;
        }
    }

    /**
     * Builds schedule {@code kind} for a run of {@code totalSteps} steps. {@code hparams} may hold
     * only schedule hyperparameters ({@link #SCHEDULE_HPARAMS}); linear_decay fills missing ones
     * with the defaults, constant takes none.
     */
    public static Schedule create(String kind, double initialRate, Map<String, Double> hparams,
            long totalSteps) {
        if (!(initialRate > 0) || !Double.isFinite(initialRate)) {
            throw new InputException("learning_rate = " + Optimizers.format(initialRate)
                    + " is out of range: need learning_rate > 0");
        }
        for (String key : hparams.keySet()) {
            if (!SCHEDULE_HPARAMS.contains(key)) {
                throw new InputException("unknown schedule hyperparameter '" + Messages.quote(key)
                        + "': schedules take decay_steps_factor, decay_factor, warmup_factor, end_factor");
            }
        }
        if (names().contains(kind)) {
            List<String> takes = parameters(kind);
            for (String key : hparams.keySet()) {
                if (!takes.contains(key)) {
                    throw new InputException(key + " does not apply to schedule " + kind + " (it takes "
                            + (takes.isEmpty() ? "no parameters" : String.join(", ", takes)) + ")");
                }
            }
        }
        switch (kind) {
            case "constant":
                return new Constant(initialRate);
            case "linear_decay":
                if (totalSteps < 1) {
                    throw new InputException("linear_decay needs total steps >= 1, got " + totalSteps);
                }
                double stepsFactor = unitInterval(hparams, "decay_steps_factor",
                        DEFAULT_DECAY_STEPS_FACTOR, kind);
                double factor = unitInterval(hparams, "decay_factor", DEFAULT_DECAY_FACTOR, kind);
                return new LinearDecay(initialRate, stepsFactor * totalSteps, factor);
            case "warmup_cosine": {
                requireSteps(kind, totalSteps);
                long w = warmupSteps(hparams, totalSteps);
                return new WarmupCosine(initialRate, w, totalSteps);
            }
            case "warmup_linear_decay": {
                requireSteps(kind, totalSteps);
                long w = warmupSteps(hparams, totalSteps);
                double decayFraction = unitInterval(hparams, "decay_steps_factor", DEFAULT_DECAY_STEPS_FACTOR,
                        kind);
                double end = hparams.getOrDefault("end_factor", DEFAULT_END_FACTOR);
                if (!(end >= 0 && end <= 1)) {
                    throw new InputException("end_factor = " + Optimizers.format(end)
                            + " is out of range for warmup_linear_decay: need 0 ≤ end_factor ≤ 1");
                }
                long d = (long) Math.floor(decayFraction * totalSteps);
                if (d <= w) {
                    throw new InputException("warmup_linear_decay needs decay_steps_factor > warmup_factor (D = " + d
                            + " steps, W = " + w + " steps of " + totalSteps + ")");
                }
                return new WarmupLinearDecay(initialRate, w, d, end);
            }
            default:
                throw new InputException("unknown schedule '" + Messages.quote(kind) + "': choose one of "
                        + String.join(", ", names()));
        }
    }

    private static void requireSteps(String kind, long totalSteps) {
        if (totalSteps < 1) {
            throw new InputException(kind + " needs total steps >= 1, got " + totalSteps);
        }
    }

    /** W = ⌊warmup_factor · total⌋, warmup_factor ∈ [0, 1). */
    private static long warmupSteps(Map<String, Double> hparams, long totalSteps) {
        double f = hparams.getOrDefault("warmup_factor", DEFAULT_WARMUP_FACTOR);
        if (!(f >= 0 && f < 1)) {
            throw new InputException("warmup_factor = " + Optimizers.format(f)
                    + " is out of range: need 0 ≤ warmup_factor < 1");
        }
        return (long) Math.floor(f * totalSteps);
    }

    private static double unitInterval(Map<String, Double> hparams, String key, double dflt, String kind) {
        double v = hparams.getOrDefault(key, dflt);
        if (!(v > 0 && v <= 1)) {
            throw new InputException(key + " = " + Optimizers.format(v)
                    + " is out of range for " + kind + ": need 0 < " + key + " ≤ 1");
        }
        return v;
    }
}
