package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.List;

/** Budgets of the best-vs-budget bootstrap: 1, 2, 4, … below n, then n itself. */
public final class Budgets {
    private Budgets() {}

    public static List<Integer> upTo(int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 1; k < n; k *= 2) {
            out.add(k);
        }
        if (n >= 1) {
            out.add(n);
        }
        return out;
    }
}
