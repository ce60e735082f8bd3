package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The analysis as readable plain-text tables (what `optbench analyze` prints without --json). */
public final class AnalysisText {
    private AnalysisText() {}

    public static String write(AnalysisResult result) {
        StringBuilder out = new StringBuilder();
        verdict(out, result);
        for (StudyAnalysis s : result.studies()) {
            study(out, s);
        }
        if (!result.rankFlips().isEmpty()) {
            out.append("Rank flips between protocols\n");
            Table t = new Table("workload", "protocols", "optimizers", "medians (A)", "medians (B)", "significant");
            for (RankFlip f : result.rankFlips()) {
                t.row(f.workload(), f.protocolA() + " vs " + f.protocolB(), f.first() + " / " + f.second(),
                        num(f.firstMedianA()) + " / " + num(f.secondMedianA()),
                        num(f.firstMedianB()) + " / " + num(f.secondMedianB()), f.significant() ? "yes" : "no");
            }
            out.append(t).append('\n');
        }
        for (PerformanceProfile p : result.performanceProfiles()) {
            out.append("Performance profile, protocol ").append(p.protocol()).append(" (").append(p.studies().size())
                    .append(" studies): fraction of problems within τ × best steps to target\n");
            Table t = new Table("optimizer", "ρ(1)", "ρ(1.5)", "ρ(2)", "ρ(3)", "ρ(4)");
            p.rho().forEach((o, rho) -> t.row(o, pct(rho.get(p.taus().indexOf(1.0))),
                    pct(rho.get(p.taus().indexOf(1.5))), pct(rho.get(p.taus().indexOf(2.0))),
                    pct(rho.get(p.taus().indexOf(3.0))), pct(rho.get(p.taus().indexOf(4.0)))));
            out.append(t).append('\n');
        }
        out.append(String.format(Locale.ROOT, "Bootstrap: B = %d resamples, seed %d; quantiles Q(p) = x(⌈pB⌉).%n",
                result.options().resamples(), result.options().seed()));
        return out.toString();
    }

    /** The report's verdict first ({@link Verdict}): who wins or ties under each protocol, and why. */
    private static void verdict(StringBuilder out, AnalysisResult result) {
        for (Verdict v : Verdict.of(result)) {
            out.append("Verdict, workload ").append(v.workload()).append('\n');
            for (Verdict.Protocol p : v.protocols()) {
                out.append("  protocol ").append(p.protocol()).append(v.label(p)).append(": ")
                        .append(p.ranking()).append('\n');
                for (Separation x : p.toSeparate()) {
                    out.append("    ").append(x.sentence()).append('\n');
                }
                List<String> bad = p.violatedPairs();
                if (!p.inclusion().isEmpty()) {
                    out.append("    inclusions: ").append(bad.isEmpty() ? "all " + p.inclusion().size() + " hold"
                            : "violated " + String.join(", ", bad) + "; " + (p.inclusion().size() - bad.size()) + " hold")
                            .append('\n');
                }
                if (!p.cost().isEmpty()) {
                    out.append("    ").append(p.cost()).append('\n');
                }
            }
            for (RankFlip f : v.significantFlips()) {
                out.append("  significant rank flip: ").append(f.first()).append(f.firstMedianA() < f.secondMedianA()
                        ? " beats " : " loses to ").append(f.second()).append(" under ").append(f.protocolA())
                        .append(" but not under ").append(f.protocolB()).append('\n');
            }
        }
        if (!result.studies().isEmpty()) {
            out.append('\n');
        }
    }

    private static void study(StringBuilder out, StudyAnalysis s) {
        out.append("Study ").append(s.study()).append(": workload ").append(s.workload()).append(", protocol ")
                .append(s.protocol()).append(s.target() == null ? "" : ", target " + num(s.target())).append('\n');
        if (!s.data().isEmpty()) {
            out.append("data: ").append(String.join("; ", s.data())).append('\n');
        }
        Table best = new Table("optimizer", "trials", "diverged", "excluded", "best trial", "validation", "test",
                "median@N", "p5@N", "p95@N", "steps to target");
        s.optimizers().forEach((name, a) -> {
            if (a.best() == null) {
                best.row(name, "0", "0", String.valueOf(a.excluded()), "-", "-", "-", "-", "-", "-", "-");
                return;
            }
            BudgetQuantiles q = a.full();
            best.row(name, String.valueOf(a.trials()), String.valueOf(a.diverged()), String.valueOf(a.excluded()),
                    "#" + a.best().trial(), num(a.best().validationError()), num(a.best().testError()),
                    num(q.median()), num(q.p5()), num(q.p95()),
                    a.stepsToTarget() == null ? "unknown" : steps(a.stepsToTarget().best()));
        });
        out.append(best);

        out.append("Best test error vs number of trials (median [p5, p95])\n");
        List<Integer> budgets = new ArrayList<>();
        s.optimizers().values().forEach(a -> a.bootstrap().forEach(q -> {
            if (!budgets.contains(q.budget())) {
                budgets.add(q.budget());
            }
        }));
        budgets.sort(null);
        List<String> header = new ArrayList<>(List.of("optimizer"));
        budgets.forEach(k -> header.add("k=" + k));
        Table curve = new Table(header.toArray(String[]::new));
        s.optimizers().forEach((name, a) -> {
            List<String> row = new ArrayList<>(List.of(name));
            for (int k : budgets) {
                row.add(a.bootstrap().stream().filter(q -> q.budget() == k).findFirst()
                        .map(q -> num(q.median()) + " [" + num(q.p5()) + ", " + num(q.p95()) + "]").orElse("-"));
            }
            curve.row(row.toArray(String[]::new));
        });
        out.append(curve);

        boolean anySteps = s.optimizers().values().stream().anyMatch(a -> a.stepsToTarget() != null);
        if (anySteps) {
            out.append("Steps to target at the full budget (median [p5, p95]; ∞ = not reached)\n");
            Table st = new Table("optimizer", "target", "best trial", "median", "p5", "p95", "reached", "not reached");
            s.optimizers().forEach((name, a) -> {
                StepsToTarget t = a.stepsToTarget();
                if (t != null) {
                    st.row(name, t.target() == null ? "stored" : num(t.target()), steps(t.best()), steps(t.full().median()),
                            steps(t.full().p5()), steps(t.full().p95()), String.valueOf(t.reached()),
                            String.valueOf(t.notReached()));
                }
            });
            out.append(st);
        }
        ranking(out, "Ranking by test error (ties: overlapping 5-95% intervals)", s.ranking());
        inclusion(out, "Inclusion consistency (M ⊆ N: N's median ≤ M's p95)", s.inclusion());
        if (!s.trainingLossRanking().isEmpty()) {
            ranking(out, "Ranking by final train_eval loss (best trial chosen by training loss)", s.trainingLossRanking());
            inclusion(out, "Inclusion consistency on training loss", s.trainingLossInclusion());
        }
        sensitivity(out, "Budget sensitivity (fraction of the step budget)", s.budgetSensitivity());
        sensitivity(out, "Target sensitivity (steps to target)", s.targetSensitivity());
        costToMatch(out, s);
        seedSpread(out, s);
        fit(out, s);
        List<String> warnings = new ArrayList<>();
        s.optimizers().forEach((name, a) -> a.boundaryWarnings().forEach(w -> warnings.add(name + ": " + w.message())));
        if (!warnings.isEmpty()) {
            out.append("Boundary warnings\n");
            warnings.forEach(w -> out.append("  ").append(w).append('\n'));
        }
        out.append('\n');
    }

    /** Rows N, columns M: trials N needs for its median best to reach M's median best at M's full budget. */
    private static void costToMatch(StringBuilder out, StudyAnalysis s) {
        if (s.costToMatch().isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        s.costToMatch().forEach(c -> {
            if (!names.contains(c.optimizer())) {
                names.add(c.optimizer());
            }
        });
        out.append("Tuning cost to match (row N, column M: fewest trials at which N's median best test error"
                + " reaches M's at M's full budget; exact best-of-k distribution)\n");
        List<String> header = new ArrayList<>(List.of("N \\ M"));
        names.forEach(header::add);
        header.add("of");
        Table t = new Table(header.toArray(String[]::new));
        for (String n : names) {
            List<String> row = new ArrayList<>(List.of(n));
            int available = 0;
            for (String m : names) {
                CostToMatch c = s.costToMatch().stream().filter(x -> x.optimizer().equals(n) && x.target().equals(m))
                        .findFirst().orElse(null);
                row.add(c == null ? "-" : c.never() ? "never" : String.valueOf(c.trials()));
                available = c == null ? available : c.available();
            }
            row.add(String.valueOf(available));
            t.row(row.toArray(String[]::new));
        }
        out.append(t);
    }

    private static void seedSpread(StringBuilder out, StudyAnalysis s) {
        if (s.optimizers().values().stream().noneMatch(a -> a.seedSpread() != null)) {
            return;
        }
        out.append("Seed spread of the best point (test error over its seeds; lucky = without its best seed it would"
                + " lose to the runner-up point)\n");
        Table t = new Table("optimizer", "point", "seeds", "mean", "min", "max", "sd", "val mean", "val w/o best seed",
                "runner-up val", "lucky seed");
        s.optimizers().forEach((name, a) -> {
            SeedSpread sp = a.seedSpread();
            if (sp != null) {
                t.row(name, "#" + sp.point(), String.valueOf(sp.trials().size()), num(sp.testMean()), num(sp.testMin()),
                        num(sp.testMax()), num(sp.testSd()), num(sp.validationMean()), num(sp.leaveBestOutMean()),
                        sp.runnerUp() == null ? "-" : num(sp.runnerUpMean()) + " (#" + sp.runnerUp() + ")",
                        sp.lucky() ? "LUCKY" : "no");
            }
        });
        out.append(t);
    }

    private static void fit(StringBuilder out, StudyAnalysis s) {
        if (s.optimizers().values().stream().noneMatch(a -> a.fit() != null)) {
            return;
        }
        out.append("Fitted search spaces (stage 1 wide → stage 2 fitted; budgets above count both stages)\n");
        Table t = new Table("optimizer", "hyperparameter", "wide", "fitted", "why");
        s.optimizers().forEach((name, a) -> {
            FitSummary f = a.fit();
            if (f == null) {
                return;
            }
            var wide = dev.optbench.space.SearchSpace.fromJson(f.wide(), "wide");
            var fitted = dev.optbench.space.SearchSpace.fromJson(f.fitted(), "fitted");
            wide.ranges().forEach((h, r) -> t.row(name, h, dev.optbench.space.SpaceFitting.describe(r),
                    fitted.ranges().containsKey(h) ? dev.optbench.space.SpaceFitting.describe(fitted.ranges().get(h)) : "-",
                    f.reasons().getOrDefault(h, "")));
            t.row(name, "(stage 2 boundary check)", f.stage1Finished() + "/" + f.stage1Points() + " stage-1 points",
                    f.stage2Points() + " stage-2 points", f.boundaryPassed() ? "passed" : "WARNINGS (see below)");
        });
        out.append(t);
    }

    private static void ranking(StringBuilder out, String title, List<RankEntry> ranking) {
        out.append(title).append('\n');
        Table t = new Table("rank", "optimizer", "median", "p5", "p95", "tied with");
        ranking.forEach(e -> t.row(String.valueOf(e.rank()), e.optimizer(), num(e.median()), num(e.p5()), num(e.p95()),
                String.join(", ", e.tiedWith())));
        out.append(t);
    }

    private static void inclusion(StringBuilder out, String title, List<InclusionCheck> checks) {
        if (checks.isEmpty()) {
            return;
        }
        out.append(title).append('\n');
        Table t = new Table("relation", "N median", "M p95", "consistent");
        checks.forEach(c -> t.row(c.subset() + " ⊆ " + c.superset(), num(c.supersetMedian()), num(c.subsetP95()),
                c.consistent() ? "yes" : "VIOLATED"));
        out.append(t);
    }

    private static void sensitivity(StringBuilder out, String title, List<SensitivityRanking> rankings) {
        if (rankings.isEmpty()) {
            return;
        }
        out.append(title).append('\n');
        Table t = new Table("at", "order by median (best first)", "order changed", "significant change");
        rankings.forEach(r -> t.row(r.kind().equals("budget") ? pct(r.value()) : num(r.value()),
                String.join(" < ", Rankings.medianOrder(r.ranking())), r.orderChanged() ? "yes" : "no",
                r.significantChange() ? "yes" : "no"));
        out.append(t);
    }

    static String num(double v) {
        if (Double.isInfinite(v)) {
            return "∞";
        }
        if (Double.isNaN(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String steps(double v) {
        return Double.isInfinite(v) ? "not reached" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    /** A left-aligned text table with a header rule. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        @Override
        public String toString() {
            int cols = rows.get(0).length;
            int[] width = new int[cols];
            for (String[] r : rows) {
                for (int c = 0; c < cols && c < r.length; c++) {
                    width[c] = Math.max(width[c], r[c].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < rows.size(); i++) {
                String[] r = rows.get(i);
                sb.append(' ');
                for (int c = 0; c < cols; c++) {
                    String cell = c < r.length ? r[c] : "";
                    sb.append(' ').append(cell).append(" ".repeat(width[c] - cell.length())).append(' ');
                }
                sb.append('\n');
                if (i == 0) {
                    sb.append(' ');
                    for (int c = 0; c < cols; c++) {
                        sb.append(' ').append("-".repeat(width[c])).append(' ');
                    }
                    sb.append('\n');
                }
            }
            return sb.toString();
        }
    }
}
