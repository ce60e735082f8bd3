package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's and subcommand's --help: exit 0, a usage text, and no picocli warning. */
class HelpTest {
    @Test
    void everyCommandsHelpPrintsWithoutWarnings() {
        List<List<String>> paths = new ArrayList<>();
        walk(new CommandLine(new Main(dev.optbench.optim.OptimizerRegistry.BUILT_IN)), new ArrayList<>(), paths);
        assertThat(paths.size()).as("commands found").isGreaterThan(20);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            String shown = String.join(" ", args);
            assertThat(r.exitCode()).as(shown).isZero();
            assertThat(r.out()).as(shown).contains("Usage:");
            assertThat(r.out() + r.err()).as(shown).doesNotContain("[picocli WARN]").doesNotContain("Exception");
        }
    }

    @Test
    void aNegativeStoreRetryBudgetIsAUsageErrorInWords() {
        for (String command : new String[] {"worker", "demo"}) {
            CliRun r = CliRun.of(command, "--store-retry-seconds", "-1", "--store", "sqlite:/nonexistent/x.db");
            assertThat(r.exitCode()).as(command).isEqualTo(2);
            assertThat(r.err().strip()).as(command)
                    .isEqualTo("optbench: --store-retry-seconds must be a number of seconds >= 0, not -1.0");
        }
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        if (cl.getCommandSpec().helpCommand()) {
            return; // 'help' takes a command name, not --help
        }
        out.add(path);
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getKey().equals(e.getValue().getCommandName())) { // skip aliases
                List<String> sub = new ArrayList<>(path);
                sub.add(e.getKey());
                walk(e.getValue(), sub, out);
            }
        }
    }
}
