package dev.optbench.report;

import static dev.optbench.report.Html.escape;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.BoundaryWarning;
import dev.optbench.analysis.BudgetQuantiles;
import dev.optbench.analysis.InclusionCheck;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.RankEntry;
import dev.optbench.analysis.RankFlip;
import dev.optbench.analysis.Rankings;
import dev.optbench.analysis.SensitivityRanking;
import dev.optbench.analysis.StepsToTarget;
import dev.optbench.analysis.StudyAnalysis;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The report page: every user-given name goes through {@link Html#escape}. */
final class ReportHtml {
    private static final String CSS = """
            body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px auto;max-width:1200px;
            color:#222;line-height:1.4;padding:0 16px}
            h1{font-size:26px;margin-bottom:4px}h2{font-size:21px;margin-top:36px;border-bottom:1px solid #ccc;
            padding-bottom:4px}h3{font-size:17px;margin-top:22px}
            table{border-collapse:collapse;margin:10px 0 18px;font-size:14px}
            th,td{border:1px solid #d0d0d0;padding:4px 9px;text-align:left;vertical-align:top}
            th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}
            td.violation,li.violation{background:#ffd9d6;color:#8a1208;font-weight:600}
            td.ok{color:#1c6b2a}.muted{color:#666;font-size:13px}
            figure{margin:16px 0 26px}figure img{max-width:100%;height:auto;border:1px solid #eee}
            figcaption{font-size:13px;color:#444;margin-top:4px}
            """;

    private final AnalysisResult result;
    private final List<RenderedFigure> figures;
    private final String version;
    private final StringBuilder h = new StringBuilder(1 << 20);

    ReportHtml(AnalysisResult result, List<RenderedFigure> figures, String version) {
        this.result = result;
        this.figures = figures;
        this.version = version;
    }

    String render() {
        List<String> names = result.studies().stream().map(StudyAnalysis::study).toList();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>optbench report: ")
                .append(escape(String.join(", ", names))).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        h.append("<h1>optbench report</h1>\n<p class=\"muted\">optbench ").append(escape(version)).append(" · bootstrap B = ")
                .append(result.options().resamples()).append(" resamples, seed ").append(result.options().seed())
                .append(" · quantiles Q(p) = x<sub>(⌈pB⌉)</sub> · ties in validation error go to the lower trial index</p>\n");
        studies();
        section(1, "1. Test error of the best trial");
        bestTable();
        section(2, "2. Best-trial error vs number of trials");
        section(3, "3. Final validation error vs each hyperparameter");
        boundaryWarnings();
        section(4, "4. Validation curves of the best trials");
        section(5, "5. Steps to target");
        stepsTable();
        rankingTable();
        sensitivity();
        section(8, "Performance profiles across workloads");
        section(9, "Tuning cost to match");
        fitted();
        h.append("</body></html>\n");
        return h.toString();
    }

    private void studies() {
        h.append("<h2>Studies</h2>\n<table><tr><th>study</th><th>workload</th><th>protocol</th><th>target</th>")
                .append("<th>optimizers</th><th>finished trials</th><th>diverged</th><th>excluded</th></tr>\n");
        for (StudyAnalysis s : result.studies()) {
            int n = 0;
            int d = 0;
            int x = 0;
            for (OptimizerAnalysis a : s.optimizers().values()) {
                n += a.trials();
                d += a.diverged();
                x += a.excluded();
            }
            h.append("<tr><td>").append(escape(s.study())).append("</td><td>").append(escape(s.workload()))
                    .append("</td><td>").append(escape(s.protocol())).append("</td><td class=\"num\">")
                    .append(s.target() == null ? "–" : num(s.target())).append("</td><td>")
                    .append(escape(String.join(", ", s.optimizers().keySet()))).append("</td><td class=\"num\">").append(n)
                    .append("</td><td class=\"num\">").append(d).append("</td><td class=\"num\">").append(x)
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        List<String> data = result.studies().stream().flatMap(s -> s.data().stream()).distinct().toList();
        if (!data.isEmpty()) {
            h.append("<p>data: ").append(escape(String.join("; ", data))).append("</p>\n");
        }
    }

    /** The section heading, then its figures. */
    private void section(int number, String title) {
        List<RenderedFigure> mine = figures.stream().filter(f -> f.figure().section() == number).toList();
        if (mine.isEmpty() && number >= 4) {
            boolean steps = result.studies().stream().flatMap(s -> s.optimizers().values().stream())
                    .anyMatch(a -> a.stepsToTarget() != null);
            if (number == 5 && steps) {
                h.append("<h2>").append(escape(title)).append("</h2>\n<p>No trial reached the target: nothing to plot "
                        + "(see the table).</p>\n");
            } else if (number < 8) {
                h.append("<h2>").append(escape(title)).append("</h2>\n<p class=\"muted\">No data for this figure "
                        + "(it needs stored curves or steps to target).</p>\n");
            }
            return;
        }
        h.append("<h2>").append(escape(title)).append("</h2>\n");
        for (RenderedFigure f : mine) {
            String id = f.figure().id();
            h.append("<figure id=\"").append(escape(id)).append("\"><img alt=\"").append(escape(f.figure().title()))
                    .append("\" width=\"").append(Charts.WIDTH).append("\" height=\"").append(Charts.HEIGHT)
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.png()))
                    .append("\">\n<figcaption>").append(escape(f.figure().caption())).append(" <a href=\"")
                    .append(escape(id)).append(".svg\">SVG</a> · <a href=\"").append(escape(id))
                    .append(".png\">PNG</a></figcaption></figure>\n");
        }
    }

    private void bestTable() {
        h.append("<table><tr><th>study</th><th>optimizer</th><th>best trial</th><th>validation error</th>")
                .append("<th>test error</th><th>median at N</th><th>p5</th><th>p95</th><th>hyperparameters</th></tr>\n");
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                h.append("<tr><td>").append(escape(s.study())).append("</td><td>").append(escape(a.optimizer()))
                        .append("</td>");
                if (a.best() == null) {
                    h.append("<td colspan=\"7\" class=\"muted\">no finished trial</td></tr>\n");
                    continue;
                }
                BudgetQuantiles q = a.full();
                StringBuilder hp = new StringBuilder();
                new TreeMap<>(a.best().hparams()).forEach((k, v) -> hp.append(hp.length() == 0 ? "" : ", ")
                        .append(escape(k)).append(" = ").append(escape(Charts.compact(v))));
                h.append("<td class=\"num\">#").append(a.best().trial()).append("</td>").append(numCell(a.best().validationError()))
                        .append(numCell(a.best().testError())).append(numCell(q.median())).append(numCell(q.p5()))
                        .append(numCell(q.p95())).append("<td>").append(hp).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private void boundaryWarnings() {
        List<String> items = new ArrayList<>();
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                for (BoundaryWarning w : a.boundaryWarnings()) {
                    items.add("<li>" + escape(s.study()) + ", " + escape(a.optimizer()) + ": " + escape(w.message()) + "</li>");
                }
            }
        }
        h.append("<h3>Boundary check</h3>\n");
        if (items.isEmpty()) {
            h.append("<p>No hyperparameter of the best 10% of trials lies within 5% (scaled units) of a search bound.</p>\n");
        } else {
            h.append("<ul>\n").append(String.join("\n", items)).append("\n</ul>\n");
        }
    }

    /** The fitted protocol: per optimizer and hyperparameter the wide and fitted range and why; stage 2's boundary check. */
    private void fitted() {
        boolean any = result.studies().stream().flatMap(s -> s.optimizers().values().stream()).anyMatch(a -> a.fit() != null);
        if (!any) {
            return;
        }
        section(10, "Fitted search spaces (protocol fitted)");
        h.append("<p>Stage 1 searches the wide space; stage 2 the range of stage 1's best points widened by the margin, "
                + "clipped to the wide range. Analysis and bootstrap use stage 2's trials; their budgets count stage 1's "
                + "points first.</p>\n<table><tr><th>study</th><th>optimizer</th><th>hyperparameter</th><th>wide</th>"
                + "<th>fitted</th><th>why</th></tr>\n");
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                dev.optbench.analysis.FitSummary f = a.fit();
                if (f == null) {
                    continue;
                }
                var wide = dev.optbench.space.SearchSpace.fromJson(f.wide(), "wide");
                var fit = dev.optbench.space.SearchSpace.fromJson(f.fitted(), "fitted");
                wide.ranges().forEach((name, r) -> h.append("<tr><td>").append(escape(s.study())).append("</td><td>")
                        .append(escape(a.optimizer())).append("</td><td>").append(escape(name)).append("</td><td>")
                        .append(escape(dev.optbench.space.SpaceFitting.describe(r))).append("</td><td>")
                        .append(escape(fit.ranges().containsKey(name)
                                ? dev.optbench.space.SpaceFitting.describe(fit.ranges().get(name)) : "–"))
                        .append("</td><td>").append(escape(f.reasons().getOrDefault(name, ""))).append("</td></tr>\n"));
                h.append("<tr><td>").append(escape(s.study())).append("</td><td>").append(escape(a.optimizer()))
                        .append("</td><td colspan=\"4\">stage 1: ").append(f.stage1Finished()).append(" of ")
                        .append(f.stage1Points()).append(" points finished; stage 2: ").append(f.stage2Points())
                        .append(" points; boundary check of stage 2 in the fitted space: ")
                        .append(f.boundaryPassed() ? "passed" : escape(String.join("; ",
                                f.stage2Boundary().stream().map(w -> w.message()).toList()))).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private void stepsTable() {
        boolean any = result.studies().stream().flatMap(s -> s.optimizers().values().stream())
                .anyMatch(a -> a.stepsToTarget() != null);
        if (!any) {
            return;
        }
        h.append("<table><tr><th>study</th><th>optimizer</th><th>target</th><th>best trial</th><th>median at N</th>")
                .append("<th>p5</th><th>p95</th><th>trials reaching it</th></tr>\n");
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                StepsToTarget t = a.stepsToTarget();
                if (t == null) {
                    continue;
                }
                h.append("<tr><td>").append(escape(s.study())).append("</td><td>").append(escape(a.optimizer()))
                        .append("</td><td class=\"num\">").append(t.target() == null ? "stored" : num(t.target()))
                        .append("</td>").append(stepsCell(t.best())).append(stepsCell(t.full().median()))
                        .append(stepsCell(t.full().p5())).append(stepsCell(t.full().p95())).append("<td class=\"num\">")
                        .append(t.reached()).append(" of ").append(t.reached() + t.notReached()).append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    /** Figure 6: rows optimizers, columns studies; inclusion violations highlighted. */
    private void rankingTable() {
        h.append("<h2>6. Ranking across protocols and workloads</h2>\n<p>Rank by the bootstrap median of the best "
                + "trial's test error at the full budget; optimizers whose 5–95% intervals overlap share a rank. "
                + "Highlighted: the superset N of an inclusion M ⊆ N whose median exceeds M's 95th percentile.</p>\n");
        Set<String> optimizers = new LinkedHashSet<>();
        result.studies().forEach(s -> optimizers.addAll(s.optimizers().keySet()));
        h.append("<table><tr><th>optimizer</th>");
        for (StudyAnalysis s : result.studies()) {
            h.append("<th>").append(escape(s.study())).append("<br><span class=\"muted\">").append(escape(s.workload()))
                    .append(" · ").append(escape(s.protocol())).append("</span></th>");
        }
        h.append("</tr>\n");
        for (String o : optimizers) {
            h.append("<tr><td>").append(escape(o)).append("</td>");
            for (StudyAnalysis s : result.studies()) {
                RankEntry e = s.ranking().stream().filter(r -> r.optimizer().equals(o)).findFirst().orElse(null);
                if (e == null) {
                    h.append("<td class=\"muted\">–</td>");
                    continue;
                }
                boolean violation = s.inclusion().stream().anyMatch(c -> !c.consistent() && c.superset().equals(o));
                h.append("<td class=\"").append(violation ? "violation" : "num").append("\">").append(e.rank())
                        .append(" · ").append(num(e.median())).append(" [").append(num(e.p5())).append(", ")
                        .append(num(e.p95())).append("]</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<h3>Inclusion consistency</h3>\n<ul>\n");
        for (StudyAnalysis s : result.studies()) {
            for (InclusionCheck c : s.inclusion()) {
                h.append("<li").append(c.consistent() ? "" : " class=\"violation\"").append(">").append(escape(s.study()))
                        .append(": ").append(escape(c.subset())).append(" ⊆ ").append(escape(c.superset())).append(" — ")
                        .append(escape(c.superset())).append(" median ").append(num(c.supersetMedian()))
                        .append(c.consistent() ? " ≤ " : " &gt; ").append(escape(c.subset())).append(" p95 ")
                        .append(num(c.subsetP95())).append(c.consistent() ? " (consistent)" : " (VIOLATED)").append("</li>\n");
            }
        }
        h.append("</ul>\n<h3>Rank flips between protocols</h3>\n");
        if (result.rankFlips().isEmpty()) {
            h.append("<p>No two optimizers swap order between protocols on the same workload.</p>\n");
        } else {
            h.append("<table><tr><th>workload</th><th>protocols</th><th>optimizers</th><th>medians (first protocol)</th>")
                    .append("<th>medians (second protocol)</th><th>significant</th></tr>\n");
            for (RankFlip f : result.rankFlips()) {
                h.append("<tr><td>").append(escape(f.workload())).append("</td><td>").append(escape(f.protocolA()))
                        .append(" → ").append(escape(f.protocolB())).append("</td><td>").append(escape(f.first()))
                        .append(" / ").append(escape(f.second())).append("</td><td class=\"num\">").append(num(f.firstMedianA()))
                        .append(" / ").append(num(f.secondMedianA())).append("</td><td class=\"num\">")
                        .append(num(f.firstMedianB())).append(" / ").append(num(f.secondMedianB())).append("</td><td>")
                        .append(f.significant() ? "yes (disjoint intervals in both)" : "no").append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    /** Table 7: training-loss ranking, and rankings at several step budgets and targets. */
    private void sensitivity() {
        h.append("<h2>7. Rankings by training loss, step budget and target</h2>\n");
        for (StudyAnalysis s : result.studies()) {
            h.append("<h3>").append(escape(Figures.label(s))).append("</h3>\n");
            if (s.trainingLossRanking().isEmpty()) {
                h.append("<p class=\"muted\">No train_eval losses stored: no training-loss ranking.</p>\n");
            } else {
                h.append("<p>By final train_eval loss (best trial chosen by training loss): ")
                        .append(order(s.trainingLossRanking())).append("</p>\n");
                List<String> bad = s.trainingLossInclusion().stream().filter(c -> !c.consistent())
                        .map(c -> escape(c.subset()) + " ⊆ " + escape(c.superset())).toList();
                h.append("<p>Inclusion order on training loss: ").append(bad.isEmpty() ? "holds"
                        : "<span class=\"violation\">violated for " + String.join(", ", bad) + "</span>").append("</p>\n");
            }
            sensitivityTable("fraction of the step budget", s.budgetSensitivity(), true);
            sensitivityTable("target validation error", s.targetSensitivity(), false);
        }
    }

    private void sensitivityTable(String what, List<SensitivityRanking> rankings, boolean fraction) {
        if (rankings.isEmpty()) {
            return;
        }
        h.append("<table><tr><th>").append(escape(what)).append("</th><th>order (best first; rank · median)</th>")
                .append("<th>order changed</th><th>significant change</th></tr>\n");
        for (SensitivityRanking r : rankings) {
            h.append("<tr><td class=\"num\">").append(fraction ? String.format(Locale.ROOT, "%.0f%%", 100 * r.value())
                    : num(r.value())).append("</td><td>").append(order(r.ranking())).append("</td><td")
                    .append(r.orderChanged() ? " class=\"violation\">yes" : ">no").append("</td><td")
                    .append(r.significantChange() ? " class=\"violation\">yes" : ">no").append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String order(List<RankEntry> ranking) {
        Map<String, RankEntry> byName = new java.util.HashMap<>();
        ranking.forEach(e -> byName.put(e.optimizer(), e));
        List<String> parts = new ArrayList<>();
        for (String o : Rankings.medianOrder(ranking)) {
            RankEntry e = byName.get(o);
            parts.add(escape(o) + " (" + e.rank() + " · " + numOrSteps(e.median()) + ")");
        }
        return String.join(" &lt; ", parts);
    }

    private static String numOrSteps(double v) {
        if (Double.isInfinite(v)) {
            return "not reached";
        }
        return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : num(v);
    }

    private static String numCell(double v) {
        return "<td class=\"num\">" + num(v) + "</td>";
    }

    private static String stepsCell(double v) {
        return "<td class=\"num\">" + (Double.isInfinite(v) ? "not reached" : String.format(Locale.ROOT, "%.0f", v))
                + "</td>";
    }

    static String num(double v) {
        if (Double.isInfinite(v)) {
            return "∞";
        }
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
