package dev.optbench.analysis;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Seed repeats (SPEC section 10): one outcome per hyperparameter point, the mean over its S seeds.
 * A point counts once all its seeds are finished (completed or diverged); its final validation
 * and test errors are the means over seeds with a diverged seed at 1.0; it is diverged only when
 * every seed diverged. Its curve is the mean curve: at each (step, split) of its longest run, the
 * mean of the seeds' values, a seed that had stopped (diverged) counting error 1.0 and loss +∞.
 * The point stands in the analysis as a trial whose index is the point.
 */
final class PointOutcomes {
    private PointOutcomes() {}

    /** The trials grouped by point, in point order. */
    static Map<Integer, List<Trial>> byPoint(List<Trial> trials) {
        Map<Integer, List<Trial>> out = new TreeMap<>();
        trials.forEach(t -> out.computeIfAbsent(t.point(), p -> new ArrayList<>()).add(t));
        out.values().forEach(l -> l.sort(java.util.Comparator.comparingInt(Trial::repeat)));
        return out;
    }

    /** One trial per point: the mean of its seeds if all are finished, else an unfinished stand-in. */
    static List<Trial> aggregate(List<Trial> trials) {
        List<Trial> out = new ArrayList<>();
        for (Map.Entry<Integer, List<Trial>> e : byPoint(trials).entrySet()) {
            List<Trial> seeds = e.getValue();
            Trial first = seeds.get(0);
            Trial unfinished = seeds.stream().filter(t -> !TrialMetrics.usable(t)).findFirst().orElse(null);
            if (unfinished != null) {
                out.add(asPoint(first, e.getKey(), unfinished.state(), null, null, List.of()));
                continue;
            }
            double val = 0;
            double test = 0;
            boolean allDiverged = true;
            for (Trial t : seeds) {
                val += TrialMetrics.validation(t);
                test += TrialMetrics.test(t);
                allDiverged &= t.state() == TrialState.DIVERGED;
            }
            out.add(asPoint(first, e.getKey(), allDiverged ? TrialState.DIVERGED : TrialState.COMPLETED,
                    val / seeds.size(), test / seeds.size(), meanCurve(seeds)));
        }
        return out;
    }

    private static Trial asPoint(Trial t, int point, TrialState state, Double val, Double test, List<Measurement> curve) {
        return new Trial(t.study(), t.optimizer(), point, state, t.searched(), t.hparams(), t.seed(), t.worker(),
                t.started(), t.finished(), t.steps(), t.seconds(), val, test, null, t.provenance(), t.message(), curve,
                point, 0, t.stage());
    }

    static List<Measurement> meanCurve(List<Trial> seeds) {
        Trial longest = seeds.get(0);
        for (Trial t : seeds) {
            if (Curves.lastStep(t.curve()) > Curves.lastStep(longest.curve())) {
                longest = t;
            }
        }
        List<Map<String, Measurement>> index = new ArrayList<>();
        for (Trial t : seeds) {
            Map<String, Measurement> m = new LinkedHashMap<>();
            t.curve().forEach(x -> m.put(x.step() + "/" + x.split().id(), x));
            index.add(m);
        }
        List<Measurement> out = new ArrayList<>();
        for (Measurement ref : longest.curve()) {
            String key = ref.step() + "/" + ref.split().id();
            double loss = 0;
            double error = 0;
            for (Map<String, Measurement> m : index) {
                Measurement x = m.get(key);
                loss += x == null ? Double.POSITIVE_INFINITY : x.loss();
                error += x == null ? (ref.split() == Split.TRAIN ? Double.NaN : 1.0) : x.error();
            }
            out.add(new Measurement(ref.step(), ref.split(), loss / seeds.size(), error / seeds.size()));
        }
        return out;
    }

    /** The spread over seeds of {@code best}'s point, with the lucky-seed flag ({@link SeedSpread}). */
    static SeedSpread spread(List<Trial> rankedPoints, Map<Integer, List<Trial>> byPoint) {
        Trial best = rankedPoints.get(0);
        List<Trial> seeds = byPoint.get(best.point());
        int s = seeds.size();
        double[] val = new double[s];
        double[] test = new double[s];
        List<Integer> trials = new ArrayList<>();
        List<Long> seedValues = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            val[i] = TrialMetrics.validation(seeds.get(i));
            test[i] = TrialMetrics.test(seeds.get(i));
            trials.add(seeds.get(i).index());
            seedValues.add(seeds.get(i).seed());
        }
        double looMean = Double.NaN;
        if (s >= 2) {
            double min = Double.POSITIVE_INFINITY;
            double sum = 0;
            for (double v : val) {
                min = Math.min(min, v);
                sum += v;
            }
            looMean = (sum - min) / (s - 1);
        }
        Integer runnerUp = rankedPoints.size() > 1 ? rankedPoints.get(1).point() : null;
        double runnerUpMean = runnerUp == null ? Double.NaN : TrialMetrics.validation(rankedPoints.get(1));
        boolean lucky = s >= 2 && runnerUp != null && looMean > runnerUpMean;
        return new SeedSpread(best.point(), trials, seedValues, mean(test), min(test), max(test), sd(test), mean(val),
                min(val), max(val), sd(val), looMean, runnerUp, runnerUpMean, lucky);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    static double sd(double[] x) {
        if (x.length < 2) {
            return 0.0;
        }
        double m = mean(x);
        double ss = 0;
        for (double v : x) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (x.length - 1));
    }

    private static double min(double[] x) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : x) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static double max(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        return m;
    }
}
