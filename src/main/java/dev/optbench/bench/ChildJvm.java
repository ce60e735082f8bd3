package dev.optbench.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a fresh JVM running optbench as this one runs: the same java, the same JVM
 * options (heap, huge pages, -D settings from the launcher) and class path. Benchmarks time such
 * children, so they must measure what the launcher runs, not a JVM set up differently.
 */
public final class ChildJvm {
    /** optbench's main class, named here because bench sits below cli (ChildJvmTest checks the name). */
    public static final String MAIN_CLASS = "dev.optbench.cli.Main";

    private ChildJvm() {}

    /** java, this JVM's options, then {@code overrides} (later options win), class path and optbench's main class. */
    public static List<String> command(List<String> overrides) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // a debugger or profiler attached to this JVM is not part of what is measured
            if (!option.startsWith("-agentlib") && !option.startsWith("-javaagent") && !option.startsWith("-Xrunjdwp")) {
                cmd.add(option);
            }
        }
        cmd.addAll(overrides);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MAIN_CLASS));
        return cmd;
    }
}
