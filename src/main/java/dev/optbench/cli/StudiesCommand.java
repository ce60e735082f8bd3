package dev.optbench.cli;

import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudySummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "studies", mixinStandardHelpOptions = true, description = "List the studies in the store.")
final class StudiesCommand implements Callable<Integer> {
    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (SqlStudyStore s = store.openForReading()) {
            List<StudyDefinition> studies = s.studies();
            if (studies.isEmpty()) {
                out.println("no studies in " + s.url().masked() + " (create one with 'optbench study create')");
                return 0;
            }
            List<List<String>> rows = new java.util.ArrayList<>();
            for (StudyDefinition d : studies) {
                StudySummary sum = StudySummary.of(s, d.name());
                rows.add(List.of(d.name(), d.workload(), d.protocol(), String.join(",", d.optimizers()),
                        String.valueOf(d.trialsPerOptimizer()), sum.done() + "/" + sum.total(), d.created().toString()));
            }
            // columns as wide as their widest cell: study names of any length keep the rest aligned
            out.print(new TextTable(List.of("study", "workload", "protocol", "optimizers", "trials", "done/total", "created"),
                    rows).render());
            out.flush();
        }
        return 0;
    }
}
