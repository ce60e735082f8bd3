package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Not built yet.")
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'demo' is not built yet");
        return 1;
    }
}
