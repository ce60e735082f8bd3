package dev.optbench.space;

import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.List;

/**
 * One hyperparameter's range in AlgoPerf form (SPEC section 5):
 * {@code {"min": a, "max": b, "scaling": "linear" | "log"}} or {@code {"feasible_points": [..]}}.
 * A range maps a unit coordinate u in [0, 1) to a value through its scaling.
 */
public sealed interface Range permits Range.Linear, Range.Log, Range.Feasible {

    /** The value at unit coordinate u: linear a + u(b − a); log a·(b/a)^u; feasible points[⌊u·n⌋]. */
    double fromUnit(double u);

    /** Where a value lies in scaled units (inverse of {@link #fromUnit}; index/(n−1) for points). */
    double toUnit(double value);

    /** n levels evenly spaced in scaled units (both bounds included); feasible points: all of them. */
    List<Double> grid(int n);

    /** Human form, e.g. "log [1e-05, 0.1]". */
    String describe();

    record Linear(double min, double max) implements Range {
        public Linear {
            checkBounds(min, max, false);
        }

        @Override
        public double fromUnit(double u) {
            return min + u * (max - min);
        }

        @Override
        public double toUnit(double value) {
            return max == min ? 0.0 : (value - min) / (max - min);
        }

        @Override
        public List<Double> grid(int n) {
            return evenly(this, n);
        }

        @Override
        public String describe() {
            return "linear [" + fmt(min) + ", " + fmt(max) + "]";
        }
    }

    record Log(double min, double max) implements Range {
        public Log {
            checkBounds(min, max, true);
        }

        @Override
        public double fromUnit(double u) {
            if (u <= 0 || u >= 1) { // the bounds exactly, as written (exp(log(a)) may differ in the last bit)
                return u <= 0 ? min : max;
            }
            return Math.exp(Math.log(min) + u * (Math.log(max) - Math.log(min)));
        }

        @Override
        public double toUnit(double value) {
            return max == min ? 0.0 : Math.log(value / min) / Math.log(max / min);
        }

        @Override
        public List<Double> grid(int n) {
            return evenly(this, n);
        }

        @Override
        public String describe() {
            return "log [" + fmt(min) + ", " + fmt(max) + "]";
        }
    }

    record Feasible(List<Double> points) implements Range {
        public Feasible {
            if (points.isEmpty()) {
                throw new InputException("feasible_points is empty: give at least one value");
            }
            points = List.copyOf(points);
        }

        @Override
        public double fromUnit(double u) {
            int i = (int) Math.floor(u * points.size());
            return points.get(Math.max(0, Math.min(points.size() - 1, i)));
        }

        @Override
        public double toUnit(double value) {
            int i = points.indexOf(value);
            return points.size() == 1 ? 0.0 : (double) i / (points.size() - 1);
        }

        @Override
        public List<Double> grid(int n) {
            return points;
        }

        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("points {");
            for (int i = 0; i < points.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(fmt(points.get(i)));
            }
            return b.append('}').toString();
        }
    }

    private static void checkBounds(double min, double max, boolean log) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new InputException("range [" + min + ", " + max + "] is invalid: min and max must be finite with min <= max");
        }
        if (log && min <= 0) {
            throw new InputException("log range [" + min + ", " + max + "] must have min > 0 (use \"scaling\": \"linear\" for ranges through zero)");
        }
    }

    private static List<Double> evenly(Range r, int n) {
        List<Double> out = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            out.add(r.fromUnit(n == 1 ? 0.5 : (double) j / (n - 1)));
        }
        return out;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) {
            return Long.toString((long) v);
        }
        if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4) {
            return Double.toString(v);
        }
        String[] parts = String.format(java.util.Locale.ROOT, "%.3e", v).split("e");
        String mantissa = parts[0].replaceAll("\\.?0+$", "");
        return mantissa + "e" + Integer.parseInt(parts[1]); // 1e-5, 2.5e-10
    }
}
