package dev.optbench.optim;

import dev.optbench.InputException;
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
 * </ul>
 */
public final class Schedules {
    private Schedules() {}

    /** Names of the schedule hyperparameters (they travel in the same map as the optimizer's). */
    public static final Set<String> SCHEDULE_HPARAMS = Set.of("decay_steps_factor", "decay_factor");

    public static final double DEFAULT_DECAY_STEPS_FACTOR = 1.0;
    public static final double DEFAULT_DECAY_FACTOR = 0.01;

    /** constant, linear_decay. */
    public static List<String> names() {
        return List.of("constant", "linear_decay");
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
                throw new InputException("unknown schedule hyperparameter '" + key
                        + "': schedules take decay_steps_factor, decay_factor");
            }
        }
        switch (kind) {
            case "constant":
                if (!hparams.isEmpty()) {
                    throw new InputException(String.join(", ", hparams.keySet())
                            + " applies only to --schedule linear_decay, not constant");
                }
                return new Constant(initialRate);
            case "linear_decay":
                if (totalSteps < 1) {
                    throw new InputException("linear_decay needs total steps >= 1, got " + totalSteps);
                }
                double stepsFactor = unitInterval(hparams, "decay_steps_factor",
                        DEFAULT_DECAY_STEPS_FACTOR);
                double factor = unitInterval(hparams, "decay_factor", DEFAULT_DECAY_FACTOR);
                return new LinearDecay(initialRate, stepsFactor * totalSteps, factor);
            default:
                throw new InputException("unknown schedule '" + kind + "': choose one of "
                        + String.join(", ", names()));
        }
    }

    private static double unitInterval(Map<String, Double> hparams, String key, double dflt) {
        double v = hparams.getOrDefault(key, dflt);
        if (!(v > 0 && v <= 1)) {
            throw new InputException(key + " = " + Optimizers.format(v)
                    + " is out of range for linear_decay: need 0 < " + key + " ≤ 1");
        }
        return v;
    }
}
