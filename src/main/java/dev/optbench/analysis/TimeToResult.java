package dev.optbench.analysis;

import dev.optbench.study.Trial;
import dev.optbench.study.TrialState;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wall-clock time to result (AlgoPerf's measure): per optimizer of one study, the seconds its
 * fastest trial took to reach the workload's target validation error.
 *
 * <p>A trial stores only its total {@code seconds} (with batched training, its share of the
 * batch's wall time) and the validation errors at its evaluation steps. The time at evaluation
 * step s is interpolated as seconds · s / steps (steps run), i.e. every step is taken to cost the
 * same, evaluations included; the time to target is that time at the first evaluation whose
 * validation error is at or below the target. Diverged trials never reach it. Times are only
 * comparable on the same hardware, so {@link #hardware} lists what the trials recorded.
 *
 * @param seconds the fastest trial's seconds to target per optimizer (absent: none reached it)
 * @param trial the index of that trial per optimizer
 * @param reached how many of the optimizer's finished trials reached the target
 * @param finished how many finished (completed or diverged)
 */
public record TimeToResult(String study, String protocol, String workload, Double target, Map<String, Double> seconds,
        Map<String, Integer> trial, Map<String, Integer> reached, Map<String, Integer> finished, List<String> hardware) {
    /** AlgoPerf's upper integration limit (and plot limit) of the performance profile. */
    public static final double R_MAX = 4.0;

    public TimeToResult {
        seconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
        trial = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trial));
        reached = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reached));
        finished = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(finished));
        hardware = List.copyOf(hardware);
    }

    /** The study's time to result; a null target (unknown workload) gives no times. */
    public static TimeToResult of(StudyData data) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Integer> trial = new LinkedHashMap<>();
        Map<String, Integer> reached = new LinkedHashMap<>();
        Map<String, Integer> finished = new LinkedHashMap<>();
        data.definition().optimizers().forEach(o -> {
            reached.put(o, 0);
            finished.put(o, 0);
        });
        for (Trial t : data.trials()) {
            if (!t.state().countsAsFinished() || (data.definition().fit() != null && t.stage() != 2)) {
                continue; // a fitted study is analysed on stage 2, as everywhere else
            }
            finished.merge(t.optimizer(), 1, Integer::sum);
            double s = data.target() == null ? Double.POSITIVE_INFINITY : secondsTo(t, data.target());
            if (Double.isFinite(s)) {
                reached.merge(t.optimizer(), 1, Integer::sum);
                if (!seconds.containsKey(t.optimizer()) || s < seconds.get(t.optimizer())) {
                    seconds.put(t.optimizer(), s);
                    trial.put(t.optimizer(), t.index());
                }
            }
        }
        return new TimeToResult(data.definition().name(), data.definition().protocol(), data.definition().workload(),
                data.target(), seconds, trial, reached, finished, hardware(data.trials()));
    }

    /** Seconds until the first evaluation at or below {@code target}, interpolated; +∞ if never. */
    public static double secondsTo(Trial t, double target) {
        if (t.state() == TrialState.DIVERGED || t.steps() <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        for (Measurement m : t.curve()) {
            if (m.split() == Split.VALIDATION && m.error() <= target) {
                return t.seconds() * Math.min(m.step(), t.steps()) / t.steps();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /**
     * How the trials' times were measured, from their provenance: host, its cores, trials per
     * batch (the layout) and the engine (DJL's native settings, or the torch engine's version,
     * device and layout); one entry per distinct combination.
     */
    public static List<String> hardware(List<Trial> trials) {
        Set<String> out = new LinkedHashSet<>();
        for (Trial t : trials) {
            if (!t.state().countsAsFinished()) {
                continue;
            }
            Map<String, String> p = t.provenance();
            String engine = "torch".equals(p.get("engine"))
                    ? "torch " + p.getOrDefault("torch", "?") + " on " + p.getOrDefault("device", "?") + ", layout "
                            + p.getOrDefault("layout", "not recorded")
                    : p.getOrDefault("native", "not recorded");
            String cores = p.containsKey("cores") ? p.get("cores") + " cores" : "cores not recorded";
            out.add("host " + p.getOrDefault("host", "not recorded") + "; " + cores + "; "
                    + p.getOrDefault("batch_trials", "1") + " trial(s) per batch; engine: " + engine);
        }
        return List.copyOf(out);
    }

    /**
     * AlgoPerf's benchmark score of one optimizer from its performance ratios r_w (one per
     * workload, +∞ when the target was not reached): B = 1/(r_max − 1) ∫₁^r_max ρ(τ) dτ with
     * ρ(τ) = |{w : r_w ≤ τ}| / n. Each workload's step 1[r_w ≤ τ] integrates to max(0, r_max − r_w),
     * so B = Σ_w max(0, r_max − r_w) / ((r_max − 1) · n), exactly.
     */
    public static double score(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (double r : ratios) {
            sum += Double.isFinite(r) ? Math.max(0, R_MAX - Math.max(1, r)) : 0;
        }
        return sum / ((R_MAX - 1) * ratios.size());
    }

    /**
     * Per optimizer, its performance ratio on each study (its time / the fastest optimizer's;
     * +∞ when it or every optimizer missed the target), in study order.
     */
    public static Map<String, List<Double>> ratios(List<TimeToResult> studies) {
        Set<String> optimizers = new LinkedHashSet<>();
        studies.forEach(s -> optimizers.addAll(s.finished().keySet()));
        Map<String, List<Double>> out = new LinkedHashMap<>();
        optimizers.forEach(o -> out.put(o, new ArrayList<>()));
        for (TimeToResult s : studies) {
            double best = s.seconds().values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.POSITIVE_INFINITY);
            for (String o : optimizers) {
                Double mine = s.seconds().get(o);
                out.get(o).add(mine == null || !Double.isFinite(best) ? Double.POSITIVE_INFINITY
                        : best == 0 ? (mine == 0 ? 1.0 : Double.POSITIVE_INFINITY) : mine / best);
            }
        }
        return out;
    }

    /**
     * Every finished trial's time to target as CSV: study, optimizer, trial, state, steps, seconds,
     * seconds_to_target (empty: not reached), host, batch_trials. Names are quoted when needed.
     */
    public static String csv(List<StudyData> studies) {
        StringBuilder b = new StringBuilder("study,optimizer,trial,state,steps,seconds,seconds_to_target,host,batch_trials\n");
        for (StudyData d : studies) {
            for (Trial t : d.trials()) {
                if (!t.state().countsAsFinished()) {
                    continue;
                }
                double s = d.target() == null ? Double.POSITIVE_INFINITY : secondsTo(t, d.target());
                b.append(field(t.study())).append(',').append(field(t.optimizer())).append(',').append(t.index()).append(',')
                        .append(t.state().name().toLowerCase(java.util.Locale.ROOT)).append(',').append(t.steps()).append(',')
                        .append(t.seconds()).append(',').append(Double.isFinite(s) ? String.valueOf(s) : "").append(',')
                        .append(field(t.provenance().getOrDefault("host", ""))).append(',')
                        .append(field(t.provenance().getOrDefault("batch_trials", ""))).append('\n');
            }
        }
        return b.toString();
    }

    private static String field(String s) {
        return s.matches("[^,\"\r\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
