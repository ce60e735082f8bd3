package dev.optbench;

/**
 * Bad input from the user (a flag, a file, a hyperparameter, a store URL). The CLI prints its
 * message as one line and exits with code 2; every package may throw it. The message names the
 * problem and the fix.
 */
public class InputException extends IllegalArgumentException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
