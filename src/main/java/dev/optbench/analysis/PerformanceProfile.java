package dev.optbench.analysis;

import java.util.List;
import java.util.Map;

/**
 * AlgoPerf-style performance profile over the studies of one protocol (one problem per study):
 * r(p, o) = steps to target of o's best trial on p / the smallest over optimizers (+∞ when not
 * reached), and ρ_o(τ) = |{p : r(p, o) ≤ τ}| / |P| for τ in {@code taus}.
 */
public record PerformanceProfile(String protocol, List<String> studies, List<Double> taus,
        Map<String, Map<String, Double>> ratios, Map<String, List<Double>> rho) {
    public PerformanceProfile {
        studies = List.copyOf(studies);
        taus = List.copyOf(taus);
    }
}
