package dev.optbench.train;

import java.util.List;

/**
 * The outcome of one training run: how it ended, the steps actually run, every measurement of
 * the curve, and its speed. A diverged run reports error 1.0 (SPEC section 7). A failed run (a
 * trial of a batch that threw, see {@link BatchedTrainer}) carries what went wrong in words
 * ({@code failure}, null otherwise) and the curve up to the failure.
 */
public record TrainResult(
        RunStatus status,
        long stepsRun,
        List<Measurement> measurements,
        double seconds,
        double stepsPerSecond,
        String failure) {

    public TrainResult {
        measurements = List.copyOf(measurements);
        if ((status == RunStatus.FAILED) != (failure != null)) {
            throw new IllegalArgumentException("a failed run, and only a failed run, has a failure message: "
                    + status + ", " + failure);
        }
    }

    /** A run that completed or diverged. */
    public TrainResult(RunStatus status, long stepsRun, List<Measurement> measurements, double seconds,
            double stepsPerSecond) {
        this(status, stepsRun, measurements, seconds, stepsPerSecond, null);
    }

    /** A run that threw after {@code stepsRun} steps; {@code message} says why, in words. */
    public static TrainResult failed(String message, long stepsRun, List<Measurement> measurements, double seconds) {
        return new TrainResult(RunStatus.FAILED, stepsRun, measurements, seconds, 0, message);
    }

    /** Error of the last evaluation on {@code split}, or 1.0 if the run diverged, failed or never evaluated. */
    public double finalError(Split split) {
        if (status != RunStatus.COMPLETED) {
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
