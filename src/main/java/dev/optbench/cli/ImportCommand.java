package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.analysis.TrialCsv;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Load trials made elsewhere from CSV into a study (created if absent).",
            "Columns: optimizer, trial, validation_error, test_error, optional steps_to_target (empty = not reached), "
                + "then any hyperparameter columns. The columns of 'optbench study export' work too.",
            "The whole file is checked first: a bad row is reported with its line number and nothing is imported."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.csv")
    Path file;

    @Option(names = "--study", required = true, paramLabel = "NAME")
    String study;

    @Option(names = "--workload", required = true, paramLabel = "W",
            description = "The workload the trials ran on (its target gives steps to target when known).")
    String workload;

    @Option(names = "--protocol", required = true, paramLabel = "P", description = "The tuning protocol they followed.")
    String protocol;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (workload.isBlank() || protocol.isBlank()) {
            throw new InputException("--workload and --protocol must not be empty");
        }
        TrialCsv csv = TrialCsv.read(Main.optimizers(spec), file, study); // every row checked before the store is opened
        try (SqlStudyStore s = store.openOrCreate()) { // an import may start a new store
            Optional<StudyDefinition> existing = s.findStudy(study);
            boolean created = existing.isEmpty();
            if (existing.isPresent()) {
                check(existing.get(), csv);
                s.importTrials(study, csv.trials());
            } else { // one transaction: a failure midway leaves neither the study nor any trial
                s.createStudyWithTrials(csv.definition(study, workload, protocol,
                        Instant.ofEpochMilli(System.currentTimeMillis())), csv.trials());
            }
            spec.commandLine().getOut().println("imported " + csv.trials().size() + " trials ("
                    + String.join(", ", csv.optimizers().stream().map(Messages::quote).toList()) + ") into "
                    + (created ? "new " : "") + "study " + study);
            spec.commandLine().getOut().flush();
            warnIfUnequal(s);
        }
        return 0;
    }

    /**
     * One stderr line when the optimizers of the study now have different numbers of trials: the
     * analysis takes each optimizer's best over all its own trials and runs its bootstrap curve to
     * its own count, so the one with more trials had more tuning (SPEC: equal budgets).
     */
    private void warnIfUnequal(SqlStudyStore s) {
        java.util.Map<String, Integer> count = new java.util.TreeMap<>();
        s.trials(study, false).forEach(t -> count.merge(t.optimizer(), 1, Integer::sum));
        int fewest = count.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        int most = count.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (fewest != most) {
            StringBuilder counts = new StringBuilder();
            count.forEach((o, n) -> counts.append(counts.length() == 0 ? "" : ", ").append(Messages.quote(o)).append(' ').append(n));
            spec.commandLine().getErr().println("optbench: warning: study " + study + " now has unequal budgets ("
                    + counts + " trials); the analysis takes each optimizer's best over all its own trials, so compare"
                    + " at " + fewest + " trials (the bootstrap curves at k = " + fewest + ") or import the missing trials");
            spec.commandLine().getErr().flush();
        }
    }

    private void check(StudyDefinition def, TrialCsv csv) {
        if (!def.workload().equals(workload) || !def.protocol().equals(protocol)) {
            throw new InputException("study '" + study + "' is on workload " + def.workload() + " with protocol "
                    + def.protocol() + ", not " + Messages.quote(workload) + "/" + Messages.quote(protocol)
                    + "; import into another study or fix the flags");
        }
        List<String> unknown = csv.optimizers().stream().filter(o -> !def.optimizers().contains(o)).toList();
        if (!unknown.isEmpty()) {
            throw new InputException("study '" + study + "' has no optimizer " + Messages.quote(String.join(", ", unknown)) + " (it has "
                    + String.join(", ", def.optimizers()) + "); import into a new study instead");
        }
    }
}
