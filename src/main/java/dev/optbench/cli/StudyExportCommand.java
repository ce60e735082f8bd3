package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.Trial;
import dev.optbench.study.TrialExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "One row per trial: optimizer, trial, state, every hyperparameter, final validation and test error, steps, seconds.")
final class StudyExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--format", defaultValue = "csv", description = "csv or json (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of standard output.")
    Path output;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("csv") && !format.equals("json")) {
            throw new InputException("unknown format '" + Messages.quote(format) + "' (use --format csv or --format json)");
        }
        String text;
        try (SqlStudyStore s = store.openForReading()) {
            s.study(name);
            List<Trial> trials = s.trials(name, false);
            text = format.equals("csv") ? TrialExport.csv(trials) : TrialExport.json(trials);
        }
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(output, text);
            System.err.println("optbench: wrote " + output);
        }
        return 0;
    }
}
