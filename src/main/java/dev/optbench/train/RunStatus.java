package dev.optbench.train;

/**
 * How a training run ended. A diverged run counts as a trial with error 1.0 (SPEC section 7); a
 * failed one threw (a bad value, a plug-in's exception) and is stored as a failed trial.
 */
public enum RunStatus {
    COMPLETED, DIVERGED, FAILED;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
