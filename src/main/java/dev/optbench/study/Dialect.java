package dev.optbench.study;

/** What differs between the two stores; the schema and every other statement are shared. */
public enum Dialect {
    SQLITE("CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)", ""),
    POSTGRESQL("CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)", " FOR UPDATE SKIP LOCKED");

    private final String nowMillis;
    private final String skipLocked;

    Dialect(String nowMillis, String skipLocked) {
        this.nowMillis = nowMillis;
        this.skipLocked = skipLocked;
    }

    /**
     * The database's clock in epoch milliseconds. Leases are timed by the server's clock, so
     * workers on machines with skewed clocks still agree on when a lease expires.
     */
    String now() {
        return nowMillis;
    }

    /** Row locking for the claim's inner SELECT (SQLite serializes writers instead). */
    String skipLocked() {
        return skipLocked;
    }
}
