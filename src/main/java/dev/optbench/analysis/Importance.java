package dev.optbench.analysis;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hyperparameter importance of one optimizer in one study: for each searched hyperparameter, the
 * share of the variance of the final validation error (diverged trials count 1.0) that it explains
 * alone, its first-order (main-effect) variance fraction, the quantity fANOVA reports per
 * hyperparameter.
 *
 * <p>Estimated without a surrogate model: the trials are sorted by the hyperparameter's value in
 * scaled units (log for log ranges), cut into B = round(√n) (at least 2) bins of equal count,
 * and η² = (between-bin sum of squares) / (total sum of squares). Even a hyperparameter that does
 * nothing explains (B − 1)/(n − 1) of the variance in expectation by chance, so the reported value
 * is corrected for it, as an adjusted R² is: max(0, (η² − e) / (1 − e)) with e = (B − 1)/(n − 1).
 * Interactions are not attributed to anyone, so the values need not sum to 1. No Java library
 * with fANOVA fits (smile is GPL-3.0; none other ships it), and a random forest on the 8–50
 * trials of a study would be a noisier estimate of the same main effects. Needs 4 trials.
 *
 * @param importance per hyperparameter, most important first
 */
public record Importance(String optimizer, int trials, Map<String, Double> importance) {
    public Importance {
        importance = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(importance));
    }

    /** The two most important hyperparameters, or fewer when fewer were searched. */
    public List<String> topPair() {
        return importance.keySet().stream().limit(2).toList();
    }

    /** One per optimizer of the study with at least 4 finished trials and a varied hyperparameter. */
    public static List<Importance> of(StudyData data) {
        Map<String, List<Trial>> byOptimizer = new LinkedHashMap<>();
        data.trials().stream().filter(TrialMetrics::usable)
                .forEach(t -> byOptimizer.computeIfAbsent(t.optimizer(), o -> new ArrayList<>()).add(t));
        List<Importance> out = new ArrayList<>();
        byOptimizer.forEach((o, trials) -> {
            Importance i = of(o, trials, SearchRange.parse(data.definition().spaces().get(o)));
            if (!i.importance().isEmpty()) {
                out.add(i);
            }
        });
        return out;
    }

    static Importance of(String optimizer, List<Trial> trials, Map<String, SearchRange> space) {
        Set<String> names = new LinkedHashSet<>();
        trials.forEach(t -> names.addAll(t.searched().keySet()));
        Map<String, Double> out = new LinkedHashMap<>();
        if (trials.size() >= 4) {
            for (String h : names) {
                List<Trial> with = trials.stream().filter(t -> t.searched().containsKey(h)).toList();
                if (with.size() < 4 || with.stream().map(t -> t.searched().get(h)).distinct().count() < 2) {
                    continue;
                }
                boolean log = space.containsKey(h) ? space.get(h).log()
                        : with.stream().allMatch(t -> t.searched().get(h) > 0);
                double[] x = new double[with.size()];
                double[] y = new double[with.size()];
                for (int i = 0; i < x.length; i++) {
                    double v = with.get(i).searched().get(h);
                    x[i] = log ? Math.log(v) : v;
                    y[i] = with.get(i).state() == TrialState.DIVERGED ? 1.0 : with.get(i).validationError();
                }
                out.put(h, mainEffect(x, y));
            }
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        out.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new Importance(optimizer, trials.size(), sorted);
    }

    /** The chance-corrected share of var(y) explained by equal-count bins of x. */
    static double mainEffect(double[] x, double[] y) {
        int n = x.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> x[i]).thenComparingInt(i -> i));
        int bins = Math.max(2, (int) Math.round(Math.sqrt(n)));
        double mean = 0;
        for (double v : y) {
            mean += v / n;
        }
        double total = 0;
        for (double v : y) {
            total += (v - mean) * (v - mean);
        }
        if (total <= 0) {
            return 0;
        }
        double between = 0;
        for (int b = 0; b < bins; b++) {
            int from = b * n / bins;
            int to = (b + 1) * n / bins;
            double m = 0;
            for (int k = from; k < to; k++) {
                m += y[order[k]] / (to - from);
            }
            between += (to - from) * (m - mean) * (m - mean);
        }
        double eta2 = between / total;
        double chance = (bins - 1.0) / (n - 1.0);
        return Math.max(0, (eta2 - chance) / (1 - chance));
    }
}
