package dev.optbench.study;

import dev.optbench.InputException;
import dev.optbench.Messages;

/**
 * How long a worker's lease on a trial lasts without a heartbeat (renewed every quarter lease).
 * Default 60 s; OPTBENCH_LEASE_SECONDS or the hidden --lease-seconds change it (tests use ~1 s).
 */
public final class Leases {
    static final double DEFAULT_SECONDS = 60;
    static final double MAX_SECONDS = 86_400;

    private Leases() {}

    public static long millis(Double flag) {
        double seconds = DEFAULT_SECONDS;
        String env = System.getenv("OPTBENCH_LEASE_SECONDS");
        if (flag != null) {
            seconds = flag;
        } else if (env != null && !env.isBlank()) {
            try {
                seconds = Double.parseDouble(env.trim());
            } catch (NumberFormatException e) {
                throw new InputException("OPTBENCH_LEASE_SECONDS='" + Messages.quote(env) + "' is not a number of seconds");
            }
        }
        if (!(seconds >= 0.2)) {
            throw new InputException("lease of " + seconds + " s is too short: give at least 0.2 s");
        }
        if (seconds > MAX_SECONDS) { // a dead worker's trials would wait that long (and the expiry time would overflow)
            throw new InputException("lease of " + seconds + " s is too long: give at most " + (long) MAX_SECONDS + " s (a day)");
        }
        return Math.round(seconds * 1000);
    }
}
