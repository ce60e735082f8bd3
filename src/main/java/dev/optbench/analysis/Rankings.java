package dev.optbench.analysis;

import dev.optbench.optim.InclusionRelation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rankings with ties, inclusion consistency and order comparisons (SPEC section 8). */
public final class Rankings {
    private Rankings() {}

    /**
     * Ranks by bootstrap median (lower is better): rank = 1 + #optimizers whose p95 is strictly
     * below this one's p5. Listed by rank, then median, then name.
     */
    public static List<RankEntry> rank(Map<String, BudgetQuantiles> full) {
        List<RankEntry> out = new ArrayList<>();
        for (Map.Entry<String, BudgetQuantiles> e : full.entrySet()) {
            BudgetQuantiles q = e.getValue();
            int better = 0;
            List<String> tied = new ArrayList<>();
            for (Map.Entry<String, BudgetQuantiles> o : full.entrySet()) {
                if (o.getKey().equals(e.getKey())) {
                    continue;
                }
                if (o.getValue().p95() < q.p5()) {
                    better++;
                }
                if (o.getValue().overlaps(q)) {
                    tied.add(o.getKey());
                }
            }
            out.add(new RankEntry(e.getKey(), 1 + better, q.median(), q.p5(), q.p95(), tied));
        }
        out.sort(Comparator.comparingInt(RankEntry::rank).thenComparingDouble(RankEntry::median)
                .thenComparing(RankEntry::optimizer));
        return out;
    }

    /**
     * For every M ⊆ N of {@code relations} ({@link InclusionRelation#all}, with the run's plug-ins)
     * with both present: N.median ≤ M.p95.
     */
    public static List<InclusionCheck> inclusion(Map<String, BudgetQuantiles> full, List<InclusionRelation> relations) {
        List<InclusionCheck> out = new ArrayList<>();
        for (InclusionRelation r : relations) {
            BudgetQuantiles m = full.get(r.subset());
            BudgetQuantiles n = full.get(r.superset());
            if (m != null && n != null) {
                out.add(new InclusionCheck(r.subset(), r.superset(), n.median(), m.p95(), n.median() <= m.p95()));
            }
        }
        return out;
    }

    /** Optimizer names in order of median (ties by name). */
    public static List<String> medianOrder(List<RankEntry> ranking) {
        List<RankEntry> sorted = new ArrayList<>(ranking);
        sorted.sort(Comparator.comparingDouble(RankEntry::median).thenComparing(RankEntry::optimizer));
        return sorted.stream().map(RankEntry::optimizer).toList();
    }

    /** True when some pair present in both has strictly opposite orders by median (ties do not count). */
    public static boolean medianOrderReversed(List<RankEntry> a, List<RankEntry> b) {
        Map<String, Double> ma = new LinkedHashMap<>();
        Map<String, Double> mb = new LinkedHashMap<>();
        a.forEach(e -> ma.put(e.optimizer(), e.median()));
        b.forEach(e -> mb.put(e.optimizer(), e.median()));
        for (String x : ma.keySet()) {
            for (String y : ma.keySet()) {
                if (mb.containsKey(x) && mb.containsKey(y) && ma.get(x) < ma.get(y) && mb.get(x) > mb.get(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when some pair present in both is separated in both rankings, in opposite orders. */
    public static boolean significantlyReordered(List<RankEntry> a, List<RankEntry> b) {
        Map<String, Integer> ra = ranks(a);
        Map<String, Integer> rb = ranks(b);
        for (String x : ra.keySet()) {
            for (String y : ra.keySet()) {
                if (rb.containsKey(x) && rb.containsKey(y) && ra.get(x) < ra.get(y) && rb.get(x) > rb.get(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Map<String, Integer> ranks(List<RankEntry> ranking) {
        Map<String, Integer> out = new LinkedHashMap<>();
        ranking.forEach(e -> out.put(e.optimizer(), e.rank()));
        return out;
    }
}
