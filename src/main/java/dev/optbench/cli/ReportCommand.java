package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "report", mixinStandardHelpOptions = true, description = "Not built yet.")
final class ReportCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'report' is not built yet");
        return 1;
    }
}
