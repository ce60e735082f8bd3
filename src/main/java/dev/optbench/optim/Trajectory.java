package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of an optimizer on a {@link Problem}: the flattened parameters and the loss at the
 * start (row 0) and after each of the steps. The updates run on DJL NDArrays with the optimizer
 * classes themselves.
 */
public record Trajectory(List<double[]> points, double[] losses) {

    /** Number of steps taken (rows minus the start). */
    public int steps() {
        return points.size() - 1;
    }

    /**
     * Runs {@code optimizer} for {@code steps} steps from the problem's start, the rate at step t
     * being {@code schedule.rate(t)}. Stops early (keeping the rows so far) when the parameters
     * stop being finite.
     */
    public static Trajectory run(Problem problem, Optimizer optimizer, Schedule schedule, long steps,
            DataType type) {
        List<double[]> points = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<NDArray> params = problem.initialParameters(manager, type);
            points.add(flatten(params));
            losses.add(problem.loss(params));
            for (long t = 0; t < steps; t++) {
                try (NDManager step = manager.newSubManager()) {
                    List<NDArray> grads = problem.gradients(params, step);
                    optimizer.step(params, grads, t, schedule.rate(t));
                }
                double[] point = flatten(params);
                points.add(point);
                losses.add(problem.loss(params));
                if (!allFinite(point)) {
                    break;
                }
            }
        }
        double[] l = new double[losses.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = losses.get(i);
        }
        return new Trajectory(List.copyOf(points), l);
    }

    private static boolean allFinite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static double[] flatten(List<NDArray> params) {
        int n = 0;
        List<double[]> parts = new ArrayList<>();
        for (NDArray p : params) {
            double[] v = FunctionProblem.values(p);
            parts.add(v);
            n += v.length;
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] v : parts) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return out;
    }

    /**
     * The largest Euclidean distance between this path and {@code other} over the steps both
     * took, relative to the largest distance this path travels from its start (so the gap is
     * measured on the scale of the motion, not of the parameters). Infinite if either path left
     * the finite numbers or they differ in length.
     */
    public double relativeGap(Trajectory other) {
        if (other.points.size() != points.size()) {
            return Double.POSITIVE_INFINITY;
        }
        double[] start = points.get(0);
        double travel = 0;
        double gap = 0;
        for (int i = 0; i < points.size(); i++) {
            travel = Math.max(travel, distance(points.get(i), start));
            gap = Math.max(gap, distance(points.get(i), other.points.get(i)));
        }
        if (!Double.isFinite(gap) || !Double.isFinite(travel)) {
            return Double.POSITIVE_INFINITY;
        }
        return travel == 0 ? gap : gap / travel;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }
}
