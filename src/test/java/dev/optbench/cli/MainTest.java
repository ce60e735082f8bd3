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
}
