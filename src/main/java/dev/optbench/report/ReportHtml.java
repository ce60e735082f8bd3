package dev.optbench.report;

import static dev.optbench.report.Html.escape;

import dev.optbench.analysis.AnalysisResult;
import dev.optbench.analysis.BoundaryWarning;
import dev.optbench.analysis.BudgetQuantiles;
import dev.optbench.analysis.InclusionCheck;
import dev.optbench.analysis.OptimizerAnalysis;
import dev.optbench.analysis.PerformanceProfile;
import dev.optbench.analysis.RankEntry;
import dev.optbench.analysis.RankFlip;
import dev.optbench.analysis.Rankings;
import dev.optbench.analysis.SensitivityRanking;
import dev.optbench.analysis.StepsToTarget;
import dev.optbench.analysis.StudyAnalysis;
import dev.optbench.analysis.StudyData;
import dev.optbench.analysis.TimeToResult;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
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
            nav.toc{background:#f7f7f7;border:1px solid #ddd;padding:6px 18px;margin:14px 0;font-size:14px}
            nav.toc h2{font-size:17px;margin:8px 0;border:0}nav.toc ul{margin:4px 0;padding-left:18px}
            nav.toc li.sub{margin-left:20px;list-style:circle}
            .verdict{border-left:4px solid #4a78b0;padding:2px 14px;margin:10px 0 16px;background:#fafcff}
            .verdict h4{margin:8px 0 4px;font-size:16px}p.lead{font-size:16px;font-weight:600}
            .diagram{display:flex;gap:18px;align-items:center}.diagram p{font-size:14px;max-width:520px}
            .panels{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:8px}
            .panels figure{margin:4px 0}
            """;

    private final AnalysisResult result;
    private final List<StudyData> data;
    private final List<RenderedFigure> figures;
    private final String version;
    private final StringBuilder h = new StringBuilder(1 << 20);
    /** Table of contents: one entry per numbered section and subsection. */
    private final List<String> toc = new ArrayList<>();
    private int sectionNumber;
    private int subsectionNumber;

    ReportHtml(AnalysisResult result, List<StudyData> data, List<RenderedFigure> figures, String version) {
        this.result = result;
        this.data = data;
        this.figures = figures;
        this.version = version;
    }

    String render() {
        List<String> names = result.studies().stream().map(StudyAnalysis::study).toList();
        StringBuilder head = new StringBuilder();
        head.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>optbench report: ")
                .append(escape(String.join(", ", names))).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        head.append("<h1>optbench report</h1>\n<p class=\"muted\">optbench ").append(escape(version)).append(" · bootstrap B = ")
                .append(result.options().resamples()).append(" resamples, seed ").append(result.options().seed())
                .append(" · quantiles Q(p) = x<sub>(⌈pB⌉)</sub> · ties in validation error go to the lower trial index</p>\n");
        open("summary", "Summary: which optimizer wins, and how sure we are");
        SummaryHtml.append(h, result, this::sub);
        open("studies", "Studies");
        studies();
        open("best", "Test error of the best trial");
        bestTable();
        figures(1);
        open("budget", "Best test error vs number of trials");
        h.append("<p>One panel per optimizer, one line per protocol (each with its own dash pattern and marker, so the "
                + "panels read in grayscale too): the bootstrap median of the best trial's test error among k trials drawn "
                + "with replacement, k = 1, 2, 4, … up to N, on a log2 axis; the light band spans the 5th–95th percentiles. "
                + "The panels of a workload share their y axis, capped above the spread of the medians (bands at k = 1 can "
                + "reach a diverged trial's 1.0). A fitted study's budgets start after its stage-1 trials.</p>\n");
        figures(2);
        open("hparams", "Final validation error vs each hyperparameter");
        figures(3);
        boundaryWarnings();
        if (!mine(11).isEmpty()) {
            open("importance", "Hyperparameter importance and the most important pair");
            h.append("<p>").append(escape(Figures.IMPORTANCE_METHOD)).append("</p>\n");
            figures(11);
        }
        open("curves", "Training-loss and validation curves");
        h.append("<p>Per study and optimizer, the validation error and the training loss (train_eval) at every evaluation of "
                + "every finished trial as thin lines (at most " + PanelFigures.MAX_CURVES + ", spread over the ranking), "
                + "the best trial by final validation error in black.</p>\n");
        figuresOrNote(4, "No stored curves: nothing to plot (trials imported without curves have none).");
        open("steps", "Steps to target");
        stepsTable();
        boolean steps = result.studies().stream().flatMap(s -> s.optimizers().values().stream())
                .anyMatch(a -> a.stepsToTarget() != null);
        figuresOrNote(5, steps ? "No trial reached the target: nothing to plot (see the table)."
                : "No data for this figure (it needs stored curves or steps to target).");
        open("time", "Wall-clock time to result");
        timeToResult();
        open("ranking", "Ranking across protocols and workloads");
        rankingTable();
        open("sensitivity", "Rankings by training loss, step budget and target");
        sensitivity();
        open("profiles", "Performance profiles across workloads");
        profiles();
        open("cost", "Tuning cost to match");
        figuresOrNote(9, "Tuning cost to match needs two optimizers with finished trials.");
        fitted();
        h.append("</body></html>\n");
        head.append("<nav class=\"toc\"><h2>Contents</h2>\n<ul>\n").append(String.join("\n", toc)).append("\n</ul></nav>\n");
        return head.append(h).toString();
    }

    /** A numbered section heading, listed in the table of contents. */
    private void open(String anchor, String title) {
        sectionNumber++;
        subsectionNumber = 0;
        String id = "s" + sectionNumber + "-" + anchor;
        toc.add("<li><a href=\"#" + id + "\">" + sectionNumber + ". " + escape(title) + "</a></li>");
        h.append("<h2 id=\"").append(id).append("\">").append(sectionNumber).append(". ").append(escape(title)).append("</h2>\n");
    }

    /** A numbered subsection heading (N.M), listed in the table of contents. */
    private void sub(String title) {
        subsectionNumber++;
        String number = sectionNumber + "." + subsectionNumber;
        String id = "s" + number.replace('.', '-');
        toc.add("<li class=\"sub\"><a href=\"#" + id + "\">" + number + " " + escape(title) + "</a></li>");
        h.append("<h3 id=\"").append(id).append("\">").append(number).append(" ").append(escape(title)).append("</h3>\n");
    }

    private List<RenderedFigure> mine(int key) {
        return figures.stream().filter(f -> f.figure().section() == key).toList();
    }

    private void figuresOrNote(int key, String note) {
        if (mine(key).isEmpty()) {
            h.append("<p class=\"muted\">").append(escape(note)).append("</p>\n");
        } else {
            figures(key);
        }
    }

    /** The figures of one kind; small panels (narrower than a full chart) sit side by side in a grid. */
    private void figures(int key) {
        boolean grid = false;
        for (RenderedFigure f : mine(key)) {
            int w = f.figure().chart().getWidth();
            int hgt = f.figure().chart().getHeight();
            boolean panel = w < Charts.WIDTH;
            if (panel && !grid) {
                h.append("<div class=\"panels\">\n");
            } else if (!panel && grid) {
                h.append("</div>\n");
            }
            grid = panel;
            String id = f.figure().id();
            h.append("<figure id=\"").append(escape(id)).append("\"><img alt=\"").append(escape(f.figure().title()))
                    .append("\" width=\"").append(w).append("\" height=\"").append(hgt)
                    .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(f.png()))
                    .append("\">\n<figcaption>").append(escape(f.figure().caption())).append(" <a href=\"")
                    .append(escape(id)).append(".svg\">SVG</a> · <a href=\"").append(escape(id))
                    .append(".png\">PNG</a></figcaption></figure>\n");
        }
        if (grid) {
            h.append("</div>\n");
        }
    }

    private void studies() {
        h.append("<table><tr><th>study</th><th>workload</th><th>protocol</th><th>target</th>")
                .append("<th>optimizers</th><th>finished trials analysed</th><th>diverged</th><th>excluded</th></tr>\n");
        boolean anyFitted = false;
        for (StudyAnalysis s : result.studies()) {
            int n = 0;
            int d = 0;
            int x = 0;
            int stage1 = 0;
            boolean fitted = false;
            for (OptimizerAnalysis a : s.optimizers().values()) {
                n += a.trials();
                d += a.diverged();
                x += a.excluded();
                if (a.fit() != null) {
                    fitted = true;
                    stage1 += a.fit().stage1Finished();
                }
            }
            anyFitted |= fitted;
            h.append("<tr><td>").append(escape(s.study())).append("</td><td>").append(escape(s.workload()))
                    .append("</td><td>").append(escape(s.protocol())).append("</td><td class=\"num\">")
                    .append(s.target() == null ? "–" : num(s.target())).append("</td><td>")
                    .append(escape(String.join(", ", s.optimizers().keySet()))).append("</td><td class=\"num\">").append(n)
                    .append(fitted ? " (stage 2 only; + " + stage1 + " stage-1 trials not analysed)" : "")
                    .append("</td><td class=\"num\">").append(d).append("</td><td class=\"num\">").append(x)
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (anyFitted) {
            h.append("<p class=\"muted\">A fitted study runs in two stages: stage 1 searches the wide space only to fit "
                    + "the ranges of stage 2, and only stage 2's trials are analysed, so it shows fewer finished trials "
                    + "than a one-stage study of the same size. Its budgets count stage 1's trials first (section "
                    + "\"Fitted search spaces\").</p>\n");
        }
        List<String> used = result.studies().stream().flatMap(s -> s.data().stream()).distinct().toList();
        if (!used.isEmpty()) {
            h.append("<p>data: ").append(escape(String.join("; ", used))).append("</p>\n");
        }
    }

    /** Wall-clock seconds to the target per optimizer and study, the hardware, and AlgoPerf's score per protocol. */
    private void timeToResult() {
        List<TimeToResult> times = data.stream().map(TimeToResult::of).toList();
        if (times.stream().allMatch(t -> t.target() == null)) {
            h.append("<p class=\"muted\">No target validation error is known for these workloads: no time to result.</p>\n");
            return;
        }
        h.append("<p>Seconds until each optimizer's fastest trial first reached the target validation error. A trial "
                + "stores its total seconds (with batched training: its share of the batch's wall time) and its errors "
                + "at the evaluation steps; the time at evaluation step s is interpolated as seconds × s / steps, i.e. "
                + "every step costs the same. Times compare only on the same hardware: each study's trials recorded the "
                + "hardware listed under it. Every trial's time to target is in time-to-target.csv next to this "
                + "report.</p>\n");
        h.append("<table><tr><th>study</th><th>optimizer</th><th>seconds to target</th><th>fastest trial</th>")
                .append("<th>trials reaching it</th><th>ratio to fastest</th></tr>\n");
        for (TimeToResult t : times) {
            Map<String, List<Double>> ratios = TimeToResult.ratios(List.of(t));
            for (String o : t.finished().keySet()) {
                Double sec = t.seconds().get(o);
                double r = ratios.get(o).get(0);
                h.append("<tr><td>").append(escape(t.study())).append("</td><td>").append(escape(o)).append("</td>")
                        .append("<td class=\"num\">").append(sec == null ? "not reached" : String.format(Locale.ROOT, "%.3f", sec))
                        .append("</td><td class=\"num\">").append(sec == null ? "–" : "#" + t.trial().get(o))
                        .append("</td><td class=\"num\">").append(t.reached().get(o)).append(" of ").append(t.finished().get(o))
                        .append("</td><td class=\"num\">").append(Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "∞")
                        .append("</td></tr>\n");
            }
            h.append("<tr><td colspan=\"6\" class=\"muted\">hardware of ").append(escape(t.study())).append(": ")
                    .append(escape(t.hardware().isEmpty() ? "no finished trial" : String.join(" | ", t.hardware())))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        Map<String, List<TimeToResult>> byProtocol = new java.util.LinkedHashMap<>();
        times.forEach(t -> byProtocol.computeIfAbsent(t.protocol(), p -> new ArrayList<>()).add(t));
        h.append("<p>AlgoPerf's benchmark score per protocol, B = 1/(r<sub>max</sub> − 1) ∫<sub>1</sub><sup>r<sub>max</sub>"
                + "</sup> ρ(τ) dτ with r<sub>max</sub> = 4, where ρ(τ) is the fraction of workloads on which the optimizer's "
                + "time to target is within τ × the fastest optimizer's (1 = fastest everywhere, 0 = never within 4×).</p>\n");
        h.append("<table><tr><th>protocol</th><th>workloads</th>");
        List<String> optimizers = times.stream().flatMap(t -> t.finished().keySet().stream()).distinct().toList();
        optimizers.forEach(o -> h.append("<th>").append(escape(o)).append("</th>"));
        h.append("</tr>\n");
        byProtocol.forEach((protocol, group) -> {
            Map<String, List<Double>> ratios = TimeToResult.ratios(group);
            h.append("<tr><td>").append(escape(protocol)).append("</td><td class=\"num\">").append(group.size()).append("</td>");
            for (String o : optimizers) {
                List<Double> r = ratios.get(o);
                h.append("<td class=\"num\">").append(r == null ? "–" : String.format(Locale.ROOT, "%.3f",
                        TimeToResult.score(r))).append("</td>");
            }
            h.append("</tr>\n");
        });
        h.append("</table>\n");
        figures(12);
        if (byProtocol.values().stream().allMatch(g -> g.size() == 1)) {
            h.append("<p class=\"muted\">With one workload per protocol the profile is a single step from 0 to 1 at the "
                    + "optimizer's ratio, and the score is (4 − ratio) / 3: the table says all there is, so no profile is "
                    + "drawn.</p>\n");
        }
    }

    /** Performance profiles over steps to target: drawn only where a protocol covers several workloads. */
    private void profiles() {
        if (result.performanceProfiles().isEmpty()) {
            h.append("<p class=\"muted\">No steps to target: no performance profile.</p>\n");
            return;
        }
        figures(8);
        List<PerformanceProfile> single = result.performanceProfiles().stream().filter(p -> p.studies().size() == 1).toList();
        if (single.isEmpty()) {
            return;
        }
        h.append("<p>A performance profile over a single workload is a step from 0 to 1 at each optimizer's ratio: it shows "
                + "nothing the ratios do not, so for these protocols the ratios (steps to target of the best trial / the "
                + "fewest of any optimizer's best trial) and AlgoPerf's score (4 − ratio) / 3 are listed instead. A profile "
                + "is drawn once a protocol covers two or more workloads.</p>\n");
        h.append("<table><tr><th>protocol</th><th>study</th><th>optimizer</th><th>ratio</th><th>score</th></tr>\n");
        for (PerformanceProfile p : single) {
            p.ratios().forEach((o, byStudy) -> byStudy.forEach((study, r) -> h.append("<tr><td>").append(escape(p.protocol()))
                    .append("</td><td>").append(escape(study)).append("</td><td>").append(escape(o)).append("</td><td class=\"num\">")
                    .append(Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f", r) : "∞ (not reached)")
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.3f", TimeToResult.score(List.of(r))))
                    .append("</td></tr>\n")));
        }
        h.append("</table>\n");
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
        int rows = 0;
        int oneSided = 0;
        for (StudyAnalysis s : result.studies()) {
            for (OptimizerAnalysis a : s.optimizers().values()) {
                if (a.best() != null) {
                    rows++;
                    oneSided += a.full().p5() == a.best().testError() ? 1 : 0;
                }
            }
        }
        if (oneSided > 0) {
            h.append("<p class=\"muted\">Why the 5–95% interval often starts at the best trial's own test error (").append(oneSided)
                    .append(" of ").append(rows).append(" rows here): at the full budget N the bootstrap draws N trials with "
                    + "replacement, and the best trial (by validation error) is among them with probability "
                    + "1 − (1 − 1/N)<sup>N</sup> ≈ 0.63 (0.65 at N = 8, 0.64 at N = 24). Whenever it is drawn it is the draw's "
                    + "best, so at least 63% of the resamples give its test error: the median is that value, and so is the 5th "
                    + "percentile unless 5% of the resamples pick a trial whose test error is lower still (one that was "
                    + "worse on validation). The interval then reaches only upward, to the resamples that missed the best "
                    + "trial: one-sided by construction, not a bug.</p>\n");
        }
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
        sub("Boundary check");
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
        open("fitted", "Fitted search spaces (protocol fitted)");
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
        figures(10); // the wide and fitted range of each hyperparameter (FitFigures)
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
        h.append("<p>Rank by the bootstrap median of the best "
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
        h.append("</table>\n");
        sub("Inclusion consistency");
        h.append("<ul>\n");
        for (StudyAnalysis s : result.studies()) {
            for (InclusionCheck c : s.inclusion()) {
                h.append("<li").append(c.consistent() ? "" : " class=\"violation\"").append(">").append(escape(s.study()))
                        .append(": ").append(escape(c.subset())).append(" ⊆ ").append(escape(c.superset())).append(" — ")
                        .append(escape(c.superset())).append(" median ").append(num(c.supersetMedian()))
                        .append(c.consistent() ? " ≤ " : " &gt; ").append(escape(c.subset())).append(" p95 ")
                        .append(num(c.subsetP95())).append(c.consistent() ? " (consistent)" : " (VIOLATED)").append("</li>\n");
            }
        }
        h.append("</ul>\n");
        sub("Rank flips between protocols");
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
        for (int j = 0; j < result.studies().size(); j++) {
            StudyAnalysis s = result.studies().get(j);
            sub(Figures.label(s));
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
            sensitivityTable("fraction of the step budget", s.budgetSensitivity(), true, data.get(j));
            sensitivityTable("target validation error", s.targetSensitivity(), false, data.get(j));
        }
    }

    private void sensitivityTable(String what, List<SensitivityRanking> rankings, boolean fraction, StudyData d) {
        if (rankings.isEmpty()) {
            return;
        }
        long budget = lastStep(d);
        long first = firstEvaluation(d);
        if (fraction) {
            h.append("<p class=\"muted\">Each row ranks the trials by their errors as they stood at the cut (step budget "
                    + budget + " × the fraction): the last evaluation at or before it, error 1.0 before the first evaluation "
                    + "(step " + first + ").</p>\n");
        }
        h.append("<table><tr><th>").append(escape(what)).append("</th><th>order (best first; rank · median)</th>")
                .append("<th>order changed</th><th>significant change</th></tr>\n");
        for (SensitivityRanking r : rankings) {
            String label = fraction ? String.format(Locale.ROOT, "%.0f%% (step %.0f)", 100 * r.value(), r.value() * budget)
                    : num(r.value());
            boolean blind = fraction && r.value() * budget < first;
            h.append("<tr><td class=\"num\">").append(label).append("</td><td>").append(order(r.ranking()));
            if (blind) {
                h.append("<br><span class=\"muted\">No evaluation before this cut (the first is at step ").append(first)
                        .append("): every trial counts as error 1.0, so all tie at 1.0000. This row carries no "
                                + "information.</span>");
            }
            h.append("</td><td").append(r.orderChanged() ? " class=\"violation\">yes" : ">no").append("</td><td")
                    .append(r.significantChange() ? " class=\"violation\">yes" : ">no").append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The study's step budget as the analysis reads it: the last evaluated step of any trial. */
    static long lastStep(StudyData d) {
        return d.trials().stream().flatMap(t -> t.curve().stream()).mapToLong(Measurement::step).max().orElse(0);
    }

    /** The first step with a validation evaluation in any trial (0 when none is stored). */
    static long firstEvaluation(StudyData d) {
        return d.trials().stream().flatMap(t -> t.curve().stream()).filter(m -> m.split() == Split.VALIDATION)
                .mapToLong(Measurement::step).min().orElse(0);
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
