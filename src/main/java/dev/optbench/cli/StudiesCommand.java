package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "studies", mixinStandardHelpOptions = true, description = "Not built yet.")
final class StudiesCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'studies' is not built yet");
        return 1;
    }
}
