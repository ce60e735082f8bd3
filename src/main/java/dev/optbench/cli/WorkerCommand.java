package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "worker", mixinStandardHelpOptions = true, description = "Not built yet.")
final class WorkerCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'worker' is not built yet");
        return 1;
    }
}
