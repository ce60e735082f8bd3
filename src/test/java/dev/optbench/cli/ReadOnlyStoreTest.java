package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SQLite store its reader may not write (a file without write permission, a read-only mount):
 * the commands that only read work on it and leave it as it was.
 */
class ReadOnlyStoreTest {
    @TempDir Path dir;

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @Test
    void readingCommandsWorkOnAStoreNobodyMayWrite() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("ro"));
        Path db = folder.resolve("s.db");
        String store = "sqlite:" + db;
        Path csv = dir.resolve("t.csv");
        StringBuilder rows = new StringBuilder("optimizer,trial,validation_error,test_error,learning_rate\n");
        for (int i = 0; i < 6; i++) {
            rows.append("sgd,").append(i).append(',').append(0.30 - 0.01 * i).append(",0.3,0.1\n");
            rows.append("adam,").append(i).append(',').append(0.25 - 0.01 * i).append(",0.25,0.001\n");
        }
        Files.writeString(csv, rows);
        assertThat(CliRun.of("import", csv.toString(), "--study", "imp", "--workload", "fmnist_mlp", "--protocol", "full",
                "--store", store).exitCode()).isZero();
        byte[] before = Files.readAllBytes(db);
        List<Path> filesBefore = list(folder);
        readOnly(folder, db, true);
        try {
            // root on a file system without the immutable attribute: nothing can make a file read-only for it
            // (readingCommandsNeverTakeTheWriteLock below checks the same code without privileges)
            org.junit.jupiter.api.Assumptions.assumeTrue(cannotWrite(db), "could not make the store read-only here");
            CliRun studies = CliRun.of("studies", "--store", store);
            assertThat(studies.exitCode()).as(studies.err()).isZero();
            assertThat(studies.out()).contains("imp");
            CliRun status = CliRun.of("study", "status", "imp", "--store", store);
            assertThat(status.exitCode()).as(status.err()).isZero();
            CliRun export = CliRun.of("study", "export", "imp", "--store", store);
            assertThat(export.exitCode()).as(export.err()).isZero();
            assertThat(export.out().lines().count()).isEqualTo(13);
            CliRun analyze = CliRun.of("analyze", "imp", "--json", "--bootstrap", "100", "--store", store);
            assertThat(analyze.exitCode()).as(analyze.err()).isZero();
            CliRun report = CliRun.of("report", "imp", "--out", dir.resolve("report").toString(), "--bootstrap", "100",
                    "--store", store);
            assertThat(report.exitCode()).as(report.err()).isZero();
            assertThat(dir.resolve("report/report.html")).exists();
            // a writing command says what is wrong in one line
            CliRun create = CliRun.of("import", csv.toString(), "--study", "imp2", "--workload", "fmnist_mlp", "--protocol",
                    "full", "--store", store);
            assertThat(create.exitCode()).isEqualTo(2);
            assertThat(create.err().strip()).doesNotContain("\n").contains("it is read-only");
        } finally {
            readOnly(folder, db, false);
        }
        assertThat(Files.readAllBytes(db)).isEqualTo(before);
        assertThat(list(folder)).isEqualTo(filesBefore);
    }

    /** Readers take no write lock: with another connection holding the store's write lock, they still run. */
    @Test
    void readingCommandsNeverTakeTheWriteLock() throws Exception {
        Path db = dir.resolve("locked.db");
        String store = "sqlite:" + db;
        Path csv = Files.writeString(dir.resolve("t.csv"), "optimizer,trial,validation_error,test_error\nsgd,0,0.2,0.2\n"
                + "sgd,1,0.3,0.3\nadam,0,0.1,0.1\nadam,1,0.4,0.4\n");
        assertThat(CliRun.of("import", csv.toString(), "--study", "imp", "--workload", "w", "--protocol", "p", "--store", store)
                .exitCode()).isZero();
        try (java.sql.Connection writer = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE"); // held until the end: a reader that wanted to write would wait, then fail
            for (String[] args : List.of(new String[] {"studies"}, new String[] {"study", "status", "imp"},
                    new String[] {"study", "export", "imp"}, new String[] {"analyze", "imp", "--bootstrap", "50"})) {
                String[] full = java.util.Arrays.copyOf(args, args.length + 2);
                full[args.length] = "--store";
                full[args.length + 1] = store;
                CliRun r = CliRun.of(full);
                assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
            }
            s.execute("ROLLBACK");
        }
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    /** Root ignores permissions: the immutable attribute stands in for a read-only mount. */
    private static void readOnly(Path folder, Path db, boolean on) throws Exception {
        if (ROOT) {
            for (Path p : List.of(db, folder)) {
                Process chattr = new ProcessBuilder("chattr", on ? "+i" : "-i", p.toString()).redirectErrorStream(true).start();
                chattr.getInputStream().readAllBytes();
                chattr.waitFor();
            }
        } else {
            db.toFile().setWritable(on ? false : true, false);
            folder.toFile().setWritable(on ? false : true, false);
        }
    }

    private static boolean cannotWrite(Path db) {
        try (var out = Files.newOutputStream(db, StandardOpenOption.APPEND)) {
            return false;
        } catch (IOException refused) {
            return true;
        }
    }
}
