package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.net.SocketException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's retrying layer: which errors are transient, the backoff, and (on SQLite and
 * PostgreSQL) a connection lost right after a commit: the operation reconnects, runs again and
 * neither stores a result twice nor mistakes its own committed write for a lost lease.
 */
class StoreRetryTest {
    @TempDir Path dir;
    private String pg;
    private final List<String> reports = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void dropPg() {
        TestStores.dropSchema(pg);
    }

    @Test
    void connectionLossAndContentionAreTransientOtherErrorsAreNot() {
        assertThat(StoreRetry.isConnectionLoss(new SQLException("This connection has been closed.", "08003"))).isTrue();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("refused", "08001"))).isTrue();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("the database system is starting up", "57P03"))).isTrue();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("I/O", null, new SocketException("Connection reset")))).isTrue();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("password authentication failed", "28P01"))).isFalse();
        assertThat(StoreRetry.isConnectionLoss(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(StoreRetry.isBusy(new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)"))).isTrue();
        assertThat(StoreRetry.isBusy(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(StoreRetry.isBusy(new SQLException("disk full", "53100"))).isFalse();
    }

    @Test
    void backoffDoublesFrom200MillisUpToTheFiveSecondCap() {
        assertThat(List.of(StoreRetry.backoff(0), StoreRetry.backoff(1), StoreRetry.backoff(2), StoreRetry.backoff(4),
                StoreRetry.backoff(5), StoreRetry.backoff(60))).containsExactly(200L, 400L, 800L, 3200L, 5000L, 5000L);
    }

    @Test
    void aLostCommitIsNeitherRepeatedNorMistakenForALostLeaseOnSqlite() {
        check(TestStores.sqlite(dir));
    }

    @Test
    void aLostCommitIsNeitherRepeatedNorMistakenForALostLeaseOnPostgres() {
        pg = TestStores.postgresFreshSchema();
        check(pg);
    }

    /** The next commit's reply is lost: the connection is closed under it and the driver reports an I/O error. */
    private static void dropAfterNextCommit(SqlStudyStore store, AtomicInteger drops) {
        store.commitHook(c -> {
            store.commitHook(x -> { });
            drops.incrementAndGet();
            c.close();
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
        });
    }

    private void check(String url) {
        try (SqlStudyStore store = StudyStores.open(url).retrying(new StoreRetry(10_000, reports::add))) {
            store.createStudy(StoreContract.definition("r", List.of("sgd"), 2));
            AtomicInteger drops = new AtomicInteger();

            dropAfterNextCommit(store, drops);
            Claim c = store.claim("r", "W", 10_000).orElseThrow();
            assertThat(drops.get()).isEqualTo(1);
            assertThat(c.attempt()).isEqualTo(1); // the claim that committed is taken up again, not a second trial
            assertThat(store.counts("r").get("sgd")).containsEntry(TrialState.RUNNING, 1).containsEntry(TrialState.PENDING, 1);

            dropAfterNextCommit(store, drops);
            assertThat(store.renew(c, 10_000)).isTrue();

            List<Measurement> curve = List.of(new Measurement(5, Split.VALIDATION, 0.6, 0.25), new Measurement(5, Split.TEST, 0.7, 0.3));
            dropAfterNextCommit(store, drops);
            assertThat(store.complete(c, TrialState.COMPLETED, 5, 0.2, 0.25, 0.3, null, Map.of(), curve))
                    .as("the first try committed: stored, not a lost lease").isTrue();
            assertThat(drops.get()).isEqualTo(3);
            Trial t = store.trials("r", true).stream().filter(x -> x.index() == c.index()).findFirst().orElseThrow();
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.curve()).containsExactlyElementsOf(curve); // written once
            // Without a lost connection, a second complete by the same claim is still refused.
            assertThat(store.complete(c, TrialState.COMPLETED, 5, 0.2, 0.25, 0.3, null, Map.of(), curve)).isFalse();

            Claim d = store.claim("r", "W", 10_000).orElseThrow();
            dropAfterNextCommit(store, drops);
            assertThat(store.fail(d, "out of memory", Map.of())).isTrue();
            assertThat(store.counts("r").get("sgd")).containsEntry(TrialState.COMPLETED, 1).containsEntry(TrialState.FAILED, 1);

            assertThat(reports).hasSize(8).allSatisfy(line -> assertThat(line).matches(
                    "optbench: store \\S+ (unreachable \\(.*An I/O error occurred.*\\), retrying for up to 10 s"
                            + "|reachable again after \\d+\\.\\d s)"));
            assertThat(reports).noneMatch(l -> l.contains("Exception"));

            // A real error (not a lost connection) is not retried.
            AtomicInteger calls = new AtomicInteger();
            store.importHook(n -> {
                calls.incrementAndGet();
                throw new SQLException("could not extend file: No space left on device", "53100");
            });
            Trial row = new Trial("x", "sgd", 7, TrialState.COMPLETED, Map.of(), Map.of(), 0, null, null, null, 1, 0.1,
                    0.2, 0.2, null, Map.of(), null, List.of());
            assertThatThrownBy(() -> store.importTrials("r", List.of(row))).isInstanceOf(StoreException.class)
                    .hasMessageContaining("No space left");
            assertThat(calls.get()).isEqualTo(1);
        }
    }

    @Test
    void whenTheBudgetIsSpentTheOperationFailsWithOneLine() {
        try (SqlStudyStore store = StudyStores.open(TestStores.sqlite(dir)).retrying(new StoreRetry(600, reports::add))) {
            store.createStudy(StoreContract.definition("b", List.of("sgd"), 1));
            Claim c = store.claim("b", "W", 10_000).orElseThrow();
            store.commitHook(conn -> { // every commit's reply is lost
                conn.close();
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> store.renew(c, 10_000)).isInstanceOf(StoreException.class)
                    .hasMessageMatching("store \\S+ unreachable for \\d+(\\.\\d)? s \\(.*\\); gave up after "
                            + "--store-retry-seconds 0\\.6 \\(.*\\)")
                    .hasMessageNotContaining("\n");
            assertThat((System.nanoTime() - t0) / 1e6).isBetween(550.0, 5_000.0);
            assertThat(reports).hasSize(1).first().asString().contains("retrying for up to 0.6 s");
        }
    }
}
