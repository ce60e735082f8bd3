package dev.optbench.report;

import static dev.optbench.report.Html.escape;

import dev.optbench.analysis.InclusionCheck;
import dev.optbench.optim.InclusionRelation;
import dev.optbench.optim.OptimizerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The inclusion relations of one study as a small inline SVG: optimizers as boxes, each more
 * general optimizer above the ones it includes; an edge per direct relation, green and solid
 * where the order holds, red, dashed and crossed where it is violated. A violated transitive
 * relation (e.g. sgd ⊆ adam) gets its own red edge; transitive ones that hold are left out.
 */
final class InclusionDiagram {
    static final String HOLDS = "#1c6b2a";
    static final String VIOLATED = "#c0392b";
    private static final int ROW = 70;
    private static final int BOX_W = 92;
    private static final int BOX_H = 26;

    private InclusionDiagram() {}

    /** The SVG element, or "" when the study has no inclusion relation between its optimizers. */
    static String svg(List<InclusionCheck> checks) {
        if (checks.isEmpty()) {
            return "";
        }
        // every relation a study checks is an edge but the built-in transitive ones (sgd ⊆ adam);
        // a plug-in's declared relations are edges of their own
        Set<InclusionRelation> direct = new LinkedHashSet<>(InclusionRelation.direct(OptimizerRegistry.BUILT_IN));
        Set<InclusionRelation> transitive = new LinkedHashSet<>(InclusionRelation.all(OptimizerRegistry.BUILT_IN));
        transitive.removeAll(direct);
        List<InclusionCheck> edges = checks.stream()
                .filter(c -> !c.consistent() || !transitive.contains(new InclusionRelation(c.subset(), c.superset()))).toList();
        Map<String, Integer> level = new LinkedHashMap<>();
        checks.forEach(c -> {
            level.putIfAbsent(c.subset(), 0);
            level.putIfAbsent(c.superset(), 0);
        });
        for (int pass = 0; pass < level.size(); pass++) { // longest chain below each optimizer
            for (InclusionCheck c : checks) {
                if (!transitive.contains(new InclusionRelation(c.subset(), c.superset()))) {
                    level.put(c.superset(), Math.max(level.get(c.superset()), level.get(c.subset()) + 1));
                }
            }
        }
        int levels = level.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Map<Integer, List<String>> rows = new LinkedHashMap<>();
        level.forEach((o, l) -> rows.computeIfAbsent(l, x -> new ArrayList<>()).add(o));
        int widest = rows.values().stream().mapToInt(List::size).max().orElse(1);
        int width = widest * (BOX_W + 24) + 24;
        int height = levels * ROW + 10;
        Map<String, double[]> at = new LinkedHashMap<>();
        rows.forEach((l, names) -> {
            for (int i = 0; i < names.size(); i++) {
                double slot = (widest - names.size()) / 2.0 + i; // rows centred on the widest
                at.put(names.get(i), new double[] {12 + (BOX_W + 24) * slot + (BOX_W + 24) / 2.0, height - 25 - l * ROW});
            }
        });
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg class=\"inclusion\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"inclusion relations\">", width, height, width,
                height));
        for (InclusionCheck c : edges) {
            double[] a = at.get(c.subset());
            double[] b = at.get(c.superset());
            boolean ok = c.consistent();
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    + "stroke-width=\"%s\"%s><title>%s</title></line>", a[0], a[1] - BOX_H / 2.0, b[0], b[1] + BOX_H / 2.0,
                    ok ? HOLDS : VIOLATED, ok ? "2" : "2.5", ok ? "" : " stroke-dasharray=\"6 4\"",
                    escape(c.subset() + " ⊆ " + c.superset() + (ok ? ": holds" : ": violated"))));
            if (!ok) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"16\" "
                        + "font-weight=\"bold\" text-anchor=\"middle\">✗</text>", (a[0] + b[0]) / 2 + 8,
                        (a[1] + b[1]) / 2 + 5, VIOLATED));
            }
        }
        at.forEach((o, p) -> s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" "
                + "rx=\"5\" fill=\"#f7f7f7\" stroke=\"#777\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
                + "text-anchor=\"middle\" font-family=\"sans-serif\">%s</text>", p[0] - BOX_W / 2.0, p[1] - BOX_H / 2.0, BOX_W,
                BOX_H, p[0], p[1] + 4.5, escape(o))));
        return s.append("</svg>").toString();
    }
}
