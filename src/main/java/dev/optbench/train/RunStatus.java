package dev.optbench.train;

/** How a training run ended. A diverged run counts as a trial with error 1.0 (SPEC section 7). */
public enum RunStatus {
    COMPLETED, DIVERGED;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
