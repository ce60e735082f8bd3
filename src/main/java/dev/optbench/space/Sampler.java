package dev.optbench.space;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How a study picks its points (SPEC section 5). Point k is a pure function of
 * (space, seed, k, trials), so any worker can compute it and a restart needs only k.
 */
public enum Sampler {
    /** Shifted, shuffled Halton sequence mapped through each range's scaling. */
    HALTON {
        @Override
        Map<String, Double> sample(SearchSpace space, long seed, int k, int trials) {
            return space.fromUnit(new ShuffledHalton(space.dimensions(), seed).point(k));
        }
    },
    /** Independent uniform draws in scaled units, from a generator seeded by (seed, k). */
    RANDOM {
        @Override
        Map<String, Double> sample(SearchSpace space, long seed, int k, int trials) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, k));
            double[] u = new double[space.dimensions()];
            for (int d = 0; d < u.length; d++) {
                u[d] = rng.nextDouble();
            }
            return space.fromUnit(u);
        }
    },
    /**
     * A full grid: feasible points as given; each min/max range gets n levels evenly spaced in
     * scaled units (log ranges: a log grid), n the smallest count whose grid has at least
     * {@code trials} points. Trial k is grid point k in mixed radix, last name fastest.
     */
    GRID {
        @Override
        Map<String, Double> sample(SearchSpace space, long seed, int k, int trials) {
            List<List<Double>> levels = levels(space, trials);
            Map<String, Double> point = new java.util.LinkedHashMap<>();
            long size = 1;
            for (List<Double> l : levels) {
                size *= l.size();
            }
            long rest = k % size;
            Double[] values = new Double[levels.size()];
            for (int d = levels.size() - 1; d >= 0; d--) {
                List<Double> l = levels.get(d);
                values[d] = l.get((int) (rest % l.size()));
                rest /= l.size();
            }
            int d = 0;
            for (String name : space.names()) {
                point.put(name, values[d++]);
            }
            return point;
        }
    };

    /** Trial k's point; in a discrete space, point k mod n whatever the sampler (SPEC section 5). */
    public Map<String, Double> point(SearchSpace space, long seed, int k, int trials) {
        return space.isDiscrete() ? space.discretePoint(k) : sample(space, seed, k, trials);
    }

    abstract Map<String, Double> sample(SearchSpace space, long seed, int k, int trials);

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Sampler fromId(String id) {
        for (Sampler s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new InputException("unknown sampler '" + Messages.quote(id) + "' (use halton, random or grid)");
    }

    static List<List<Double>> levels(SearchSpace space, int trials) {
        long fixed = 1;
        int continuous = 0;
        for (Range r : space.ranges().values()) {
            if (r instanceof Range.Feasible f) {
                fixed *= f.points().size();
            } else {
                continuous++;
            }
        }
        int n = 1;
        if (continuous > 0) {
            while (fixed * Math.pow(n, continuous) < trials) {
                n++;
            }
        }
        List<List<Double>> out = new ArrayList<>();
        for (Range r : space.ranges().values()) {
            out.add(r.grid(n));
        }
        return out;
    }
}
