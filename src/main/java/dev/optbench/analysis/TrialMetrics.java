package dev.optbench.analysis;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;

/**
 * The per-trial numbers the analysis ranks by. A diverged trial counts with error 1.0 (SPEC
 * section 7), infinite training loss and "target not reached".
 */
final class TrialMetrics {
    private TrialMetrics() {}

    /** Completed or diverged, and (if completed) with both final errors stored. */
    static boolean usable(Trial t) {
        if (t.state() == TrialState.DIVERGED) {
            return true;
        }
        return t.state() == TrialState.COMPLETED && t.validationError() != null && t.testError() != null
                && !t.validationError().isNaN() && !t.testError().isNaN();
    }

    static double validation(Trial t) {
        return t.state() == TrialState.DIVERGED ? 1.0 : t.validationError();
    }

    static double test(Trial t) {
        return t.state() == TrialState.DIVERGED ? 1.0 : t.testError();
    }

    /**
     * Steps to {@code target}: from the curve when the target is known and the curve has
     * validation evaluations, else the stored value; null stored value = not reached (+∞).
     */
    static double steps(Trial t, Double target) {
        if (t.state() == TrialState.DIVERGED) {
            return Double.POSITIVE_INFINITY;
        }
        if (target != null && Curves.has(t.curve(), Split.VALIDATION)) {
            return Curves.firstStepAtOrBelow(t.curve(), Split.VALIDATION, target);
        }
        Double stored = t.stepsToTarget();
        return stored == null || stored.isNaN() ? Double.POSITIVE_INFINITY : stored;
    }

    /** Final train_eval loss; +∞ for a diverged trial; NaN when the curve has none. */
    static double trainingLoss(Trial t) {
        if (t.state() == TrialState.DIVERGED) {
            return Double.POSITIVE_INFINITY;
        }
        Measurement m = Curves.last(t.curve(), Split.TRAIN_EVAL);
        return m == null || Double.isNaN(m.loss()) ? Double.NaN : m.loss();
    }

    /**
     * Validation and test error as they stood at {@code cutoff} steps: the last evaluation at
     * or before it; 1.0 if none yet, or if the trial had diverged by then.
     */
    static double[] errorsAt(Trial t, double cutoff) {
        long end = Curves.lastStep(t.curve());
        if (t.state() == TrialState.DIVERGED && end < cutoff) {
            return new double[] {1.0, 1.0};
        }
        Measurement v = Curves.lastAtOrBefore(t.curve(), Split.VALIDATION, cutoff);
        Measurement x = Curves.lastAtOrBefore(t.curve(), Split.TEST, cutoff);
        return new double[] {v == null ? 1.0 : v.error(), x == null ? 1.0 : x.error()};
    }
}
