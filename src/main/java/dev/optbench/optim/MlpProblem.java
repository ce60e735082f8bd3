package dev.optbench.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small tanh MLP (inputs → hidden → 1) fitted by mean squared error to a fixed synthetic data
 * set, with full-batch gradients from DJL autograd: a deterministic problem with the structure
 * of a real network (several parameter tensors of different shapes). Same seed → same data and
 * starting point.
 */
public record MlpProblem(int samples, int inputs, int hidden, long seed) implements Problem {

    /** The problem `optbench inclusion` uses: 32 samples, 3 inputs, 8 hidden units. */
    public static MlpProblem standard() {
        return new MlpProblem(32, 3, 8, 42);
    }

    @Override
    public String name() {
        return "mlp";
    }

    private double[] gaussians(long salt, int n, double scale) {
        Random r = new Random(seed * 1_000_003L + salt);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextGaussian() * scale;
        }
        return out;
    }

    /** Features X [samples, inputs] and targets y = sin(x0) + 0.5·x1·x2 [samples, 1]. */
    private NDArray[] data(NDManager manager, DataType type) {
        double[] x = gaussians(1, samples * inputs, 1.0);
        double[] y = new double[samples];
        for (int i = 0; i < samples; i++) {
            double x1 = inputs > 1 ? x[i * inputs + 1] : 0;
            double x2 = inputs > 2 ? x[i * inputs + 2] : 0;
            y[i] = Math.sin(x[i * inputs]) + 0.5 * x1 * x2;
        }
        return new NDArray[] {
            manager.create(x, new Shape(samples, inputs)).toType(type, false),
            manager.create(y, new Shape(samples, 1)).toType(type, false)
        };
    }

    @Override
    public List<NDArray> initialParameters(NDManager manager, DataType type) {
        List<NDArray> p = new ArrayList<>();
        p.add(manager.create(gaussians(2, inputs * hidden, 1 / Math.sqrt(inputs)),
                new Shape(inputs, hidden)).toType(type, false));
        p.add(manager.create(gaussians(3, hidden, 0.1), new Shape(hidden)).toType(type, false));
        p.add(manager.create(gaussians(4, hidden, 1 / Math.sqrt(hidden)),
                new Shape(hidden, 1)).toType(type, false));
        p.add(manager.create(gaussians(5, 1, 0.1), new Shape(1)).toType(type, false));
        return p;
    }

    private NDArray lossOf(NDArray[] data, List<NDArray> p) {
        NDArray h = data[0].matMul(p.get(0)).addi(p.get(1)).tanh();
        NDArray out = h.matMul(p.get(2)).addi(p.get(3));
        return out.subi(data[1]).square().mean();
    }

    @Override
    public List<NDArray> gradients(List<NDArray> params, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] data = data(scope, params.get(0).getDataType());
            // Fresh leaf copies: their gradients start empty, so nothing accumulates across calls.
            List<NDArray> leaves = new ArrayList<>();
            for (NDArray p : params) {
                NDArray leaf = p.duplicate();
                leaf.attach(scope);
                leaf.setRequiresGradient(true);
                leaves.add(leaf);
            }
            try (GradientCollector collector = Engine.getEngine(manager.getEngine().getEngineName())
                    .newGradientCollector()) {
                collector.backward(lossOf(data, leaves));
            }
            List<NDArray> grads = new ArrayList<>();
            for (NDArray leaf : leaves) {
                NDArray g = leaf.getGradient().duplicate();
                g.attach(manager);
                grads.add(g);
            }
            return grads;
        }
    }

    @Override
    public double loss(List<NDArray> params) {
        try (NDManager scope = params.get(0).getManager().newSubManager()) {
            NDArray[] data = data(scope, params.get(0).getDataType());
            List<NDArray> copies = new ArrayList<>();
            for (NDArray p : params) {
                NDArray c = p.duplicate();
                c.attach(scope);
                copies.add(c);
            }
            return FunctionProblem.values(lossOf(data, copies))[0];
        }
    }
}
