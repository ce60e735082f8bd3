package dev.optbench.train;

import java.util.List;

/**
 * The outcome of one training run: how it ended, the steps actually run, every measurement of
 * the curve, and its speed. A diverged run reports error 1.0 (SPEC section 7).
 */
public record TrainResult(
        RunStatus status,
        long stepsRun,
        List<Measurement> measurements,
        double seconds,
        double stepsPerSecond) {

    public TrainResult {
        measurements = List.copyOf(measurements);
    }

    /** Error of the last evaluation on {@code split}, or 1.0 if the run diverged or never evaluated. */
    public double finalError(Split split) {
        if (status == RunStatus.DIVERGED) {
            return 1.0;
        }
        return last(split) == null ? 1.0 : last(split).error();
    }

    /** Loss of the last evaluation on {@code split}, NaN if none. */
    public double finalLoss(Split split) {
        Measurement m = last(split);
        return m == null ? Double.NaN : m.loss();
    }

    private Measurement last(Split split) {
        Measurement found = null;
        for (Measurement m : measurements) {
            if (m.split() == split) {
                found = m;
            }
        }
        return found;
    }
}
