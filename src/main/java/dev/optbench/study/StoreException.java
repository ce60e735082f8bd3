package dev.optbench.study;

/** A store failure that is not the user's input (lost connection, disk full); the password is already masked. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
