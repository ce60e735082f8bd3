package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreUrlTest {
    @TempDir Path dir;

    @Test
    void acceptsTheThreeUrlForms() {
        StoreUrl s = StoreUrl.parse("sqlite:" + dir.resolve("a.db"));
        assertThat(s.dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("a.db"));
        StoreUrl p = StoreUrl.parse("postgresql://db.example:5433/optbench?user=u&password=s3cret&ssl=true");
        assertThat(p.dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/optbench?user=u&password=s3cret&ssl=true");
        assertThat(p.masked()).isEqualTo("postgresql://db.example:5433/optbench?user=u&password=***&ssl=true");
        assertThat(p.toString()).doesNotContain("s3cret");
        assertThat(StoreUrl.parse("jdbc:postgresql://h/db?password=x").dialect()).isEqualTo(Dialect.POSTGRESQL);
        assertThat(StoreUrl.parse("jdbc:sqlite:" + dir.resolve("b.db")).dialect()).isEqualTo(Dialect.SQLITE);
        assertThat(StoreUrl.parse("postgres://u:pw@h:1/db").masked()).isEqualTo("postgres://u:***@h:1/db");
    }

    @Test
    void scrubRemovesThePasswordWhereverADriverMessageRepeatsIt() {
        StoreUrl p = StoreUrl.parse("postgresql://h:1/db?user=u&password=hunter2");
        assertThat(p.scrub("FATAL: bad login for hunter2 at jdbc:postgresql://h:1/db?user=u&password=hunter2"))
                .doesNotContain("hunter2").contains("password=***");
    }

    @Test
    void everyWayOfWritingAPasswordIsMaskedWhole() {
        String[][] cases = {
            {"postgresql://h:1/db?user=u&password=p&Pw", "postgresql://h:1/db?user=u&password=***", "p&Pw"},
            {"postgresql://h:1/db?password=a;b&user=u", "postgresql://h:1/db?password=***&user=u", "a;b"},
            {"postgresql://h:1/db?user=u&PassWord=p%26w%40x&ssl=true", "postgresql://h:1/db?user=u&PassWord=***&ssl=true", "p%26w%40x"},
            {"jdbc:postgresql://h:1/db?user=u&password=s@c/r=t", "jdbc:postgresql://h:1/db?user=u&password=***", "s@c/r=t"},
            {"postgres://u:p@ss/w@rd@h:1/db", "postgres://u:***@h:1/db", "p@ss/w@rd"},
            {"postgresql://u:p&w:x@db.example/optbench?user=a@b", "postgresql://u:***@db.example/optbench?user=a@b", "p&w:x"},
            {"jdbc:postgresql://u:pw@h/db", "jdbc:postgresql://u:***@h/db", "pw"},
        };
        for (String[] c : cases) {
            StoreUrl url = StoreUrl.parse(c[0]);
            assertThat(url.masked()).as(c[0]).isEqualTo(c[1]);
            assertThat(url.password()).as(c[0]).isEqualTo(c[2]);
            assertThat(url.scrub("FATAL: login failed, " + c[0] + "\nagain " + c[2])).as(c[0])
                    .doesNotContain(c[2]);
        }
        // a driver that repeats the password decoded
        assertThat(StoreUrl.parse("postgresql://h/db?password=p%26w").scrub("auth failed for password p&w")).doesNotContain("p&w");
    }

    @Test
    void badUrlsAreOneLineInputErrorsWithoutThePassword() {
        assertThatThrownBy(() -> StoreUrl.parse("mysql://h/db?password=topsecret")).isInstanceOf(InputException.class)
                .hasMessageContaining("unsupported store URL").hasMessageNotContaining("topsecret")
                .hasMessageContaining("sqlite:PATH");
        assertThatThrownBy(() -> StoreUrl.parse("sqlite:")).hasMessageContaining("has no file path");
        assertThatThrownBy(() -> StoreUrl.parse("sqlite:" + dir.resolve("missing/dir/x.db")))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://")).hasMessageContaining("lacks host or database");
        // A server nobody listens on: a clear connection error (a runtime failure, not input), password masked.
        assertThatThrownBy(() -> StudyStores.open("postgresql://127.0.0.1:1/db?user=u&password=topsecret"))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("cannot connect to store postgresql://127.0.0.1:1/db")
                .hasMessageNotContaining("topsecret").hasMessageNotContaining("\n");
    }

    @Test
    void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws Exception {
        Path notes = dir.resolve("notes.txt");
        java.nio.file.Files.writeString(notes, "my notes, not a database\n".repeat(100));
        assertThatThrownBy(() -> StudyStores.open("sqlite:" + notes)).isInstanceOf(InputException.class)
                .hasMessageContaining("cannot open store sqlite:" + notes);
        assertThat(java.nio.file.Files.readString(notes)).isEqualTo("my notes, not a database\n".repeat(100));
    }

    @Test
    void resolutionOrderIsFlagThenEnvironmentThenDefault() {
        assertThat(StoreUrl.resolve("sqlite:x.db")).isEqualTo("sqlite:x.db");
        String env = System.getenv(StoreUrl.ENV);
        assertThat(StoreUrl.resolve(null)).isEqualTo(env == null || env.isBlank() ? "sqlite:optbench.db" : env);
    }
}
