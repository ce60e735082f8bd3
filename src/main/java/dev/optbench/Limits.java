package dev.optbench;

/**
 * The bounds on what a user may ask for: far above anything a study needs, low enough that a
 * typo (an extra digit, 2147483647) ends in a one-line error instead of a hang or an
 * OutOfMemoryError. docs/limits.md lists them.
 */
public final class Limits {
    /** Training steps of one trial (train, study create --command, bench): 10^8. */
    public static final long MAX_STEPS = 100_000_000L;
    /** Steps of one trace path, every point of which is kept and printed: 10^7. */
    public static final long MAX_TRACE_STEPS = 10_000_000L;
    /** Hyperparameter points per optimizer in one study: 10^5. */
    public static final int MAX_TRIALS_PER_OPTIMIZER = 100_000;
    /** Seeds per point: 10^3. */
    public static final int MAX_SEEDS = 1_000;
    /** Trials of one study, all optimizers, points and seeds together: 10^6. */
    public static final long MAX_STUDY_TRIALS = 1_000_000L;
    /** Workers of one study run (threads with a store connection each) and trials per batch: 1024. */
    public static final int MAX_WORKERS = 1024;
    /** Characters of one imported CSV cell: 64 Ki. */
    public static final int MAX_CSV_CELL = 65_536;
    /** Characters of one imported CSV record (line): 1 Mi. */
    public static final int MAX_CSV_LINE = 1_048_576;

    private Limits() {}

    /** {@code value} when it is a step count in 1 … {@code max}; else an input error naming {@code flag}. */
    public static long steps(String flag, long value, long max) {
        return atMost(flag, value, max, "steps");
    }

    /** {@code value} when it is a count in 1 … {@code max}; else an input error naming {@code flag}. */
    public static int count(String flag, int value, int max) {
        return (int) atMost(flag, value, max, "");
    }

    private static long atMost(String flag, long value, long max, String unit) {
        if (value < 1 || value > max) {
            throw new InputException(flag + " " + value + " is out of range: give 1 to " + max
                    + (unit.isEmpty() ? "" : " " + unit) + " (optbench's limit, see docs/limits.md)");
        }
        return value;
    }

    /** Checks the study's total trial count (optimizers × points × seeds) against {@link #MAX_STUDY_TRIALS}. */
    public static void studyTrials(int optimizers, int trialsPerOptimizer, int seeds) {
        long total = (long) optimizers * trialsPerOptimizer * seeds;
        if (total > MAX_STUDY_TRIALS) {
            throw new InputException("the study would have " + total + " trials (" + optimizers + " optimizers × "
                    + trialsPerOptimizer + " trials × " + seeds + " seeds), more than optbench's limit of "
                    + MAX_STUDY_TRIALS + "; use fewer trials, seeds or optimizers (see docs/limits.md)");
        }
    }
}
