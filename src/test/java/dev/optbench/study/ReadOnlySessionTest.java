package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StudyStores.openReadOnly (the dashboard's store): it reads, and the database itself refuses every write. */
class ReadOnlySessionTest {
    private static final String SPACE = "{\"learning_rate\": {\"min\": 1e-4, \"max\": 1.0, \"scaling\": \"log\"}}";

    @TempDir Path dir;

    @Test
    void sqliteStoreOpenedReadOnlyRefusesWrites() {
        check("sqlite:" + dir.resolve("ro.db"));
    }

    @Test
    void postgresSessionOpenedReadOnlyRefusesWrites() throws Exception {
        String base = System.getenv("OPTBENCH_TEST_PG");
        Assumptions.assumeTrue(base != null && !base.isBlank(), "OPTBENCH_TEST_PG is not set: PostgreSQL read-only test skipped");
        String schema = "ro_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection("jdbc:" + base); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            check(base + "&currentSchema=" + schema);
        } finally {
            try (Connection c = DriverManager.getConnection("jdbc:" + base); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void check(String url) {
        try (SqlStudyStore writer = StudyStores.open(url)) {
            writer.createStudy(definition("kept"));
            String before = writer.dump();
            String mark = writer.changeMark("kept");
            try (SqlStudyStore reader = StudyStores.openReadOnly(url)) {
                assertThat(reader.trials("kept", false)).hasSize(2);
                assertThat(reader.changeMark("kept")).isEqualTo(mark);
                assertThatThrownBy(() -> reader.createStudy(definition("new"))).isInstanceOf(StoreException.class)
                        .hasMessageContaining("read");
                assertThatThrownBy(() -> reader.deleteStudy("kept")).isInstanceOf(StoreException.class);
                assertThatThrownBy(() -> reader.claim("kept", "w", 1000)).isInstanceOf(StoreException.class);
                var claim = writer.claim("kept", "w", 60_000).orElseThrow();
                assertThat(reader.changeMark("kept")).as("a claim changes the mark").isNotEqualTo(mark);
                writer.release(claim);
            }
            assertThat(writer.dump().replaceAll("attempt=\\d+", "")).isEqualTo(before.replaceAll("attempt=\\d+", ""));
        }
    }

    private static StudyDefinition definition(String name) {
        return new StudyDefinition(name, "fmnist_mlp-tiny", "lr-only", List.of("sgd"), 2, 1, "halton", Map.of("sgd", SPACE),
                Instant.parse("2026-01-01T00:00:00Z"));
    }
}
