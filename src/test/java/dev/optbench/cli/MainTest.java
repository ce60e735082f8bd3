package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void helpAndVersionExitZero() {
        assertThat(Main.execute("--help")).isZero();
        assertThat(Main.execute("--version")).isZero();
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(Main.execute("--no-such-flag")).isEqualTo(2);
        assertThat(Main.execute("no-such-command")).isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsARuntimeFailureExitOne() {
        CliRun r = CliRun.of("studies", "--store", "postgresql://127.0.0.1:1/db?user=u&password=top&secret");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("optbench: cannot connect to store postgresql://127.0.0.1:1/db?user=u&password=***")
                .doesNotContain("top").doesNotContain("secret");
        assertThat(r.err().strip()).doesNotContain("\n");
    }
}
