package dev.optbench.report;

import static dev.optbench.report.Html.escape;
import static dev.optbench.report.ReportHtml.num;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.RankFlip;
import dev.optbench.analysis.Separation;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.Verdict;
import java.util.List;
import java.util.function.Consumer;

/**
 * The report's first section, the verdict ({@link Verdict}) as HTML: usable on its own (e.g. by
 * a dashboard) as long as the page carries {@link ReportHtml}'s CSS classes. Names are escaped.
 */
public final class SummaryHtml {
    private SummaryHtml() {}

    /** The summary of {@code result} as an HTML fragment, subsections as h3 without numbers. */
    public static String of(AnalysisResult result) {
        StringBuilder h = new StringBuilder();
        append(h, result, title -> h.append("<h3>").append(escape(title)).append("</h3>\n"));
        return h.toString();
    }

    /**
     * The summary into {@code h}: per workload (a subsection through {@code sub}) the verdict
     * under each protocol, the significant flips, then how to read it.
     */
    static void append(StringBuilder h, AnalysisResult result, Consumer<String> sub) {
        for (Verdict v : Verdict.of(result)) {
            sub.accept("Workload " + v.workload());
            for (Verdict.Protocol p : v.protocols()) {
                StudyAnalysis s = result.studies().stream().filter(x -> x.study().equals(p.study())).findFirst().orElseThrow();
                h.append("<div class=\"verdict\"><h4>Protocol ").append(escape(p.protocol())).append(" <span class=\"muted\">(study ")
                        .append(escape(p.study())).append(", ").append(v.mixedEngines() ? escape(p.engine()) + ", " : "")
                        .append(escape(trialCount(s))).append(")</span></h4>\n");
                h.append("<p class=\"lead\">").append(escape(p.ranking())).append("</p>\n");
                if (!p.toSeparate().isEmpty()) {
                    h.append("<ul>\n");
                    for (Separation x : p.toSeparate()) {
                        h.append("<li>").append(escape(capitalized(x.sentence()))).append(".</li>\n");
                    }
                    h.append("</ul>\n");
                }
                String diagram = InclusionDiagram.svg(p.inclusion());
                if (!diagram.isEmpty()) {
                    List<String> bad = p.violatedPairs();
                    h.append("<div class=\"diagram\">").append(diagram).append("<p>Inclusions (more general optimizer "
                            + "above; green: its median is at most the included optimizer's 95th percentile, as the "
                            + "hierarchy predicts; red, dashed, ✗: violated): ").append(bad.isEmpty()
                                    ? "all " + p.inclusion().size() + " hold."
                                    : "<span class=\"violation\">violated: " + escape(String.join(", ", bad)) + "</span>; the "
                                            + (p.inclusion().size() - bad.size()) + " others hold.")
                            .append("</p></div>\n");
                }
                if (!p.cost().isEmpty()) {
                    h.append("<p>Tuning cost: ").append(escape(p.cost())).append("</p>\n");
                }
                h.append("</div>\n");
            }
            if (v.protocols().size() > 1) {
                if (v.significantFlips().isEmpty()) {
                    long flips = result.rankFlips().stream().filter(f -> f.workload().equals(v.workload())).count();
                    h.append("<p><b>Rank flips between protocols:</b> none significant").append(flips == 0 ? "."
                            : " (" + flips + " pairs swap their medians, but their intervals overlap in at least one "
                                    + "protocol; see \"Ranking across protocols and workloads\").").append("</p>\n");
                } else {
                    h.append("<p><b>Significant rank flips between protocols</b> (disjoint intervals under both):</p><ul>\n");
                    for (RankFlip f : v.significantFlips()) {
                        h.append("<li>").append(escape(f.first())).append(f.firstMedianA() < f.secondMedianA() ? " beats " : " loses to ")
                                .append(escape(f.second())).append(" under ").append(escape(f.protocolA())).append(" (")
                                .append(num(f.firstMedianA())).append(" vs ").append(num(f.secondMedianA()))
                                .append(") but not under ").append(escape(f.protocolB())).append(" (").append(num(f.firstMedianB()))
                                .append(" vs ").append(num(f.secondMedianB())).append(").</li>\n");
                    }
                    h.append("</ul>\n");
                }
            }
        }
        h.append("<p class=\"muted\">How to read this. Rankings compare the bootstrap median of the best trial's test error "
                + "at the full budget; two optimizers tie when their 5–95% intervals overlap. \"About N more trials\": on "
                + "the exact best-of-k distribution of each optimizer's trials drawn with replacement (the bootstrap's "
                + "limit), the smallest k above the budget at which the two intervals no longer overlap, scanned up to "
                + Separation.CAP + " trials per optimizer (\"more than\" beyond). It resamples the trials already run, so "
                + "it assumes more trials would look like them and cannot foresee a better one. Tuning cost: the smallest "
                + "number of trials at which an optimizer's median best reaches the leader's median best at its full "
                + "budget (section \"Tuning cost to match\").</p>\n");
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** "24 finished trials per optimizer", with a fitted study's stage-2-only count said plainly. */
    private static String trialCount(StudyAnalysis s) {
        java.util.IntSummaryStatistics n = s.optimizers().values().stream().mapToInt(OptimizerAnalysis::trials)
                .summaryStatistics();
        String count = n.getCount() == 0 ? "no" : n.getMin() == n.getMax() ? String.valueOf(n.getMin())
                : n.getMin() + "–" + n.getMax();
        boolean fitted = s.optimizers().values().stream().anyMatch(a -> a.fit() != null);
        return count + " finished trials per optimizer" + (fitted ? ", stage 2 only" : "");
    }

}
