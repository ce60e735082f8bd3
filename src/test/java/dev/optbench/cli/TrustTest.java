package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust model of docs/distributed.md through the command line: a command written into the
 * store runs on no worker whose operator did not allow it; a study changed after creation runs
 * nowhere; a trial's environment holds only what it needs.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a safety net: nothing here waits on time
class TrustTest {
    @TempDir Path dir;

    private String store() {
        return "sqlite:" + dir.resolve("trust.db");
    }

    /** A command that leaves {@code marker} behind and reports a result. */
    private String marking(String marker) {
        return "touch " + dir.resolve(marker) + "; echo '{\"step\": 1, \"validation_error\": 0.01}'";
    }

    private Path space() throws Exception {
        Path space = dir.resolve("space.json");
        Files.writeString(space, "{\"learning_rate\": {\"feasible_points\": [0.1, 0.2]}}");
        return space;
    }

    private void sql(String statement, String... values) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:" + store()); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    /** optimizer#index → state/attempt, straight from the table. */
    private Map<String, String> statesAndAttempts(String study) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:" + store());
                PreparedStatement ps = c.prepareStatement("SELECT optimizer, trial_index, state, attempt FROM trials WHERE study = ?")) {
            ps.setString(1, study);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1) + "#" + rs.getInt(2), rs.getString(3) + "/" + rs.getInt(4));
                }
            }
        }
        return out;
    }

    private static List<String> linesWith(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).toList();
    }

    /** Runs {@code body} as a machine whose optbench config directory is {@code config}. */
    private static <T> T onMachine(Path config, Callable<T> body) throws Exception {
        String old = System.getProperty("optbench.config");
        System.setProperty("optbench.config", config.toString());
        try {
            return body.call();
        } finally {
            if (old == null) {
                System.clearProperty("optbench.config");
            } else {
                System.setProperty("optbench.config", old);
            }
        }
    }

    @Test
    void aCommandWrittenIntoTheStoreRunsNowhereAndAnAllowedOneRuns() throws Exception {
        CliRun created = CliRun.of("study", "create", "victim", "--workload", "fmnist_mlp-tiny", "--protocol", "lr-only",
                "--optimizers", "sgd", "--trials", "2", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        // The attack: one UPDATE by anyone who can write the store.
        String attack = marking("pwned");
        sql("UPDATE studies SET workload = 'external', external = ? WHERE name = 'victim'",
                "{\"command\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(attack)
                        + ", \"steps\": 1, \"timeout_seconds\": 0}");
        CliRun plain = CliRun.of("worker", "--store", store(), "--name", "w1");
        System.out.println("attack replay, plain worker: exit " + plain.exitCode() + "\n" + plain.err());
        assertThat(plain.exitCode()).as(plain.err()).isEqualTo(1);
        assertThat(dir.resolve("pwned")).as("the stored command ran").doesNotExist();
        assertThat(statesAndAttempts("victim")).containsOnly(Map.entry("sgd#0", "pending/0"), Map.entry("sgd#1", "pending/0"));
        List<String> refused = linesWith(plain.err(), "refused to run study victim's command");
        assertThat(refused).singleElement().asString().contains("'touch " + dir.resolve("pwned"))
                .contains("--allow-command 'touch ");
        assertThat(linesWith(plain.err(), "no longer matches the fingerprint")).singleElement().asString()
                .startsWith("optbench: refused study victim: ");
        assertThat(plain.err()).contains("2 trials remain that this worker may not run: study victim (command not allowed,"
                + " definition changed after creation)");
        assertThat(plain.err()).doesNotContain("Exception").doesNotContain("\tat ");
        // The operator allows that very command: now it runs, and the worker says the study's row was changed.
        CliRun allowed = CliRun.of("worker", "--store", store(), "--allow-command", attack);
        System.out.println("attack replay, --allow-command: exit " + allowed.exitCode() + "\n" + allowed.err());
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(linesWith(allowed.err(), "no longer matches the fingerprint")).singleElement().asString()
                .startsWith("optbench: warning: study victim: ").endsWith("running it anyway, because its operator allowed its command here");
        assertThat(allowed.err()).doesNotContain("refused");
        assertThat(dir.resolve("pwned")).exists();
        assertThat(statesAndAttempts("victim")).containsOnly(Map.entry("sgd#0", "completed/1"), Map.entry("sgd#1", "completed/1"));

        // A genuine external study, created on another machine: refused here until allowed, then it runs.
        String theirs = marking("ran");
        CliRun remote = onMachine(dir.resolve("their-config"), () -> CliRun.of("study", "create", "theirs", "--command", theirs,
                "--space", space().toString(), "--optimizers", "mine", "--trials", "2", "--store", store()));
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        CliRun notYet = CliRun.of("worker", "--study", "theirs", "--store", store());
        assertThat(notYet.exitCode()).isEqualTo(1);
        assertThat(linesWith(notYet.err(), "refused to run study theirs's command")).hasSize(1);
        assertThat(notYet.err()).doesNotContain("fingerprint");
        assertThat(dir.resolve("ran")).doesNotExist();
        CliRun ran = CliRun.of("worker", "--study", "theirs", "--allow-command", theirs, "--store", store());
        System.out.println("genuine study, --allow-command: exit " + ran.exitCode() + "\n" + ran.err());
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        assertThat(dir.resolve("ran")).exists();
        assertThat(statesAndAttempts("theirs")).containsOnly(Map.entry("mine#0", "completed/1"), Map.entry("mine#1", "completed/1"));
    }

    @Test
    void aCommandCreatedOnThisMachineRunsHereWithoutFlagsAndNotOnAnotherMachine() throws Exception {
        String command = marking("local");
        CliRun created = CliRun.of("study", "create", "mine", "--command", command, "--space", space().toString(),
                "--optimizers", "a,b", "--trials", "2", "--store", store());
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(AllowedCommands.local()).contains(command);
        CliRun elsewhere = onMachine(dir.resolve("other-config"), () -> CliRun.of("worker", "--store", store()));
        assertThat(elsewhere.exitCode()).isEqualTo(1);
        assertThat(linesWith(elsewhere.err(), "refused to run study mine's command")).hasSize(1);
        assertThat(elsewhere.err()).contains("4 trials remain that this worker may not run: study mine (command not allowed)");
        assertThat(dir.resolve("local")).doesNotExist();
        CliRun here = CliRun.of("study", "run", "mine", "--workers", "2", "--store", store());
        assertThat(here.exitCode()).as(here.err()).isZero();
        assertThat(dir.resolve("local")).exists();
        assertThat(statesAndAttempts("mine").values()).containsOnly("completed/1");
    }

    @Test
    void aStudyRunThatMayRunNothingEndsAtOnceWithExitOne() throws Exception {
        CliRun remote = onMachine(dir.resolve("their-config"), () -> CliRun.of("study", "create", "far", "--command",
                marking("far"), "--space", space().toString(), "--optimizers", "a", "--trials", "2", "--store", store()));
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        CliRun run = CliRun.of("study", "run", "far", "--store", store());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(linesWith(run.err(), "refused to run study far's command")).hasSize(1);
        assertThat(run.err()).contains("optbench: study far: 2 trials remain that this worker may not run");
        assertThat(dir.resolve("far")).doesNotExist();
    }

    @Test
    void anAllowListFileHoldsOneJsonStringPerLineAndABadLineIsAnInputError() throws Exception {
        Path file = dir.resolve("allowed.jsonl");
        Files.writeString(file, "# trusted\n\n\"python3 train.py\"\n\"printf 'a\\\\nb'\\nexit 0\"\n");
        assertThat(AllowedCommands.read(file, "--allow-commands")).containsExactly("python3 train.py", "printf 'a\\nb'\nexit 0");
        Files.writeString(file, "python3 train.py\n");
        CliRun bad = CliRun.of("worker", "--allow-commands", file.toString(), "--store", store());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("optbench: --allow-commands: line 1 of " + file + " is not a command as a"
                + " JSON string; write each command in double quotes, e.g. \"python3 train.py\" (\\\" for a quote, \\n for a"
                + " newline)");
    }

    @Test
    void aTrialSeesOnlyItsOwnSettingsThePathHomeLocaleAndWhatTheOperatorPasses() throws Exception {
        Path script = dir.resolve("env.sh");
        Files.writeString(script, "env > " + dir.resolve("env.txt") + "\necho '{\"step\": 1, \"validation_error\": 0.5}'\n");
        String command = "/bin/sh " + script;
        CliRun remote = onMachine(dir.resolve("their-config"), () -> CliRun.of("study", "create", "env", "--command", command,
                "--space", space().toString(), "--optimizers", "mine", "--trials", "1", "--store", store()));
        assertThat(remote.exitCode()).as(remote.err()).isZero();
        Path allow = dir.resolve("allow.jsonl");
        Files.writeString(allow, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(command) + "\n");
        // A worker process as an operator starts it: the store (with its password) and secrets in its environment.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.optbench.cli.Main", "worker", "--batch-trials", "1",
                "--pass-env", "FOO");
        Map<String, String> env = pb.environment();
        env.put("OPTBENCH_STORE", store());
        env.put("OPTBENCH_CONFIG", dir.resolve("worker-config").toString());
        env.put("OPTBENCH_ALLOW_COMMANDS", allow.toString());
        env.put("FOO", "passed on");
        env.put("AWS_SECRET_ACCESS_KEY", "s3cret");
        env.put("LC_ALL", "C.UTF-8");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile());
        Process worker = pb.start();
        assertThat(worker.waitFor()).as(Files.readString(dir.resolve("worker.log"))).isZero();
        String printed = Files.readString(dir.resolve("env.txt"));
        System.out.println("the trial's environment:\n" + printed);
        Map<String, String> seen = printed.lines().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
        assertThat(printed).doesNotContain("s3cret").doesNotContain("trust.db");
        Set<String> allowed = new TreeSet<>(Arrays.asList("OPTBENCH_HPARAMS", "OPTBENCH_SEED", "OPTBENCH_STEPS",
                "OPTBENCH_TRIAL", "OPTBENCH_OPTIMIZER", "PATH", "HOME", "LANG", "LANGUAGE", "FOO",
                "PWD")); // PWD: set by the shell itself
        assertThat(seen.keySet()).allSatisfy(name -> assertThat(allowed.contains(name) || name.startsWith("LC_")).as(name).isTrue());
        assertThat(seen).containsEntry("FOO", "passed on").containsEntry("LC_ALL", "C.UTF-8")
                .containsEntry("OPTBENCH_TRIAL", "env/mine#0").containsEntry("OPTBENCH_STEPS", "1000")
                .containsKeys("PATH", "OPTBENCH_HPARAMS", "OPTBENCH_SEED", "OPTBENCH_OPTIMIZER");
    }
}
