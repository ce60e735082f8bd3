package dev.optbench.optim;

/** One trial's values at one step, for computing a derived per-trial coefficient in double precision. */
public interface TrialValues {
    /** A hyperparameter of the rule (defaults filled in). */
    double get(String hparam);

    /** The scheduled learning rate η_t of this trial at this step. */
    double lr();

    /** The step t = 0, 1, 2, ... */
    long t();
}
