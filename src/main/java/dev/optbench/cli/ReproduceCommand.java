package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.AnalysisText;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.experiment.Experiment;
import dev.optbench.experiment.Experiments;
import dev.optbench.experiment.PlannedStudy;
import dev.optbench.experiment.Scale;
import dev.optbench.experiment.ScaleSettings;
import dev.optbench.layout.Layout;
import dev.optbench.layout.LayoutChooser;
import dev.optbench.layout.Layouts;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.report.ReportWriter;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.StudyDefinition;
import dev.optbench.study.StudySetup;
import dev.optbench.study.StudySummary;
import dev.optbench.study.TrialState;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Workloads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs one of the paper's experiments end to end: every (workload, protocol) study it plans,
 * then the analysis and a report comparing the protocols. Everything is checked (names, data
 * files, existing studies) before the first trial runs; rerunning resumes the same studies.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Reproduce one of the paper's experiments: protocols × optimizers on its workloads, then the "
                + "analysis and a report with rankings, rank flips and inclusion consistency across protocols.",
            "Rerunning the same command resumes its studies without redoing finished trials."})
final class ReproduceCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Experiment (see --list).")
    String name;

    @Option(names = "--list", description = "Describe each experiment, its scales and their expected cost.")
    boolean list;

    @Option(names = "--scale", defaultValue = "tiny", description = "tiny, cpu or paper (default ${DEFAULT-VALUE}).")
    String scale;

    @Option(names = "--trials", paramLabel = "N",
            description = "Trials per optimizer in every study, instead of the scale's (see --list).")
    Integer trials;

    @Option(names = "--protocols", split = ",", paramLabel = "P",
            description = "Run only these of the experiment's protocols, e.g. lr-only,full (default: all of them).")
    List<String> protocols;

    @Mixin ReproductionOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            describeAll(out);
            return 0;
        }
        if (name == null) {
            throw new InputException("name an experiment, e.g. 'optbench reproduce protocols-fmnist' "
                    + "(see 'optbench reproduce --list')");
        }
        Experiment experiment = Experiments.get(name);
        if (protocols != null) {
            for (String p : protocols) {
                if (!experiment.protocols().contains(p)) {
                    throw new InputException("--protocols: " + experiment.name() + " has no protocol '" + Messages.quote(p)
                            + "'; choose from " + String.join(", ", experiment.protocols()));
                }
            }
        }
        return run(experiment, Scale.fromId(scale), options, out, trials, protocols);
    }

    /** Runs {@code experiment} at {@code s}: check everything, run every study, analyse, write the report. */
    static int run(Experiment experiment, Scale s, ReproductionOptions o, PrintWriter out) throws InterruptedException {
        return run(experiment, s, o, out, null, null);
    }

    /** As above, with the trials per optimizer and the protocols overridden where not null. */
    static int run(Experiment experiment, Scale s, ReproductionOptions o, PrintWriter out, Integer trials,
            List<String> protocols) throws InterruptedException {
        var analysisOptions = o.analysis.options();
        Integer fixedWorkers = Layouts.parseCount(o.workers, "--workers");
        Integer fixedBatch = o.trials.fixedBatch();
        List<StudyDefinition> defs = define(experiment, s, trials, protocols);
        checkData(experiment, s, o.trials.dataDir);
        String deviceName = o.trials.checkedDevice();
        long lease = o.trials.leaseMillis();
        Path reportDir = o.reportDir(experiment, s);
        var retry = o.trials.storeRetry();
        try (SqlStudyStore st = o.store.openOrCreate().retrying(retry)) {
            for (StudyDefinition def : defs) {
                createOrResume(st, def);
            }
            int failed = 0;
            Integer threads = null;
            Layout previous = null;
            for (StudyDefinition def : defs) {
                // the thread count is process-wide: the first study's choice holds for the rest
                LayoutChooser.Choice choice = Layouts.choose(def.workload(), fixedWorkers, fixedBatch, threads,
                        StudySummary.of(st, def.name()).count(TrialState.PENDING));
                Layout layout = choice.layout().equals(previous) ? previous : Layouts.realize(choice, System.err);
                threads = layout.threads();
                previous = layout;
                StudySummary end = o.trials.withBatchTrials(layout.batchTrials()).runLocally(OptimizerRegistry.BUILT_IN, st,
                        def.name(), layout.workers(), lease);
                failed += end.count(TrialState.FAILED);
            }
            List<StudyData> data = StudyInputs.load(st, defs.stream().map(StudyDefinition::name).toList());
            AnalysisResult result = new Analyzer(analysisOptions).analyze(data);
            ReportWriter.Written written = ReportWriter.write(result, data, reportDir);
            out.print(AnalysisText.write(result));
            out.println();
            out.println("report: " + written.html().toAbsolutePath());
            out.flush();
            if (failed > 0) {
                System.err.println("optbench: " + failed + " trials failed; see 'optbench study export NAME --format json' "
                        + "and retry them with 'optbench study run NAME --retry-failed'");
                return 1;
            }
            return 0;
        }
    }

    /** Every study definition, built and checked before anything is stored. */
    private static List<StudyDefinition> define(Experiment experiment, Scale s, Integer trials, List<String> protocols) {
        List<StudyDefinition> defs = new ArrayList<>();
        for (PlannedStudy p : experiment.plan(s)) {
            if (protocols == null || protocols.contains(p.protocol())) {
                // an experiment names built-in optimizers only
                defs.add(StudySetup.define(OptimizerRegistry.BUILT_IN, p.studyName(), p.workload(), p.protocol(), p.optimizers(),
                        trials != null ? trials : p.trialsPerOptimizer(), p.seed(), null, null));
            }
        }
        return defs;
    }

    /** Loads each workload's data once now: a missing file stops everything before the first trial. */
    private static void checkData(Experiment experiment, Scale s, Path dataDir) {
        for (String workload : experiment.settings(s).workloads()) {
            var w = Workloads.get(workload);
            if (w.gpuOnly() && s != Scale.PAPER) {
                throw new InputException(workload + " needs a GPU; use --scale paper on a GPU machine");
            }
            Datasets.load(w.data(), dataDir);
        }
    }

    /** A study from an earlier run of the same command is resumed; one defined differently is an error. */
    private static void createOrResume(SqlStudyStore st, StudyDefinition def) {
        Optional<StudyDefinition> existing = st.findStudy(def.name());
        if (existing.isEmpty()) {
            st.createStudy(def);
            return;
        }
        StudyDefinition e = existing.get();
        boolean same = e.workload().equals(def.workload()) && e.protocol().equals(def.protocol())
                && e.optimizers().equals(def.optimizers()) && e.trialsPerOptimizer() == def.trialsPerOptimizer()
                && e.seed() == def.seed() && e.sampler().equals(def.sampler()) && e.spaces().equals(def.spaces())
                && e.seeds() == def.seeds() && java.util.Objects.equals(e.fit(), def.fit());
        if (!same) {
            throw new InputException("study " + def.name() + " already exists in " + st.url().masked()
                    + " with a different definition; use another --store, or remove that study first");
        }
    }

    private static void describeAll(PrintWriter out) {
        for (Experiment e : Experiments.all()) {
            out.println(e.name());
            out.println("  " + e.description());
            out.println("  optimizers: " + String.join(", ", e.optimizers()) + "; protocols: "
                    + String.join(", ", e.protocols()));
            out.println("  data: " + e.data());
            for (Scale s : Scale.values()) {
                ScaleSettings st = e.settings(s);
                int studies = e.plan(s).size();
                out.printf("  --scale %-5s %s; %d studies × %d optimizers × %d trials; %s%n", s.id(),
                        String.join(", ", st.workloads()), studies, e.optimizers().size(), st.trialsPerOptimizer(),
                        st.expectedCost());
            }
            out.println();
        }
        out.flush();
    }
}
