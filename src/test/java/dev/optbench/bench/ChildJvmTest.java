package dev.optbench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Benchmarks' child JVMs run with this JVM's options, then the overrides, then optbench's main class. */
class ChildJvmTest {
    @Test
    void aChildGetsThisJvmsOptionsThenTheOverridesThenTheMainClass() {
        List<String> own = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(o -> !o.startsWith("-agentlib") && !o.startsWith("-javaagent")).toList();
        List<String> cmd = ChildJvm.command(List.of("-Xmx3g", "-Dx=1"));
        assertThat(cmd.get(0)).endsWith("java");
        assertThat(cmd.subList(1, 1 + own.size())).isEqualTo(own);
        assertThat(cmd.subList(1 + own.size(), cmd.size()))
                .containsExactly("-Xmx3g", "-Dx=1", "-cp", System.getProperty("java.class.path"), dev.optbench.cli.Main.class.getName());
        assertThat(cmd).noneMatch(o -> o.startsWith("-agentlib") || o.startsWith("-javaagent"));
    }
}
