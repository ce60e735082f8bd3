package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores written by older schemas open, upgrade and read back: version 1 (before external trials,
 * seed repeats and fitting) and version 2 (external trials, before seed repeats and fitting).
 */
class SchemaUpgradeTest {
    @TempDir Path dir;

    @Test
    void versionOneStoreUpgradesWithOneSeedPerPointAndStageOne() throws Exception {
        Path db = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String ddl : Schema.MIGRATIONS.get(0)) {
                s.execute(ddl);
            }
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (1)");
            s.execute("INSERT INTO studies VALUES ('old', 'quadratic', 'lr-only', '[\"sgd\"]', 2, 5, 'halton',"
                    + " '{\"sgd\":\"{\\\"learning_rate\\\":{\\\"min\\\":1e-3,\\\"max\\\":1,\\\"scaling\\\":\\\"log\\\"}}\"}', 0)");
            s.execute("INSERT INTO trials (study, optimizer, trial_index, state, searched, hparams, seed, validation_error,"
                    + " test_error) VALUES ('old', 'sgd', 0, 'completed', '{\"learning_rate\":0.01}', '{\"learning_rate\":0.01}',"
                    + " 11, 0.2, 0.25), ('old', 'sgd', 1, 'pending', '{\"learning_rate\":0.1}', '{\"learning_rate\":0.1}', 12,"
                    + " NULL, NULL)");
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            StudyDefinition def = store.study("old");
            assertThat(def.seeds()).isEqualTo(1);
            assertThat(def.fit()).isNull();
            List<Trial> trials = store.trials("old", false);
            assertThat(trials).extracting(Trial::point).containsExactly(0, 1);
            assertThat(trials).extracting(Trial::repeat).containsExactly(0, 0);
            assertThat(trials).extracting(Trial::stage).containsExactly(1, 1);
            assertThat(trials.get(0).validationError()).isEqualTo(0.2);
            // the pending trial of the old store is still claimable
            assertThat(store.claim("old", "w", 10_000)).get().extracting(Claim::index).isEqualTo(1);
            assertThat(store.dump()).contains("{version=" + Schema.latest() + "}");
        }
    }

    @Test
    void migrationTwoIsExternalTrialsAndSeedRepeatsComeAfterIt() {
        // stores made by the release with external trials are at version 2: its migration must not change
        assertThat(Schema.MIGRATIONS.get(1)).containsExactly("ALTER TABLE studies ADD COLUMN external TEXT");
        assertThat(Schema.latest()).isEqualTo(5);
        assertThat(String.join(";", Schema.MIGRATIONS.get(2))).contains("ADD COLUMN seeds").contains("fitted_spaces");
    }

    @Test
    void versionTwoStoreWithAnExternalStudyUpgradesKeepingItsCommand() throws Exception {
        Path db = dir.resolve("v2.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (List<String> migration : Schema.MIGRATIONS.subList(0, 2)) {
                for (String ddl : migration) {
                    s.execute(ddl);
                }
            }
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (2)");
            s.execute("INSERT INTO studies (name, workload, protocol, optimizers, trials_per_optimizer, seed, sampler, spaces,"
                    + " created_ms, external) VALUES ('ext', 'external', 'custom', '[\"mine\"]', 2, 5, 'halton',"
                    + " '{\"mine\":\"{\\\"learning_rate\\\":{\\\"min\\\":1e-3,\\\"max\\\":1,\\\"scaling\\\":\\\"log\\\"}}\"}', 0,"
                    + " '{\"command\":\"python3 t.py\",\"steps\":40,\"timeout_seconds\":0.0}')");
            s.execute("INSERT INTO trials (study, optimizer, trial_index, state, searched, hparams, seed, validation_error,"
                    + " test_error) VALUES ('ext', 'mine', 0, 'completed', '{\"learning_rate\":0.01}', '{\"learning_rate\":0.01}',"
                    + " 11, 0.3, 0.35), ('ext', 'mine', 1, 'pending', '{\"learning_rate\":0.1}', '{\"learning_rate\":0.1}', 12,"
                    + " NULL, NULL)");
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            StudyDefinition def = store.study("ext");
            assertThat(def.external()).isEqualTo(new ExternalCommand("python3 t.py", 40, 0));
            assertThat(def.seeds()).isEqualTo(1);
            assertThat(def.fit()).isNull();
            List<Trial> trials = store.trials("ext", false);
            assertThat(trials).extracting(Trial::point).containsExactly(0, 1);
            assertThat(trials).extracting(Trial::repeat).containsExactly(0, 0);
            assertThat(trials).extracting(Trial::stage).containsExactly(1, 1);
            assertThat(trials.get(0).validationError()).isEqualTo(0.3);
            assertThat(store.claim("ext", "w", 10_000)).get().extracting(Claim::index).isEqualTo(1);
            assertThat(store.dump()).contains("{version=" + Schema.latest() + "}");
        }
    }

    @Test
    void versionThreeStoreGetsEachStudysFingerprintFromItsRowAndNoticesLaterChanges() throws Exception {
        Path db = dir.resolve("v3.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (List<String> migration : Schema.MIGRATIONS.subList(0, 3)) {
                for (String ddl : migration) {
                    s.execute(ddl);
                }
            }
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (3)");
            s.execute("INSERT INTO studies (name, workload, protocol, optimizers, trials_per_optimizer, seed, sampler, spaces,"
                    + " created_ms) VALUES ('old', 'quadratic', 'lr-only', '[\"sgd\"]', 1, 5, 'halton', '{}', 0)");
            s.execute("INSERT INTO trials (study, optimizer, trial_index, state, searched, hparams, seed) VALUES ('old',"
                    + " 'sgd', 0, 'pending', '{}', '{\"learning_rate\":0.1}', 12)");
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            assertThat(store.unfinishedStudies("old")).singleElement()
                    .satisfies(st -> assertThat(st.fingerprintMatches()).isTrue());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT fingerprint FROM studies")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(StudyFingerprint.of("old", "quadratic", "lr-only", "[\"sgd\"]", 1, 5,
                    "halton", "{}", 0, null, 1, null));
            s.execute("UPDATE studies SET trials_per_optimizer = 2"); // executeQuery's result set is done with
        }
        try (SqlStudyStore store = StudyStores.open("sqlite:" + db)) {
            assertThat(store.unfinishedStudies("old")).singleElement()
                    .satisfies(st -> assertThat(st.fingerprintMatches()).isFalse());
        }
    }
}
