package dev.optbench.space;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Automatic search-space fitting (SPEC section 10, the paper's Appendix D by machine): a pure
 * function of stage 1's finished points. For each continuous hyperparameter of the wide space:
 * take the best {@code t = max(1, ⌈top · n⌉)} of the n stage-1 points by validation error (ties:
 * lower point first), their smallest and largest value [lo, hi], and widen by the margin m on the
 * range's scale, clipped to the wide range:
 * <ul>
 *   <li>log: [max(a, lo / 10^m), min(b, hi · 10^m)];</li>
 *   <li>linear: [max(a, lo − w), min(b, hi + w)], w = {@link FitOptions#LINEAR_PER_DECADE} · m · (b − a).</li>
 * </ul>
 * Feasible-point ranges are kept as they are. With no finished point the wide space is kept.
 */
public final class SpaceFitting {
    private SpaceFitting() {}

    /** One stage-1 point: its searched values and its validation error (mean over its seeds; diverged = 1.0). */
    public record Scored(int point, Map<String, Double> searched, double validationError) {}

    /** The fitted space and, per hyperparameter, why its range moved (or did not). */
    public record Fitted(SearchSpace space, Map<String, String> reasons) {}

    public static Fitted fit(SearchSpace wide, List<Scored> stage1, FitOptions options) {
        Map<String, String> reasons = new LinkedHashMap<>();
        if (stage1.isEmpty()) {
            wide.names().forEach(n -> reasons.put(n, "kept: no stage-1 point finished"));
            return new Fitted(wide, reasons);
        }
        List<Scored> ranked = new ArrayList<>(stage1);
        ranked.sort(Comparator.comparingDouble(Scored::validationError).thenComparingInt(Scored::point));
        int t = Math.max(1, (int) Math.ceil(options.top() * ranked.size() - 1e-9));
        List<Scored> best = ranked.subList(0, Math.min(t, ranked.size()));
        Map<String, Range> fitted = new LinkedHashMap<>();
        for (Map.Entry<String, Range> e : wide.ranges().entrySet()) {
            String name = e.getKey();
            Range r = e.getValue();
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Scored s : best) {
                Double x = s.searched().get(name);
                if (x != null && Double.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            if (r instanceof Range.Feasible || !Double.isFinite(lo)) {
                fitted.put(name, r);
                reasons.put(name, r instanceof Range.Feasible ? "kept: feasible points are not fitted" : "kept: not searched");
                continue;
            }
            String top = String.format(Locale.ROOT, "best %d of %d stage-1 points lie in [%s, %s]", best.size(),
                    ranked.size(), g(lo), g(hi));
            Range out;
            if (r instanceof Range.Log l) {
                double f = Math.pow(10, options.margin());
                out = new Range.Log(Math.max(l.min(), lo / f), Math.min(l.max(), hi * f));
                top += String.format(Locale.ROOT, "; widened by %s decade(s) each side", g(options.margin()));
            } else {
                Range.Linear l = (Range.Linear) r;
                double w = FitOptions.LINEAR_PER_DECADE * options.margin() * (l.max() - l.min());
                out = new Range.Linear(Math.max(l.min(), lo - w), Math.min(l.max(), hi + w));
                top += String.format(Locale.ROOT, "; widened by %s of the wide width each side",
                        g(FitOptions.LINEAR_PER_DECADE * options.margin()));
            }
            fitted.put(name, out);
            reasons.put(name, moved(r, out) + " (" + top + ")");
        }
        return new Fitted(new SearchSpace(fitted), reasons);
    }

    private static String moved(Range wide, Range fitted) {
        double[] w = bounds(wide);
        double[] f = bounds(fitted);
        List<String> parts = new ArrayList<>();
        if (f[0] > w[0]) {
            parts.add("lower bound raised " + g(w[0]) + " → " + g(f[0]));
        }
        if (f[1] < w[1]) {
            parts.add("upper bound lowered " + g(w[1]) + " → " + g(f[1]));
        }
        if (parts.isEmpty()) {
            return "kept the wide range: the best points reach within the margin of both bounds";
        }
        if (parts.size() == 1) {
            parts.add(f[0] == w[0] ? "lower bound kept: the best points lie within the margin of it"
                    : "upper bound kept: the best points lie within the margin of it");
        }
        return String.join("; ", parts);
    }

    /** A range with its bounds to three significant digits, e.g. "log [0.00612, 0.423]". */
    public static String describe(Range r) {
        if (r instanceof Range.Log l) {
            return "log [" + g(l.min()) + ", " + g(l.max()) + "]";
        }
        if (r instanceof Range.Linear l) {
            return "linear [" + g(l.min()) + ", " + g(l.max()) + "]";
        }
        return r.describe();
    }

    /** Three significant digits, for the reasons. */
    private static String g(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.contains("e")) {
            String[] p = s.split("e");
            return p[0].replaceAll("\\.?0+$", "") + "e" + Integer.parseInt(p[1]);
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static double[] bounds(Range r) {
        if (r instanceof Range.Log l) {
            return new double[] {l.min(), l.max()};
        }
        Range.Linear l = (Range.Linear) r;
        return new double[] {l.min(), l.max()};
    }
}
