package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker may claim: loaded optimizers only, unchanged definitions only, allowed commands only. */
class ClaimGateTest {
    @TempDir Path dir;

    private String url() {
        return TestStores.sqlite(dir);
    }

    private void sql(String statement, String... values) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:" + url()); var ps = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    /**
     * A study of sgd and lion as a machine with the lion plug-in makes it: this test process has no
     * lion, so the study is made with adam and renamed, its fingerprint recorded for the renamed row.
     */
    private void createWithLion(SqlStudyStore store, String name) throws Exception {
        store.createStudy(StoreContract.definition(name, List.of("sgd", "adam"), 3));
        sql("UPDATE studies SET optimizers = '[\"sgd\",\"lion\"]', spaces = replace(spaces, '\"adam\"', '\"lion\"'),"
                + " fingerprint = NULL WHERE name = ?", name);
        sql("UPDATE trials SET optimizer = 'lion' WHERE optimizer = 'adam' AND study = ?", name);
        try (Connection c = DriverManager.getConnection("jdbc:" + url())) {
            StudyFingerprint.fillMissing(c);
        }
    }

    /** optimizer#index → state/attempt, straight from the table. */
    private Map<String, String> statesAndAttempts(String study) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:" + url()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT optimizer, trial_index, state, attempt FROM trials WHERE study = '"
                        + study + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "#" + rs.getInt(2), rs.getString(3) + "/" + rs.getInt(4));
            }
        }
        return out;
    }

    @Test
    void aWorkerWithoutThePlugInRunsTheSgdTrialsAndLeavesLionsPendingSayingSoOnce() throws Exception {
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (SqlStudyStore store = StudyStores.open(url())) {
            createWithLion(store, "plug");
            assertThat(store.study("plug").optimizers()).containsExactly("sgd", "lion");
            ClaimGate gate = new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.OptimizerRegistry.BUILT_IN, new Notices(said::add));
            int stored = new Worker(store, gate, new QuadraticRunner(5), "plug", "w", 5_000, new Worker.Listener() {}).run();
            assertThat(stored).isEqualTo(3);
            assertThat(gate.remaining("plug")).isEqualTo("3 trials remain that this worker may not run: study plug"
                    + " (optimizer lion not loaded)");
            // in the same JVM, a gate whose registry has a lion plug-in admits the lion trials, silently
            ClaimGate withLion = new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.ThrowingRule.registry(
                    new dev.optbench.optim.ThrowingRule("lion", IllegalStateException::new)), new Notices(said::add));
            assertThat(withLion.refresh("plug").runnable()).containsExactly(Map.entry("plug", Set.of("sgd", "lion")));
            assertThat(withLion.remaining("plug")).isNull();
        }
        assertThat(statesAndAttempts("plug")).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "lion#0", "pending/0", "lion#1", "pending/0", "lion#2", "pending/0",
                "sgd#0", "completed/1", "sgd#1", "completed/1", "sgd#2", "completed/1")));
        assertThat(said).containsExactly("optbench: study plug needs optimizer 'lion', which this worker has not loaded:"
                + " its lion trials are left pending (load its plug-in with --plugins DIR or $OPTBENCH_PLUGINS)");
    }

    @Test
    void aBuiltInStudyRewrittenIntoAnExternalOneRunsOnlyWhereItsCommandIsAllowedAndIsNoticedEverywhere() throws Exception {
        List<String> said = new ArrayList<>();
        String command = "touch " + dir.resolve("marker") + "; echo '{\"step\": 1, \"validation_error\": 0.01}'";
        try (SqlStudyStore store = StudyStores.open(url())) {
            store.createStudy(StoreContract.definition("victim", List.of("sgd"), 2));
            store.createStudy(StoreContract.definition("other", List.of("adam"), 2));
            ClaimGate strict = new ClaimGate(store, CommandPolicy.NONE, dev.optbench.optim.OptimizerRegistry.BUILT_IN, new Notices(said::add));
            assertThat(strict.refresh(null).runnable()).containsOnlyKeys("victim", "other");
            StudyDefinition before = strict.definition("victim");
            sql("UPDATE studies SET workload = 'external', external = ? WHERE name = 'victim'",
                    new ExternalCommand(command, 1, 0).toJson());
            sql("UPDATE studies SET trials_per_optimizer = 1 WHERE name = 'other'");
            // until the gate looks again, the runner runs the definition it admitted, not the rewritten row
            assertThat(strict.definition("victim")).isEqualTo(before);
            ClaimFilter filter = strict.refresh(null);
            assertThat(filter.runnable()).isEmpty();
            assertThat(store.claim(null, "w", 5_000, filter)).isEmpty();
            assertThat(store.unfinished(null, filter)).isZero();
            assertThatThrownBy(() -> strict.definition("victim")).isInstanceOf(IllegalStateException.class);
            assertThat(said).hasSize(3);
            assertThat(said).filteredOn(l -> l.startsWith("optbench: refused to run study victim's command 'touch "))
                    .singleElement().asString().contains(ClaimGate.shellQuote(dev.optbench.Messages.quote(command)))
                    .contains("… (" + command.length() + " characters)'").contains("--allow-command 'touch ");
            assertThat(said).contains("optbench: refused study victim: its definition in the store no longer"
                    + " matches the fingerprint recorded when it was created (it was changed afterwards, e.g. by SQL);"
                    + " its trials are left pending");
            // a built-in study whose row changed runs nowhere: no operator vouches for it
            assertThat(said).filteredOn(l -> l.startsWith("optbench: refused study other: ")).hasSize(1);

            // where the operator allowed that exact command, it runs, and the worker still says the row changed
            said.clear();
            ClaimGate allowing = new ClaimGate(store, new CommandPolicy(Set.of(command), Set.of()), dev.optbench.optim.OptimizerRegistry.BUILT_IN, new Notices(said::add));
            assertThat(allowing.refresh(null).runnable()).containsOnlyKeys("victim");
            assertThat(allowing.definition("victim").external().command()).isEqualTo(command);
            assertThat(said).hasSize(2).contains("optbench: warning: study victim: its definition in the store no longer"
                    + " matches the fingerprint recorded when it was created (it was changed afterwards, e.g. by SQL);"
                    + " running it anyway, because its operator allowed its command here");
            assertThat(said).filteredOn(l -> l.startsWith("optbench: refused study other: ")).hasSize(1);
        }
        assertThat(statesAndAttempts("victim")).containsOnly(Map.entry("sgd#0", "pending/0"), Map.entry("sgd#1", "pending/0"));
        assertThat(dir.resolve("marker")).doesNotExist();
    }

    @Test
    void aRefusedCommandIsQuotedReadyForTheShell() {
        assertThat(ClaimGate.shellQuote("echo 'hi'")).isEqualTo("'echo '\\''hi'\\'''");
    }

    @Test
    void theFilterNamesEachAdmittedStudyWithItsOptimizers() {
        assertThat(ClaimFilter.ANY.sql()).isEmpty();
        assertThat(new ClaimFilter(Map.of(), dev.optbench.optim.OptimizerRegistry.BUILT_IN).sql()).isEqualTo(" AND 1 = 0");
        assertThat(new ClaimFilter(Map.of("a", Set.of("sgd", "adam"), "b", Set.of("x"), "c", Set.of()), dev.optbench.optim.OptimizerRegistry.BUILT_IN).sql())
                .isEqualTo(" AND ((study = ? AND optimizer IN (?, ?)) OR (study = ? AND optimizer IN (?)))");
    }

    @Test
    void passingOptbenchsOwnVariablesOrABadNameIsAnInputError() {
        assertThatThrownBy(() -> new CommandPolicy(Set.of(), Set.of("OPTBENCH_STORE")))
                .hasMessageContaining("never passed to trials");
        assertThatThrownBy(() -> new CommandPolicy(Set.of(), Set.of("A=B"))).hasMessageStartingWith("--pass-env A=B:");
    }
}
