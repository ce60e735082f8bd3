package dev.optbench.train;

import java.util.Locale;

/**
 * Where a measurement was taken. {@code TRAIN} is the mean minibatch loss since the previous
 * evaluation (error NaN); the other three are full evaluations (SPEC section 7).
 */
public enum Split {
    TRAIN, TRAIN_EVAL, VALIDATION, TEST;

    /** Name used in files and the store: train, train_eval, validation, test. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Split fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
