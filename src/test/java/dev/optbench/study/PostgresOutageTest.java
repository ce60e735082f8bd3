package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * <p>The trials are external ones that the test holds: each makes its own go-pipe, writes its
 * name into the test's started-pipe, then blocks reading its go-pipe until the test writes to it.
 * So every outage happens while the workers hold trials, however fast this machine is; the test
 * blocks on those pipes and on the workers' exits, and nothing here polls or waits for a trial.
 */
class PostgresOutageTest {
    /** What must never reach a user's terminal: a stack frame or a Java class or package name. */
    private static final Pattern JAVA_NOISE = Pattern.compile(
            "\\tat |Exception|Error:|\\bjava\\.|\\borg\\.postgresql|\\bdev\\.optbench\\.|\\bcom\\.|\\bai\\.djl");
    /** How long a condition the test waits for may take before the test fails (a safety net, not a pace). */
    private static final long PATIENCE_MILLIS = 180_000;

    /** $1 is the gate directory; the trial's name, made file-safe, names its go-pipe. */
    private static final String TRIAL_SCRIPT = """
            name=$(printf %s "$OPTBENCH_TRIAL" | tr '/#' '__')
            mkfifo "$1/go-$name"
            echo "$name" > "$1/started"
            read _ < "$1/go-$name"
            echo '{"step": 10, "train_loss": 0.25, "validation_error": 0.5, "test_error": 0.5}'
            """;
    /** What the started-queue holds after a worker process has exited. */
    private static final String EXITED = "exited: ";

    @TempDir Path dir;
    private Path gate;
    /** The started-pipe, open for reading and writing so that it never reads end-of-file between trials. */
    private RandomAccessFile startedPipe;
    /** Trial names as they start, and EXITED + name as worker processes end. */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final List<String> started = new ArrayList<>();
    private String command;
    private String url;
    private String ctl;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ctl = System.getenv("OPTBENCH_TEST_PG_CTL");
        TestStores.postgresBase();
        Assumptions.assumeTrue(ctl != null && !ctl.isBlank(),
                "OPTBENCH_TEST_PG_CTL is not set: no command to restart PostgreSQL (.ci/postgres.sh sets it)");
        gate = Files.createDirectories(dir.resolve("gate"));
        startedPipe = new RandomAccessFile(ExternalRunnerTest.fifo(gate, "started").toFile(), "rw");
        Thread reader = new Thread(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(startedPipe.getFD()),
                        StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null && !line.equals(EXITED); line = r.readLine()) {
                    events.add(line);
                }
            } catch (IOException e) {
                events.add(EXITED + "the started-pipe's reader: " + e.getMessage());
            }
        }, "started-pipe");
        reader.setDaemon(true);
        reader.start();
        Path script = dir.resolve("trial.sh");
        Files.writeString(script, TRIAL_SCRIPT);
        command = "sh " + script + " " + gate;
        url = TestStores.postgresFreshSchema();
    }

    @AfterEach
    void tearDown() throws Exception {
        processes.forEach(Process::destroyForcibly); // a dead worker's trial dies with it (ExternalRunner's watchdog)
        if (startedPipe != null) {
            startedPipe.write((EXITED + "\n").getBytes(StandardCharsets.UTF_8)); // ends the reader thread
            startedPipe.close();
        }
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
            List<String> first = awaitStarted(2);
            assertThat(running(store, "outage")).as("both workers hold a trial through the restart").isEqualTo(2);
            pgCtl("restart");
            release(first);
            List<String> second = awaitStarted(2); // both stored their first trial after the restart
            assertThat(running(store, "outage")).as("both workers hold a trial through the second restart").isEqualTo(2);
            pgCtl("restart");
            release(second);
            release(awaitStarted(2)); // the last two, with the server up
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
            List<String> held = awaitStarted(1);
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
                assertThat(held).as("the worker held one trial when the server went").hasSize(1);
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
        return StudySetup.defineExternal(dev.optbench.optim.OptimizerRegistry.BUILT_IN, name, new ExternalCommand(command, 10, 0), "custom", labels, trials, 3, null, space);
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
        p.onExit().thenRun(() -> events.add(EXITED + name));
        return p;
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    /**
     * The next {@code n} trials to start, as they write their names into the started-pipe; fails
     * if a worker process exits first, and after {@link #PATIENCE_MILLIS} as a safety net.
     */
    private List<String> awaitStarted(int n) throws Exception {
        List<String> names = new ArrayList<>();
        while (names.size() < n) {
            String e = events.poll(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
            if (e == null || e.startsWith(EXITED)) {
                throw new AssertionError((e == null ? "never saw " + n + " trials start after " + started
                        : "a worker exited before " + n + " trials started (" + e + ")") + ":\n" + allLogs());
            }
            names.add(e);
        }
        started.addAll(names);
        return names;
    }

    /** Lets each of {@code trials} finish: writes its go-pipe, which its script is blocked reading. */
    private void release(List<String> trials) throws IOException {
        for (String t : trials) {
            Files.writeString(gate.resolve("go-" + t), "go\n");
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
