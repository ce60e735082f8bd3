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
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes against a PostgreSQL server that goes away while they hold trials: restarted
 * twice mid-study, and down for longer than the workers' retry budget. It restarts the server of
 * OPTBENCH_TEST_PG with the command in OPTBENCH_TEST_PG_CTL (e.g. "pg_ctlcluster 15 main", given
 * "restart", "stop" or "start"; .ci/postgres.sh sets it), and before it returns waits until the
 * server accepts connections again, so the PostgreSQL tests after it are not disturbed.
 *
 * <p>The trials are external ones that the test holds: each marks itself started with a file,
 * then waits until the test creates its go-file. So every outage happens while the workers hold
 * trials, however fast this machine is, and nothing here waits for a trial to train.
 */
class PostgresOutageTest {
    /** What must never reach a user's terminal: a stack frame or a Java class or package name. */
    private static final Pattern JAVA_NOISE = Pattern.compile(
            "\\tat |Exception|Error:|\\bjava\\.|\\borg\\.postgresql|\\bdev\\.optbench\\.|\\bcom\\.|\\bai\\.djl");
    /** How long a condition the test waits for may take before the test fails (a safety net, not a pace). */
    private static final long PATIENCE_MILLIS = 180_000;

    /** $1 is the gate directory. The trial's name, made file-safe, is its started- and go-file. */
    private static final String TRIAL_SCRIPT = """
            name=$(printf %s "$OPTBENCH_TRIAL" | tr '/#' '__')
            : > "$1/started/$name"
            while [ ! -e "$1/go/$name" ] && [ ! -e "$1/go/all" ]; do sleep 0.02; done
            echo '{"step": 10, "train_loss": 0.25, "validation_error": 0.5, "test_error": 0.5}'
            """;

    @TempDir Path dir;
    private Path gate;
    private String command;
    private String url;
    private String ctl;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        ctl = System.getenv("OPTBENCH_TEST_PG_CTL");
        TestStores.postgresBase();
        Assumptions.assumeTrue(ctl != null && !ctl.isBlank(),
                "OPTBENCH_TEST_PG_CTL is not set: no command to restart PostgreSQL (.ci/postgres.sh sets it)");
        gate = Files.createDirectories(dir.resolve("gate"));
        Files.createDirectories(gate.resolve("started"));
        Files.createDirectories(gate.resolve("go"));
        Path script = dir.resolve("trial.sh");
        Files.writeString(script, TRIAL_SCRIPT);
        command = "sh " + script + " " + gate;
        url = TestStores.postgresFreshSchema();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gate != null) {
            Files.writeString(gate.resolve("go").resolve("all"), ""); // no trial script outlives the test
        }
        processes.forEach(Process::destroyForcibly);
        if (url != null) {
            pgCtl("start"); // harmless when it runs; needed if a test stopped in the middle
            awaitServer();
            TestStores.dropSchema(url);
        }
    }

    @Test
    void twoWorkersRideOutTwoRestartsWhileHoldingTrialsAndFinishEveryTrialExactlyOnce() throws Exception {
        int trials = 3;
        try (SqlStudyStore store = monitor()) {
            store.createStudy(external("outage", List.of("sgd", "adam"), trials));
            Process a = worker("outage", "wa", 10, 300);
            Process b = worker("outage", "wb", 10, 300);
            List<String> first = awaitStarted(2, a, b);
            assertThat(running(store, "outage")).as("both workers hold a trial through the restart").isEqualTo(2);
            pgCtl("restart");
            release(first);
            List<String> second = awaitStarted(4, a, b); // both stored their first trial after the restart
            second.removeAll(first);
            assertThat(running(store, "outage")).as("both workers hold a trial through the second restart").isEqualTo(2);
            pgCtl("restart");
            release(second);
            Files.writeString(gate.resolve("go").resolve("all"), "");
            assertThat(a.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)).as("worker a ends by itself").isTrue();
            assertThat(b.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)).as("worker b ends by itself").isTrue();
            String logA = log("wa");
            String logB = log("wb");
            assertThat(a.exitValue()).as(logA).isZero();
            assertThat(b.exitValue()).as(logB).isZero();
            for (String l : List.of(logA, logB)) {
                assertThat(JAVA_NOISE.matcher(l).find()).as("Java names or a stack trace on stderr:\n" + l).isFalse();
                // each worker held a trial through each restart, so each lost its connection and got it back
                assertThat(l).contains("retrying for up to 300 s").contains("reachable again after");
            }
            // Every trial finished once: one 'finished' line per trial across both workers, and one result row each.
            Map<String, Integer> finished = new HashMap<>();
            Matcher m = Pattern.compile(" finished (outage/\\w+#\\d+):").matcher(logA + logB);
            while (m.find()) {
                finished.merge(m.group(1), 1, Integer::sum);
            }
            assertThat(finished).hasSize(2 * trials).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo(1));
            assertThat(logA + logB).doesNotContain("lost the lease");
            List<Trial> rows = store.trials("outage", true);
            assertThat(rows).hasSize(2 * trials).allSatisfy(t -> {
                assertThat(t.state()).as(t.optimizer() + "#" + t.index()).isEqualTo(TrialState.COMPLETED);
                assertThat(t.validationError()).isEqualTo(0.5);
            });
            assertThat(store.unfinished("outage")).isZero();
            assertThat(maxAttempt("outage")).as("no trial was claimed twice").isEqualTo(1);
        }
    }

    @Test
    void aServerDownLongerThanTheBudgetEndsTheWorkerCleanlyAndItsTrialReturnsToPending() throws Exception {
        try (SqlStudyStore store = monitor()) {
            store.createStudy(external("down", List.of("sgd"), 2));
            Process w = worker("down", "wd", 60, 4);
            List<String> held = awaitStarted(1, w);
            pgCtl("stop");
            try {
                assertThat(w.waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS)).as("worker gives up by itself").isTrue();
                String log = log("wd");
                assertThat(w.exitValue()).as(log).isEqualTo(1);
                List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
                String last = lines.get(lines.size() - 1);
                assertThat(last).startsWith("optbench: store ").contains("unreachable for").contains("gave up after --store-retry-seconds 4");
                assertThat(log).contains("retrying for up to 4 s");
                assertThat(JAVA_NOISE.matcher(log).find()).as("Java names or a stack trace on stderr:\n" + log).isFalse();
                assertThat(Files.exists(gate.resolve("go").resolve(held.get(0)))).as("the held trial never got its go").isFalse();
            } finally {
                pgCtl("start");
                awaitServer();
            }
            // The dead worker's trial is still running under its lease; the test lets that lease run out
            // by moving its end into the past rather than by waiting for it.
            assertThat(running(store, "down")).isEqualTo(1);
            exec("UPDATE trials SET lease_expires_ms = 0 WHERE study = 'down' AND state = 'running'");
            assertThat(store.expireLeases("down")).isEqualTo(1);
            assertThat(running(store, "down")).isZero();
            Claim again = store.claim("down", "next", 10_000).orElseThrow(); // claimable again
            assertThat(again.attempt()).isGreaterThanOrEqualTo(1);
        }
    }

    private StudyDefinition external(String name, List<String> labels, int trials) throws IOException {
        Path space = dir.resolve(name + "-space.json");
        StringBuilder json = new StringBuilder("{");
        for (String l : labels) {
            json.append(json.length() > 1 ? "," : "").append('"').append(l)
                    .append("\": {\"learning_rate\": {\"min\": 0.01, \"max\": 1.0, \"scaling\": \"log\"}}");
        }
        Files.writeString(space, json.append('}').toString());
        return StudySetup.defineExternal(name, new ExternalCommand(command, 10, 0), "custom", labels, trials, 3, null, space);
    }

    /** The test's own view of the store, which rides out the restarts too (silently). */
    private SqlStudyStore monitor() {
        return StudyStores.open(url).retrying(new StoreRetry(180_000, line -> { }));
    }

    private Process worker(String study, String name, double leaseSeconds, double retrySeconds) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> argv = new ArrayList<>(List.of(java, "-Xmx512m", "-Dai.djl.offline=true"));
        String config = System.getProperty("optbench.config");
        if (config != null) { // the test JVM's own config directory (the local allow-list), never the user's
            argv.add("-Doptbench.config=" + config);
        }
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker",
                "--store", url, "--study", study, "--name", name, "--allow-command", command,
                "--lease-seconds", Double.toString(leaseSeconds), "--store-retry-seconds", Double.toString(retrySeconds)));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.redirectError(dir.resolve(name + ".log").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    /** Waits until {@code n} trials have marked themselves started; returns their names. */
    private List<String> awaitStarted(int n, Process... workers) throws Exception {
        await(() -> started().size() >= n, n + " trials started", workers);
        return new ArrayList<>(started());
    }

    private List<String> started() {
        try (Stream<Path> s = Files.list(gate.resolve("started"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void release(List<String> trials) throws IOException {
        for (String t : trials) {
            Files.writeString(gate.resolve("go").resolve(t), "");
        }
    }

    /**
     * Polls {@code condition} (a state the workers reach, never a time) until it holds; fails at once
     * if a worker exits first, and after {@link #PATIENCE_MILLIS} as a safety net.
     */
    private void await(BooleanSupplier condition, String what, Process... workers) throws Exception {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!condition.getAsBoolean()) {
            for (Process p : workers) {
                if (!p.isAlive()) {
                    throw new AssertionError("a worker exited before " + what + ":\n" + allLogs());
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("never saw " + what + ":\n" + allLogs());
            }
            Thread.sleep(10);
        }
    }

    private String allLogs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                b.append("--- ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        }
        return b.toString();
    }

    private int running(SqlStudyStore store, String study) {
        return (int) store.trials(study, false).stream().filter(t -> t.state() == TrialState.RUNNING).count();
    }

    private int maxAttempt(String study) throws Exception {
        StoreUrl u = StoreUrl.parse(url);
        try (Connection c = DriverManager.getConnection(u.jdbcUrl()); var st = c.createStatement();
                var rs = st.executeQuery("SELECT MAX(attempt) FROM trials WHERE study = '" + study + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private void exec(String sql) throws Exception {
        StoreUrl u = StoreUrl.parse(url);
        try (Connection c = DriverManager.getConnection(u.jdbcUrl()); var st = c.createStatement()) {
            st.executeUpdate(sql);
        }
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
