package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Claim;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyStores;
import dev.optbench.study.TrialState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** 'study status' and 'study status --watch' only read: an expired lease stays as it is (expiring it is the workers' job). */
class StatusWatchTest {
    @TempDir Path dir;

    @Test
    void statusAndWatchLeaveAStoreWithAnExpiredLeaseUnchangedOnSqlite() throws Exception {
        check("sqlite:" + dir.resolve("watch.db"));
    }

    @Test
    void statusAndWatchLeaveAStoreWithAnExpiredLeaseUnchangedOnPostgres() throws Exception {
        String base = System.getenv("OPTBENCH_TEST_PG");
        org.junit.jupiter.api.Assumptions.assumeTrue(base != null && !base.isBlank(), "OPTBENCH_TEST_PG is not set");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        exec(base, "CREATE SCHEMA " + schema);
        try {
            check(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        } finally {
            exec(base, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private void check(String store) throws Exception {
        CliRun created = CliRun.of("study", "create", "w", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "sgd", "--trials", "2", "--store", store);
        assertThat(created.exitCode()).as(created.err()).isZero();
        try (SqlStudyStore s = StudyStores.open(store)) {
            Claim held = s.claim("w", "gone", -60_000).orElseThrow(); // a worker that died: its lease ran out a minute ago
            String before = s.dump();
            assertThat(before).contains("state=running");

            CliRun status = CliRun.of("study", "status", "w", "--store", store);
            assertThat(status.exitCode()).as(status.err()).isZero();
            assertThat(s.dump()).isEqualTo(before);

            // The watch, stepped by hand: before each poll it says it waits, and polls when the test says go.
            Semaphore waiting = new Semaphore(0);
            Semaphore go = new Semaphore(0);
            StringWriter out = new StringWriter();
            CommandLine watchCli = new CommandLine(new StudyStatusCommand(() -> {
                waiting.release();
                go.acquire();
            }));
            watchCli.setOut(new PrintWriter(out, true));
            AtomicInteger exit = new AtomicInteger(-1);
            Thread watch = new Thread(() -> exit.set(watchCli.execute("w", "--watch", "--store", store)));
            watch.setDaemon(true);
            watch.start();
            for (int polls = 0; polls <= 3; polls++) {
                assertThat(waiting.tryAcquire(60, TimeUnit.SECONDS)).as("the watch waits after %d polls", polls).isTrue();
                assertThat(s.dump()).as("the watch changed the store (%d polls)", polls).isEqualTo(before);
                if (polls < 3) {
                    go.release();
                }
            }

            // The watch ends once nothing is pending or running; the expired claim may still finish (nobody took it).
            assertThat(s.complete(held, TrialState.COMPLETED, 1, 0.1, 0.3, 0.3, null, Map.of(), List.of())).isTrue();
            Optional<Claim> next = s.claim("w", "other", 10_000);
            assertThat(next).isPresent();
            s.complete(next.get(), TrialState.COMPLETED, 1, 0.1, 0.2, 0.2, null, Map.of(), List.of());
            go.release(); // the fourth poll finds both trials completed
            watch.join(60_000);
            assertThat(watch.isAlive()).isFalse();
            assertThat(exit.get()).isZero();
            assertThat(waiting.availablePermits()).as("no fifth poll").isZero();
            assertThat(out.toString()).contains("sgd");
        }
    }

    private static void exec(String url, String sql) throws Exception {
        var u = dev.optbench.study.StoreUrl.parse(url);
        try (Connection c = DriverManager.getConnection(u.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
