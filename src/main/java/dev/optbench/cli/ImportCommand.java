package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "import", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ImportCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'import' is not built yet");
        return 1;
    }
}
