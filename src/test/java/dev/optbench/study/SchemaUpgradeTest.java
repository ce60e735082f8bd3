package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by schema version 1 (before seed repeats and fitting) opens, upgrades and reads back. */
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
}
