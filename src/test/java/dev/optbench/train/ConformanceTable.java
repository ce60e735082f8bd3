package dev.optbench.train;

import dev.optbench.train.ConformanceBackends.Backend;
import dev.optbench.train.ConformanceBackends.Trajectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The conformance suite's results as a markdown table: what docs/conformance.md is made of. */
final class ConformanceTable {
    private final List<Row> rows = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<String> seconds = new ArrayList<>();

    /**
     * One run against its reference: the largest relative difference of the minibatch loss (and of
     * the validation loss where the run evaluates) at step 1, the middle step and the last.
     */
    record Row(String workload, Backend backend, String optimizer, long[] steps, double[] diff, double[] bound) {
        static Row of(String workload, Backend backend, String optimizer, int total, Trajectory run,
                Trajectory reference, ConformanceTest.Bound b) {
            long[] steps = {1, total / 2, total};
            double[] diff = new double[3];
            double[] bound = new double[3];
            for (int i = 0; i < 3; i++) {
                long s = steps[i];
                diff[i] = relative(run.lossAt(s), reference.lossAt(s));
                Double v = run.validation().get(s);
                Double rv = reference.validation().get(s);
                if (v != null && rv != null) {
                    diff[i] = Math.max(diff[i], relative(v, rv));
                }
                bound[i] = b.at(s);
            }
            return new Row(workload, backend, optimizer, steps, diff, bound);
        }

        /** NaN is never within. */
        boolean within() {
            for (int i = 0; i < 3; i++) {
                if (!(diff[i] <= bound[i])) {
                    return false;
                }
            }
            return true;
        }

        String describe() {
            return String.format(Locale.ROOT, "%s %s %s: %.2e / %.2e / %.2e at steps %d / %d / %d, bound %.2e / %.2e / %.2e",
                    workload, backend.label(), optimizer, diff[0], diff[1], diff[2], steps[0], steps[1], steps[2],
                    bound[0], bound[1], bound[2]);
        }
    }

    static double relative(double value, double reference) {
        return Math.abs(value - reference) / Math.abs(reference);
    }

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized void skipped(String workload, Backend backend, String why) {
        skipped.add(workload + " on " + backend.label() + ": " + why);
    }

    synchronized void seconds(String workload, double s) {
        seconds.add(String.format(Locale.ROOT, "%s %.1f s", workload, s));
    }

    synchronized String markdown(String mode) {
        StringBuilder b = new StringBuilder();
        b.append("## ").append(mode.equals("native-off") ? "Native paths off (OPTBENCH_NATIVE=off)"
                : "Native paths on").append("\n\n");
        b.append("Update rules: ").append(ConformanceBackends.updateKernels()).append(". Stacked nets: ")
                .append(NativeNet.status()).append(".\n\n");
        b.append("| workload | backend | optimizer | steps | rel. diff at step 1 | at the middle step | at the last step "
                + "| bound (1 / middle / last) |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | 1 / %d / %d | %.1e | %.1e | %.1e | %.1e / %.1e / %.1e%s |\n",
                    r.workload(), r.backend().label(), r.optimizer(), r.steps()[1], r.steps()[2], r.diff()[0],
                    r.diff()[1], r.diff()[2], r.bound()[0], r.bound()[1], r.bound()[2], r.within() ? "" : " **over**"));
        }
        b.append("\nLargest ratio of difference to bound: ");
        Row worst = null;
        double ratio = -1;
        for (Row r : rows) {
            for (int i = 0; i < 3; i++) {
                double q = r.diff()[i] / r.bound()[i];
                if (q > ratio) {
                    ratio = q;
                    worst = r;
                }
            }
        }
        b.append(worst == null ? "none" : String.format(Locale.ROOT, "%.3f (%s %s %s)", ratio, worst.workload(),
                worst.backend().label(), worst.optimizer())).append(".\n");
        if (!skipped.isEmpty()) {
            b.append("\nNot run: ").append(String.join("; ", skipped)).append(".\n");
        }
        if (!seconds.isEmpty()) {
            b.append("\nWall time per workload (reference and every backend): ").append(String.join(", ", seconds))
                    .append(".\n");
        }
        return b.append('\n').toString();
    }
}
