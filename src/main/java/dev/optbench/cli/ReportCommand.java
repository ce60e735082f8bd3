package dev.optbench.cli;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.Analyzer;
import dev.optbench.analysis.StudyData;
import dev.optbench.report.ReportWriter;
import dev.optbench.study.SqlStudyStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write DIR/report.html (self-contained: figures inline, no network) and every figure as "
                + "DIR/*.png and DIR/*.svg (SPEC section 9). Several studies are compared in one report."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Studies to report on together.")
    List<String> names;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write into (created if needed).")
    Path out;

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
        ReportWriter.Written w = ReportWriter.write(result, data, out);
        spec.commandLine().getOut().println("wrote " + w.html() + " and " + w.pngs().size() + " figures (PNG and SVG) in "
                + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
