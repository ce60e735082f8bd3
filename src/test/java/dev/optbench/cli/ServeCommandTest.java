package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** serve's options: loopback and 8080 by default, bad input is one line with exit 2 before anything is bound. */
class ServeCommandTest {
    @TempDir Path dir;

    @Test
    void bindsToLoopbackUnlessTold() {
        ServeCommand c = new ServeCommand();
        new CommandLine(c).parseArgs();
        assertThat(c.host).isEqualTo("127.0.0.1");
        assertThat(c.port).isEqualTo(8080);
        new CommandLine(c).parseArgs("--host", "0.0.0.0", "--port", "0");
        assertThat(c.host).isEqualTo("0.0.0.0");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String store = "sqlite:" + dir.resolve("none.db");
        CliRun port = CliRun.of("serve", "--port", "70000", "--store", store);
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err().strip()).isEqualTo("optbench: --port must be between 0 and 65535, not 70000");
        CliRun missing = CliRun.of("serve", "--port", "0", "--store", store);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no store at").doesNotContain("Exception");
        assertThat(dir.resolve("none.db")).doesNotExist();
        CliRun host = CliRun.of("serve", "--host", "no-such-host.invalid", "--port", "0", "--store", store);
        assertThat(host.exitCode()).isEqualTo(2);
        assertThat(host.err()).contains("unknown host 'no-such-host.invalid'").doesNotContain("warning");
    }

    @Test
    void benchServeReadsEveryPageOfASmallStore() {
        CliRun r = CliRun.of("bench", "serve", "--trials", "200", "--repeats", "1", "--bootstrap", "20");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("store: 200 trials");
        assertThat(r.out().lines().filter(l -> l.startsWith("/"))).hasSize(17)
                .anyMatch(l -> l.startsWith("/api/analysis?study=bench-full&study=bench-lr-only "))
                .anyMatch(l -> l.startsWith("/figure?"))
                .anyMatch(l -> l.startsWith("/api/live?study=bench-live (after a change)"));
        CliRun few = CliRun.of("bench", "serve", "--trials", "100");
        assertThat(few.exitCode()).isEqualTo(2);
        assertThat(few.err().strip()).isEqualTo("optbench: --trials must be at least 200, not 100");
    }
}
