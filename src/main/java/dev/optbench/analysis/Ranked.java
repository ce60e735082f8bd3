package dev.optbench.analysis;

import dev.optbench.study.Trial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Trials sorted best first by a selection key (final validation error, train_eval loss, …).
 * Ties in the key go to the lower trial index: a deterministic rule, so "the best of a draw"
 * is always the lowest rank drawn.
 */
record Ranked(List<Trial> trials, double[] keys) {
    static Ranked by(List<Trial> trials, ToDoubleFunction<Trial> key) {
        List<Trial> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.<Trial>comparingDouble(key::applyAsDouble).thenComparingInt(Trial::index));
        double[] keys = new double[sorted.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key.applyAsDouble(sorted.get(i));
        }
        return new Ranked(List.copyOf(sorted), keys);
    }

    int size() {
        return trials.size();
    }

    Trial best() {
        return trials.get(0);
    }

    /** {@code f} of each trial, in rank order. */
    double[] values(ToDoubleFunction<Trial> f) {
        double[] out = new double[trials.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(trials.get(i));
        }
        return out;
    }
}
