package dev.optbench.optim;

import java.util.List;
import java.util.Map;

/**
 * An inclusion M ⊆ N that a plug-in rule N declares (SPEC sections 4 and 10), in the form of
 * {@link InclusionLimits}: given M's hyperparameters and schedule (and the limit value ε for a
 * limit route), the setting of N that reproduces M. {@code optbench inclusion} then verifies it
 * numerically like the built-in rows, and the analyses check it on studies.
 *
 * @param subset M: sgd, momentum or nesterov (whose hyperparameters the checks' problems fix);
 *     a rule that includes momentum includes sgd too, at γ = 0
 * @param route exact, or a limit ε → ∞ over {@link InclusionCheck#EPSILONS}
 * @param constantRateOnly whether the inclusion holds only for a constant learning rate
 * @param description N's setting in words, for the table
 */
public record DeclaredInclusion(String subset, InclusionLimits.Route route, boolean constantRateOnly, String description,
        Realization realization) {

    /** N's setting for M's hyperparameters and schedule; {@code limit} is NaN for an exact route. */
    @FunctionalInterface
    public interface Realization {
        InclusionLimits.Setting realize(Map<String, Double> subsetHparams, Schedule subsetSchedule, double limit);
    }

    /** A rule that declares inclusions implements this besides {@link UpdateRule}. */
    public interface Declaring {
        List<DeclaredInclusion> inclusions();
    }

    /** What {@code rule} declares; empty for a rule that declares nothing. */
    static List<DeclaredInclusion> of(UpdateRule rule) {
        return rule instanceof Declaring d ? d.inclusions() : List.of();
    }
}
