package dev.optbench.cli;

import picocli.CommandLine.Command;

// PLACEHOLDER: replaced by the issue that owns this command.
@Command(name = "train", mixinStandardHelpOptions = true, description = "Not built yet.")
final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("optbench: 'train' is not built yet");
        return 1;
    }
}
