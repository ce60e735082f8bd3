package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import is one transaction with its study: a database failure after some rows are written
 * (injected through the store's import hook) leaves neither the new study nor any trial.
 */
class ImportAtomicityTest {
    @TempDir Path dir;
    private String pg;

    @AfterEach
    void dropPg() {
        TestStores.dropSchema(pg);
    }

    @Test
    void aFailureMidImportLeavesNoStudyAndNoTrialOnSqlite() {
        check(TestStores.sqlite(dir));
    }

    @Test
    void aFailureMidImportLeavesNoStudyAndNoTrialOnPostgres() {
        pg = TestStores.postgresFreshSchema();
        check(pg);
    }

    private static Trial trial(String optimizer, int index, double error) {
        return new Trial("csv", optimizer, index, TrialState.COMPLETED, Map.of("learning_rate", 0.1),
                Map.of("learning_rate", 0.1), 0, null, null, null, 10, 1.0, error, error, null, Map.of(), null,
                List.of(new Measurement(10, Split.VALIDATION, 0.5, error), new Measurement(10, Split.TEST, 0.6, error)));
    }

    private void check(String url) {
        StudyDefinition def = new StudyDefinition("imp", "fmnist_mlp-tiny", "lr-only", List.of("sgd", "adam"), 2, 0L,
                StudyPlan.IMPORTED, Map.of(), Instant.ofEpochMilli(1_700_000_000_000L));
        List<Trial> rows = List.of(trial("sgd", 0, 0.2), trial("sgd", 1, 0.3), trial("adam", 0, 0.25), trial("adam", 1, 0.4));
        try (SqlStudyStore store = StudyStores.open(url)) {
            String empty = store.dump();
            int[] seen = {0};
            store.importHook(n -> {
                seen[0] = n;
                if (n == 2) { // two trials and their curves are written; the third never comes
                    throw new SQLException("could not extend file: No space left on device", "53100");
                }
            });
            assertThatThrownBy(() -> store.createStudyWithTrials(def, rows)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("No space left on device").hasMessageNotContaining("SQLException");
            assertThat(seen[0]).isEqualTo(2);
            assertThat(store.findStudy("imp")).isEmpty();
            assertThat(store.dump()).isEqualTo(empty);

            // Into an existing study: the same failure leaves it exactly as it was.
            store.importHook(n -> { });
            store.createStudy(def);
            String created = store.dump();
            store.importHook(n -> {
                if (n == 3) {
                    throw new SQLException("terminating connection due to administrator command", "57P01");
                }
            });
            assertThatThrownBy(() -> store.importTrials("imp", rows)).isInstanceOf(StoreException.class);
            assertThat(store.dump()).isEqualTo(created);
            assertThat(store.trials("imp", false)).isEmpty();
            assertThat(store.deleteStudy("imp")).isTrue();

            // Without a failure the whole file lands with its study.
            store.importHook(n -> { });
            store.createStudyWithTrials(def, rows);
            List<Trial> stored = store.trials("imp", true);
            assertThat(stored).extracting(t -> t.optimizer() + "#" + t.index() + ":" + t.state().id() + ":" + t.validationError())
                    .containsExactly("adam#0:completed:0.25", "adam#1:completed:0.4", "sgd#0:completed:0.2", "sgd#1:completed:0.3");
            assertThat(stored).allSatisfy(t -> assertThat(t.curve()).hasSize(2));
        }
    }
}
