package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "protocols", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ProtocolsCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'protocols' is not built yet");
        return 1;
    }
}
