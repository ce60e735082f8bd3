package dev.optbench.analysis;

/**
 * Bootstrap summary at one budget of trials: median, 5th and 95th percentiles (type-1
 * quantiles, see {@link Quantiles}). Infinite values mean "target not reached".
 */
public record BudgetQuantiles(int budget, double median, double p5, double p95) {
    /** True when the two [p5, p95] intervals share a point. */
    public boolean overlaps(BudgetQuantiles other) {
        return p5 <= other.p95 && other.p5 <= p95;
    }
}
