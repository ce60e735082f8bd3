package dev.optbench.study;

/** An external trial failed: non-zero exit, time-out or malformed output; the message says which. */
public final class ExternalTrialException extends RuntimeException {
    public ExternalTrialException(String message) {
        super(message);
    }
}
