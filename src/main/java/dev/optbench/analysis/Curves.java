package dev.optbench.analysis;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.List;

/** Look-ups in a trial's stored curve (measurements in step order). */
final class Curves {
    private Curves() {}

    /** First evaluated step with error ≤ target on {@code split}; +∞ if never. */
    static double firstStepAtOrBelow(List<Measurement> curve, Split split, double target) {
        for (Measurement m : curve) {
            if (m.split() == split && m.error() <= target) {
                return m.step();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The last measurement on {@code split} taken at or before {@code cutoff}; null if none. */
    static Measurement lastAtOrBefore(List<Measurement> curve, Split split, double cutoff) {
        Measurement found = null;
        for (Measurement m : curve) {
            if (m.split() == split && m.step() <= cutoff && (found == null || m.step() >= found.step())) {
                found = m;
            }
        }
        return found;
    }

    static Measurement last(List<Measurement> curve, Split split) {
        return lastAtOrBefore(curve, split, Double.POSITIVE_INFINITY);
    }

    static boolean has(List<Measurement> curve, Split split) {
        for (Measurement m : curve) {
            if (m.split() == split) {
                return true;
            }
        }
        return false;
    }

    /** Largest step of any evaluation; 0 for an empty curve. */
    static long lastStep(List<Measurement> curve) {
        long max = 0;
        for (Measurement m : curve) {
            max = Math.max(max, m.step());
        }
        return max;
    }
}
