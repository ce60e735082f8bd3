package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.optbench.platform.BundledLibrary;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The native one-pass form of every built-in rule against its NDArray form: K trials with their
 * own hyperparameters, rates and weight decay, float32, stacked and unstacked, over several
 * steps. The two compute the same float32 operations in the same order; only sqrt may differ in
 * its last bit, so they must agree to a few ulps of the parameters' scale (a wrong coefficient
 * or order moves them by 1e-4 or more). The reference side is forced onto NDArray ops whatever the
 * environment; the native side must really run its kernel where one is expected (x86-64 Linux,
 * no off switch): a library that failed to load or a rule that fell back fails the test, and
 * elsewhere the comparison is skipped with the reason, not passed with NDArray ops on both sides.
 */
class FusedUpdatesTest {
    private static final int STEPS = 6;

    @Test
    void theNativeKernelsLoadOnX86Linux() {
        boolean x86Linux = System.getProperty("os.name").toLowerCase().contains("linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        boolean off = "off".equalsIgnoreCase(System.getenv(FusedUpdates.ENV))
                || "off".equalsIgnoreCase(System.getenv(dev.optbench.platform.BundledLibrary.OFF_ENV));
        assertThat(FusedUpdates.available()).as(FusedUpdates.status()).isEqualTo(x86Linux && !off);
    }

    /**
     * Skips (with the reason) where no native kernel is expected: another platform, or the off
     * switch. Where one is expected, it must have loaded: failing here, not skipping.
     */
    static void assumeNativeKernelsExpected() {
        assumeThat(BundledLibrary.supported())
                .as("no native update kernels on %s/%s: nothing to compare", System.getProperty("os.name"),
                        System.getProperty("os.arch"))
                .isTrue();
        assumeThat(System.getenv(FusedUpdates.ENV)).as(FusedUpdates.ENV + "=off: the native kernels are switched off")
                .isNotEqualToIgnoringCase("off");
        assertThat(FusedUpdates.available()).as("native kernels expected on x86-64 Linux, but: %s",
                FusedUpdates.status()).isTrue();
    }

    @Test
    void everyBuiltInRuleMatchesItsNDArrayFormWithPerTrialHyperparameters() {
        assumeNativeKernelsExpected();
        List<Map<String, Double>> trials = List.of(
                Map.of("learning_rate", 0.1, "momentum", 0.5, "beta1", 0.5, "beta2", 0.75, "rho", 0.8,
                        "epsilon", 0.1),
                Map.of("learning_rate", 0.02, "momentum", 0.9, "beta2", 0.9, "epsilon", 0.01, "weight_decay", 0.1),
                Map.of("learning_rate", 0.3, "momentum", 0.0, "beta1", 0.0, "rho", 0.99, "epsilon", 1e-6,
                        "weight_decay", 0.01));
        for (String name : Optimizers.builtInNames()) {
            List<Map<String, Double>> full = full(name, TrialHparams.of(name, trials));
            assertThat(Optimizers.rule(name)).as(name).isInstanceOf(FusedRule.class);
            compare(name, full, true, new Shape(3, 37, 5));
            compare(name, full.subList(1, 2), false, new Shape(41)); // one trial, no trial axis
        }
    }

    @Test
    void aNonContiguousParameterIsSteppedInPlaceOnTheNDArrayPath() {
        try (NDManager m = NDManager.newBaseManager();
                BatchedOptimizer opt = Optimizers.createBatched("adam", List.of(Map.of("learning_rate", 0.1)))) {
            NDArray base = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2));
            NDArray view = base.get(":, 1"); // every other element: not contiguous
            NDArray before = base.duplicate();
            opt.step(List.of(view.reshape(1, 3)), List.of(m.ones(new Shape(1, 3))), 0, new double[] {0.1});
            float[] got = base.toFloatArray();
            float[] was = before.toFloatArray();
            assertThat(got[0]).isEqualTo(was[0]);
            // a unit gradient's first Adam step is lr · 1/(1 + ε) ≈ 0.1 on each element of the view
            assertThat(was[1] - got[1]).isBetween(0.0999f, 0.1001f);
        }
    }

    private static List<Map<String, Double>> full(String name, List<Map<String, Double>> trials) {
        try (BatchedOptimizer opt = Optimizers.createBatched(name, trials)) {
            return opt.hyperparameters();
        }
    }

    private static void compare(String name, List<Map<String, Double>> trials, boolean trialAxis, Shape shape) {
        UpdateRule rule = Optimizers.rule(name);
        SplittableRandom random = new SplittableRandom(11);
        int size = (int) shape.size();
        float[] start = floats(random, size, 1);
        float[][] grads = new float[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            // mixed scales, so sqrt and the division see small and large values
            grads[s] = floats(random, size, s % 2 == 0 ? 1 : 1e-3);
        }
        float[] fused = run(name, rule, trials, trialAxis, true, shape, start, grads);
        float[] plain = run(name, rule, trials, trialAxis, false, shape, start, grads);
        int per = size / trials.size();
        for (int i = 0; i < size; i++) {
            // parameters start at scale 1, so rounding differences are ulps of 1 after cancellation
            float tolerance = 4 * Math.ulp(Math.max(Math.abs(plain[i]), 1f));
            assertThat(fused[i]).as("%s trial %d element %d (trial axis %s)", name, i / per, i % per, trialAxis)
                    .isCloseTo(plain[i], org.assertj.core.api.Assertions.within(tolerance));
        }
        assertThat(fused).as(name + " moved").isNotEqualTo(start);
    }

    /** {@code nativeKernels}: every step must run the kernel; false: none may (the Java reference). */
    private static float[] run(String name, UpdateRule rule, List<Map<String, Double>> trials, boolean trialAxis,
            boolean nativeKernels, Shape shape, float[] start, float[][] grads) {
        StackedOptimizer opt = new StackedOptimizer(rule, trials, trialAxis, nativeKernels);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray theta = m.create(start, shape);
            for (int s = 0; s < grads.length; s++) {
                double[] rates = new double[trials.size()];
                for (int j = 0; j < rates.length; j++) {
                    rates[j] = trials.get(j).get("learning_rate") / (1 + s);
                }
                try (NDArray g = m.create(grads[s], shape)) {
                    opt.step(List.of(theta), List.of(g), s, rates);
                }
            }
            assertThat(theta.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(opt.nativeUpdates()).as("%s updates by the native kernel (%s side)", name,
                    nativeKernels ? "native" : "reference").isEqualTo(nativeKernels ? grads.length : 0);
            return theta.toFloatArray();
        } finally {
            opt.close();
        }
    }

    private static float[] floats(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble(-1, 1) * scale);
        }
        return out;
    }
}
