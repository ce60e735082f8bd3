package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.SplittableRandom;

/**
 * Seeded initialization done in Java, so the same seed gives the same weights whatever other
 * threads do with PyTorch's global generator: weights of rank ≥ 2 Glorot-uniform
 * U(±√(6/(fan_in+fan_out))) (the DeepOBS choice), biases and norm shifts 0, norm scales 1,
 * running variances 1, other parameters (position embeddings) N(0, 0.02²).
 */
final class Initialization {
    private Initialization() {}

    static void apply(Block block, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter p = pair.getValue();
            SplittableRandom rng = root.split();
            NDArray array = p.getArray();
            long[] shape = array.getShape().getShape();
            float[] values = new float[Math.toIntExact(array.size())];
            switch (p.getType()) {
                case WEIGHT -> {
                    if (shape.length >= 2) {
                        long receptive = 1;
                        for (int i = 2; i < shape.length; i++) {
                            receptive *= shape[i];
                        }
                        double bound = Math.sqrt(6.0 / (shape[1] * receptive + shape[0] * receptive));
                        for (int i = 0; i < values.length; i++) {
                            values[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                        }
                    }
                }
                case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(values, 1f);
                case OTHER -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (gaussian(rng) * 0.02);
                    }
                }
                default -> { } // BIAS, BETA, RUNNING_MEAN: zeros
            }
            array.set(values);
        }
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
