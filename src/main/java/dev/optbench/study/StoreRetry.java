package dev.optbench.study;

import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How a store rides out a lost database: the operation that lost its connection reconnects and
 * runs again, pausing between tries for a capped, jittered exponential backoff
 * (delay_k = min(cap, base · 2^k) · u, u uniform in [0.5, 1)), until {@code budgetMillis} after
 * the first failure; then it gives up with a one-line {@link StoreException}. Only transient
 * errors are retried ({@link #isConnectionLoss}, {@link #isBusy}); any other error fails at once.
 * One instance is shared by the stores of one process, so an outage seen by several of them is
 * reported once, on one line, and so is the recovery.
 */
public final class StoreRetry {
    static final long BASE_MILLIS = 200;
    static final long CAP_MILLIS = 5_000;

    private final long budgetMillis;
    private final Consumer<String> report;
    private final AtomicInteger down = new AtomicInteger();
    private volatile long downSince;

    /** @param report receives the outage and recovery lines (e.g. stderr) */
    public StoreRetry(long budgetMillis, Consumer<String> report) {
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("retry budget must not be negative, not " + budgetMillis + " ms");
        }
        this.budgetMillis = budgetMillis;
        this.report = report;
    }

    public long budgetMillis() {
        return budgetMillis;
    }

    /**
     * A lost or refused connection: SQLState class 08, PostgreSQL's admin shutdown, crash
     * shutdown and "cannot connect now" (57P01, 57P02, 57P03), or a socket error underneath.
     */
    public static boolean isConnectionLoss(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState() == null ? "" : s.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** SQLite's lock contention (BUSY, LOCKED) or a PostgreSQL deadlock or serialization failure: just try again. */
    public static boolean isBusy(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        return state.equals("40001") || state.equals("40P01") || msg.contains("SQLITE_BUSY") || msg.contains("SQLITE_LOCKED")
                || e.getErrorCode() == 5 || e.getErrorCode() == 6;
    }

    /** Starts one operation's outage; reported only when no other store of this process is already in one. */
    Outage begin(String store, String reason) {
        return new Outage(store, reason, System.currentTimeMillis());
    }

    /** The delay before try {@code k} (0-based), before jitter. */
    static long backoff(int k) {
        return Math.min(CAP_MILLIS, BASE_MILLIS << Math.min(k, 20));
    }

    /** One operation's outage: it pauses between tries and gives up when the budget is spent. */
    final class Outage {
        private final String store;
        private final long start;
        private String reason;
        private int tries;
        private boolean reported;

        private Outage(String store, String reason, long start) {
            this.store = store;
            this.reason = reason;
            this.start = start;
        }

        /** Called for a connection loss: counts it as (part of) the process's outage and says so once. */
        void lost(String why) {
            reason = why;
            if (!reported) {
                reported = true;
                if (down.getAndIncrement() == 0) {
                    downSince = start;
                    report.accept("optbench: store " + store + " unreachable (" + why + "), retrying for up to "
                            + seconds(budgetMillis) + " s");
                }
            }
        }

        /** Sleeps before the next try; a StoreException once the budget is spent (or the thread is interrupted). */
        void pause() {
            long now = System.currentTimeMillis();
            long left = start + budgetMillis - now;
            if (left <= 0) {
                giveUp();
            }
            long delay = (long) (backoff(tries++) * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
            try {
                Thread.sleep(Math.max(1, Math.min(delay, left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveUp();
            }
        }

        /** The operation went through: the first store of the process to recover reports it. */
        void recovered() {
            if (reported && down.decrementAndGet() == 0) {
                report.accept(String.format(Locale.ROOT, "optbench: store %s reachable again after %.1f s", store,
                        (System.currentTimeMillis() - downSince) / 1000.0));
            }
            reported = false;
        }

        private void giveUp() {
            if (reported) {
                down.decrementAndGet();
                reported = false;
            }
            throw new StoreException("store " + store + " unreachable for " + seconds(System.currentTimeMillis() - start)
                    + " s (" + reason + "); gave up after --store-retry-seconds " + seconds(budgetMillis)
                    + " (the trials this worker held return to pending when their leases expire)", null);
        }
    }

    private static String seconds(long millis) {
        double s = millis / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : String.format(Locale.ROOT, "%.1f", s);
    }
}
