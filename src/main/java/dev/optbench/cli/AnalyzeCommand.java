package dev.optbench.cli;

import dev.optbench.analysis.AnalysisJson;
import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.AnalysisText;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.study.SqlStudyStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Analyse studies (SPEC section 8): best trials, bootstrap of best-vs-budget, steps to target, "
                + "rankings with ties, inclusion consistency, rank flips between protocols, training-loss ranking, "
                + "budget and target sensitivity, performance profiles, boundary check.",
            "Diverged trials count with error 1.0; pending, running and failed trials are left out."})
final class AnalyzeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Studies to analyse together.")
    List<String> names;

    @Option(names = "--json", description = "Print one JSON object instead of tables.")
    boolean json;

    @Mixin AnalysisOptionsMixin analysis;

    @Mixin StoreOption store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var options = analysis.options();
        List<StudyData> data;
        try (SqlStudyStore s = store.openForReading()) {
            data = StudyInputs.load(s, names);
        }
        AnalysisResult result = new Analyzer(options, Main.optimizers(spec)).analyze(data);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? AnalysisJson.write(result) + "\n" : AnalysisText.write(result));
        out.flush();
        return 0;
    }
}
