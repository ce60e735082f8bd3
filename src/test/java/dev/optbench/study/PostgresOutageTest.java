package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes against a PostgreSQL server that goes away: restarted twice mid-study, and
 * down for longer than the workers' retry budget. It restarts the server of OPTBENCH_TEST_PG
 * with the command in OPTBENCH_TEST_PG_CTL (e.g. "pg_ctlcluster 15 main", given "restart",
 * "stop" or "start"; .ci/postgres.sh sets it), and before it returns waits until the server
 * accepts connections again, so the PostgreSQL tests after it are not disturbed.
 */
class PostgresOutageTest {
    private static final String WORKLOAD = "fmnist_mlp-tiny";
    /** What must never reach a user's terminal: a stack frame or a Java class or package name. */
    private static final Pattern JAVA_NOISE = Pattern.compile(
            "\\tat |Exception|Error:|\\bjava\\.|\\borg\\.postgresql|\\bdev\\.optbench\\.|\\bcom\\.|\\bai\\.djl");

    @TempDir Path logs;
    private String url;
    private String ctl;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ctl = System.getenv("OPTBENCH_TEST_PG_CTL");
        TestStores.postgresBase();
        Assumptions.assumeTrue(ctl != null && !ctl.isBlank(),
                "OPTBENCH_TEST_PG_CTL is not set: no command to restart PostgreSQL (.ci/postgres.sh sets it)");
        url = TestStores.postgresFreshSchema();
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.forEach(Process::destroyForcibly);
        if (url != null) {
            pgCtl("start"); // harmless when it runs; needed if a test stopped in the middle
            awaitServer();
            TestStores.dropSchema(url);
        }
    }

    @Test
    void twoWorkersRideOutTwoRestartsAndFinishEveryTrialExactlyOnce() throws Exception {
        int trials = 5;
        try (SqlStudyStore store = monitor()) {
            store.createStudy(StudySetup.define("outage", WORKLOAD, "lr-schedule", List.of("sgd", "adam"), trials, 3, null, null));
            Process a = worker("outage", "wa", 10, 300);
            Process b = worker("outage", "wb", 10, 300);
            awaitFinished(store, "outage", 2, a, b);
            pgCtl("restart");
            awaitFinished(store, "outage", 5, a, b);
            pgCtl("restart");
            assertThat(a.waitFor(600, TimeUnit.SECONDS)).as("worker a ends by itself").isTrue();
            assertThat(b.waitFor(600, TimeUnit.SECONDS)).as("worker b ends by itself").isTrue();
            String logA = log("wa");
            String logB = log("wb");
            assertThat(a.exitValue()).as(logA).isZero();
            assertThat(b.exitValue()).as(logB).isZero();
            for (String l : List.of(logA, logB)) {
                assertThat(JAVA_NOISE.matcher(l).find()).as("Java names or a stack trace on stderr:\n" + l).isFalse();
            }
            String both = logA + logB;
            assertThat(both).contains("retrying for up to 300 s").contains("reachable again after");
            // Every trial finished once: one 'finished' line per trial across both workers, and one result row each.
            Map<String, Integer> finished = new HashMap<>();
            Matcher m = Pattern.compile(" finished (outage/\\w+#\\d+):").matcher(both);
            while (m.find()) {
                finished.merge(m.group(1), 1, Integer::sum);
            }
            assertThat(finished).hasSize(2 * trials).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
            assertThat(both).doesNotContain("lost the lease");
            List<Trial> rows = store.trials("outage", true);
            assertThat(rows).hasSize(2 * trials).allSatisfy(t -> {
                assertThat(t.state().countsAsFinished()).as(t.optimizer() + "#" + t.index()).isTrue();
                assertThat(t.curve()).isNotEmpty();
            });
            assertThat(store.unfinished("outage")).isZero();
            StoreUrl u = StoreUrl.parse(url);
            try (Connection c = DriverManager.getConnection(u.jdbcUrl()); var st = c.createStatement();
                    var rs = st.executeQuery("SELECT MAX(attempt) FROM trials WHERE study = 'outage'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no trial was claimed twice").isEqualTo(1);
            }
        }
    }

    @Test
    void aServerDownLongerThanTheBudgetEndsTheWorkerCleanlyAndItsTrialsReturnToPending() throws Exception {
        try (SqlStudyStore store = monitor()) {
            store.createStudy(StudySetup.define("down", WORKLOAD, "lr-schedule", List.of("momentum"), 2, 3, null, null));
            Process w = worker("down", "wd", 3, 4);
            awaitRunning(store, "down", w);
            pgCtl("stop");
            long t0 = System.nanoTime();
            try {
                assertThat(w.waitFor(120, TimeUnit.SECONDS)).as("worker gives up by itself").isTrue();
                double seconds = (System.nanoTime() - t0) / 1e9;
                String log = log("wd");
                assertThat(w.exitValue()).as(log).isEqualTo(1);
                assertThat(seconds).as(log).isLessThan(90);
                List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
                String last = lines.get(lines.size() - 1);
                assertThat(last).startsWith("optbench: store ").contains("unreachable for").contains("gave up after --store-retry-seconds 4");
                assertThat(log).contains("retrying for up to 4 s");
                assertThat(JAVA_NOISE.matcher(log).find()).as("Java names or a stack trace on stderr:\n" + log).isFalse();
            } finally {
                pgCtl("start");
                awaitServer();
            }
            Thread.sleep(3_500); // the dead worker's 3 s lease runs out
            // the worker trains its study's pending trials as one batch (--batch-trials auto), so both may be held
            assertThat(store.expireLeases("down")).isLessThanOrEqualTo(2);
            assertThat(store.counts("down").get("momentum")).containsEntry(TrialState.RUNNING, 0);
            Claim again = store.claim("down", "next", 10_000).orElseThrow(); // claimable again
            assertThat(again.attempt()).isGreaterThanOrEqualTo(1);
        }
    }

    /** The test's own view of the store, which rides out the restarts too (silently). */
    private SqlStudyStore monitor() {
        return StudyStores.open(url).retrying(new StoreRetry(180_000, line -> { }));
    }

    private Process worker(String study, String name, double leaseSeconds, double retrySeconds) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker", "--store", url, "--study", study,
                "--name", name, "--lease-seconds", Double.toString(leaseSeconds),
                "--store-retry-seconds", Double.toString(retrySeconds));
        pb.redirectError(logs.resolve(name + ".log").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OPTBENCH_THREADS", "1");
        // On the native MLP passes a tiny trial takes ~0.1 s and both workers are done before the
        // first restart; the NDArray path keeps the trials running across both outages.
        pb.environment().put("OPTBENCH_NATIVE_NET", "off");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(logs.resolve(name + ".log"));
    }

    private void awaitFinished(SqlStudyStore store, String study, int n, Process... workers) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            long done = store.trials(study, false).stream().filter(t -> t.state().countsAsFinished()).count();
            if (done >= n) {
                return;
            }
            for (Process p : workers) {
                if (!p.isAlive()) {
                    throw new AssertionError("a worker exited early: " + log("wa") + log("wb"));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(n + " trials never finished");
    }

    private void awaitRunning(SqlStudyStore store, String study, Process p) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (store.trials(study, false).stream().anyMatch(t -> t.state() == TrialState.RUNNING)) {
                return;
            }
            assertThat(p.isAlive()).as("worker exited early").isTrue();
            Thread.sleep(20);
        }
        throw new AssertionError("no trial started");
    }

    private void pgCtl(String action) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", ctl + " " + action).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0 && !action.equals("start")) { // 'start' on a running server fails harmlessly
            throw new AssertionError(ctl + " " + action + " failed: " + out);
        }
    }

    /** Until the server accepts connections (at most two minutes). */
    private static void awaitServer() throws Exception {
        StoreUrl base = StoreUrl.parse(TestStores.postgresBase());
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            try (Connection c = DriverManager.getConnection(base.jdbcUrl())) {
                if (c.isValid(5)) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("PostgreSQL did not come back: " + base.scrub(e.getMessage()));
                }
            }
            Thread.sleep(200);
        }
    }
}
