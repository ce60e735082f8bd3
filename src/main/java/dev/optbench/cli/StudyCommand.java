package dev.optbench.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** optbench study create | run | status | export. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Create, run, watch and export a study (workload × protocol × optimizers × trials).",
        subcommands = {StudyCreateCommand.class, StudyRunCommand.class, StudyStatusCommand.class, StudyExportCommand.class})
final class StudyCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
