package dev.optbench.analysis;

import java.util.List;

/**
 * One optimizer's place in a ranking: rank = 1 + the number of optimizers whose whole
 * [p5, p95] interval lies strictly below this one's, so optimizers with overlapping intervals
 * share a rank unless a third separates them. {@code tiedWith} lists those whose interval
 * overlaps this one's.
 */
public record RankEntry(String optimizer, int rank, double median, double p5, double p95, List<String> tiedWith) {
    public RankEntry {
        tiedWith = List.copyOf(tiedWith);
    }
}
