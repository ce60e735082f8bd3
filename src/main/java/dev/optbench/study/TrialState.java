package dev.optbench.study;

import java.util.Locale;

/** pending → running → completed | diverged | failed (SPEC section 7). */
public enum TrialState {
    PENDING, RUNNING, COMPLETED, DIVERGED, FAILED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrialState fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** Completed and diverged trials count towards the protocol's budget; failed ones do not. */
    public boolean countsAsFinished() {
        return this == COMPLETED || this == DIVERGED;
    }
}
