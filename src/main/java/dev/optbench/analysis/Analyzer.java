package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The analysis of SPEC section 8 over one or more studies: per study the best trials, bootstraps,
 * steps to target, rankings, inclusion consistency, training-loss ranking, sensitivities and
 * boundary warnings; across studies the rank flips between protocols on the same workload and
 * performance profiles across workloads per protocol.
 */
public final class Analyzer {
    /** τ grid of the performance profiles: 1.00, 1.05, …, 4.00. */
    public static final List<Double> TAUS = taus();

    private final AnalysisOptions options;
    private final dev.optbench.optim.OptimizerRegistry optimizers;

    /** An analyzer whose inclusion checks know the built-in rules' relations only. */
    public Analyzer(AnalysisOptions options) {
        this(options, dev.optbench.optim.OptimizerRegistry.BUILT_IN);
    }

    /** An analyzer whose inclusion checks cover the relations {@code optimizers}' plug-ins declare too. */
    public Analyzer(AnalysisOptions options, dev.optbench.optim.OptimizerRegistry optimizers) {
        this.options = options;
        this.optimizers = optimizers;
    }

    public AnalysisResult analyze(List<StudyData> studies) {
        StudyAnalyzer one = new StudyAnalyzer(options, dev.optbench.optim.InclusionRelation.all(optimizers));
        List<StudyAnalysis> analyses = new ArrayList<>();
        for (StudyData s : studies) {
            analyses.add(one.analyze(s));
        }
        return new AnalysisResult(options, analyses, rankFlips(analyses), profiles(analyses));
    }

    /** Pairs of studies on the same workload with different protocols, in the order given. */
    static List<RankFlip> rankFlips(List<StudyAnalysis> studies) {
        List<RankFlip> out = new ArrayList<>();
        for (int i = 0; i < studies.size(); i++) {
            for (int j = i + 1; j < studies.size(); j++) {
                StudyAnalysis a = studies.get(i);
                StudyAnalysis b = studies.get(j);
                if (!a.workload().equals(b.workload()) || a.protocol().equals(b.protocol())) {
                    continue;
                }
                Map<String, RankEntry> ra = byName(a.ranking());
                Map<String, RankEntry> rb = byName(b.ranking());
                List<String> common = ra.keySet().stream().filter(rb::containsKey).toList();
                for (int x = 0; x < common.size(); x++) {
                    for (int y = x + 1; y < common.size(); y++) {
                        RankEntry ax = ra.get(common.get(x));
                        RankEntry ay = ra.get(common.get(y));
                        RankEntry bx = rb.get(common.get(x));
                        RankEntry by = rb.get(common.get(y));
                        double da = ax.median() - ay.median();
                        double db = bx.median() - by.median();
                        if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
                            boolean significant = separated(ax, ay) && separated(bx, by);
                            out.add(new RankFlip(a.workload(), a.study(), a.protocol(), b.study(), b.protocol(),
                                    ax.optimizer(), ay.optimizer(), ax.median(), ay.median(), bx.median(), by.median(),
                                    significant));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean separated(RankEntry x, RankEntry y) {
        return x.p95() < y.p5() || y.p95() < x.p5();
    }

    private static Map<String, RankEntry> byName(List<RankEntry> ranking) {
        Map<String, RankEntry> out = new LinkedHashMap<>();
        ranking.forEach(e -> out.put(e.optimizer(), e));
        return out;
    }

    /** One profile per protocol with at least one study that has steps to target. */
    static List<PerformanceProfile> profiles(List<StudyAnalysis> studies) {
        Map<String, List<StudyAnalysis>> byProtocol = new LinkedHashMap<>();
        for (StudyAnalysis s : studies) {
            boolean any = s.optimizers().values().stream().anyMatch(o -> o.stepsToTarget() != null);
            if (any) {
                byProtocol.computeIfAbsent(s.protocol(), p -> new ArrayList<>()).add(s);
            }
        }
        List<PerformanceProfile> out = new ArrayList<>();
        byProtocol.forEach((protocol, group) -> out.add(profile(protocol, group)));
        return out;
    }

    static PerformanceProfile profile(String protocol, List<StudyAnalysis> group) {
        Set<String> optimizers = new LinkedHashSet<>();
        group.forEach(s -> optimizers.addAll(s.optimizers().keySet()));
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        for (String o : optimizers) {
            ratios.put(o, new LinkedHashMap<>());
        }
        List<String> names = new ArrayList<>();
        for (StudyAnalysis s : group) {
            names.add(s.study());
            Map<String, Double> steps = new LinkedHashMap<>();
            double min = Double.POSITIVE_INFINITY;
            for (String o : optimizers) {
                OptimizerAnalysis a = s.optimizers().get(o);
                double v = a == null || a.stepsToTarget() == null ? Double.POSITIVE_INFINITY : a.stepsToTarget().best();
                steps.put(o, v);
                min = Math.min(min, v);
            }
            for (String o : optimizers) {
                double v = steps.get(o);
                double r = Double.isInfinite(v) || Double.isInfinite(min) ? Double.POSITIVE_INFINITY
                        : (min == 0 ? (v == 0 ? 1.0 : Double.POSITIVE_INFINITY) : v / min);
                ratios.get(o).put(s.study(), r);
            }
        }
        Map<String, List<Double>> rho = new LinkedHashMap<>();
        for (String o : optimizers) {
            List<Double> curve = new ArrayList<>();
            for (double tau : TAUS) {
                long within = ratios.get(o).values().stream().filter(r -> r <= tau + 1e-12).count();
                curve.add((double) within / group.size());
            }
            rho.put(o, curve);
        }
        return new PerformanceProfile(protocol, names, TAUS, ratios, rho);
    }

    private static List<Double> taus() {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i <= 60; i++) {
            out.add(Math.round((1.0 + 0.05 * i) * 100) / 100.0);
        }
        return List.copyOf(out);
    }
}
