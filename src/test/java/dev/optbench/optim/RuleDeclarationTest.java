package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each built-in rule's per-step coefficients are declared once, as a record ({@link
 * StepCoefficients}) that the NDArray form reads by name and whose components, in order, are the
 * fused kernel's coefficient arguments. Held here three ways: {@code values()} lists the
 * components in declaration order; that order is the one fused_updates.c documents for the
 * kernel ({@code c = [...]}); and on random data the kernel given the record's values matches the
 * NDArray form while any two coefficients swapped do not, so a reordering on either side fails.
 */
class RuleDeclarationTest {
    /** fused_updates.c's names for the coefficients, translated to the records' component names. */
    private static final Map<String, String> C_NAMES = Map.ofEntries(Map.entry("eta", "lr"),
            Map.entry("gamma", "momentum"), Map.entry("rho", "rho"), Map.entry("1 - rho", "oneMinusRho"),
            Map.entry("eps", "epsilon"), Map.entry("b1", "beta1"), Map.entry("1 - b1", "oneMinusBeta1"),
            Map.entry("b2", "beta2"), Map.entry("1 - b2", "oneMinusBeta2"), Map.entry("alpha b", "stepFactor"));

    /** Values that make every coefficient of every rule distinct, so a swap is visible. */
    private static final Map<String, Double> TRIAL = Map.of("learning_rate", 0.05, "momentum", 0.7, "rho", 0.8,
            "epsilon", 0.03, "beta1", 0.6, "beta2", 0.9, "weight_decay", 0.1);

    @Test
    void valuesListTheRecordsComponentsInDeclarationOrder() throws Exception {
        for (String name : Optimizers.builtInNames()) {
            StepCoefficients c = ((FusedRule) Optimizers.rule(name)).coefficients(values(name, 0.05, 3));
            RecordComponent[] components = c.getClass().getRecordComponents();
            assertThat(components).as("%s declares its coefficients as a record", name).isNotNull();
            double[] expected = new double[components.length];
            for (int i = 0; i < components.length; i++) {
                expected[i] = (double) components[i].getAccessor().invoke(c);
            }
            assertThat(c.values()).as(name).containsExactly(expected);
        }
    }

    @Test
    void theRecordsComponentOrderIsTheKernelsDocumentedArgumentOrder() throws Exception {
        String c = Files.readString(Path.of("src/main/c/fused_updates.c"));
        for (String name : Optimizers.builtInNames()) {
            FusedRule rule = (FusedRule) Optimizers.rule(name);
            List<String> documented = documentedCoefficients(c, "optbench_" + rule.kernel().name().toLowerCase());
            assertThat(documented.get(documented.size() - 1)).as("%s: the weight-decay rate comes last", name)
                    .isEqualTo("d");
            List<String> translated = new ArrayList<>();
            for (String n : documented.subList(0, documented.size() - 1)) {
                assertThat(C_NAMES).as("%s: a name for the C coefficient '%s'", name, n).containsKey(n);
                translated.add(C_NAMES.get(n));
            }
            List<String> components = new ArrayList<>();
            for (RecordComponent rc : rule.coefficients(values(name, 0.05, 0)).getClass().getRecordComponents()) {
                components.add(rc.getName());
            }
            assertThat(components).as("%s: record components vs fused_updates.c's c = [...]", name)
                    .isEqualTo(translated);
        }
    }

    @Test
    void theKernelMatchesTheNDArrayFormAndEverySwapOfTwoCoefficientsBreaksIt() {
        FusedUpdatesTest.assumeNativeKernelsExpected();
        SplittableRandom random = new SplittableRandom(3);
        int n = 64;
        float[] start = floats(random, n, 1);
        float[][] grads = {floats(random, n, 1), floats(random, n, 1)};
        for (String name : Optimizers.builtInNames()) {
            float[] reference = ndArray(name, start, grads);
            int width = ((FusedRule) Optimizers.rule(name)).coefficients(values(name, 0.05, 0)).values().length;
            assertMatches(name + " as declared", kernel(name, start, grads, -1, -1), reference, true);
            for (int i = 0; i < width; i++) {
                for (int j = i + 1; j < width; j++) {
                    assertMatches(name + " with coefficients " + i + " and " + j + " swapped",
                            kernel(name, start, grads, i, j), reference, false);
                }
            }
        }
    }

    /** The names in the last {@code c = [...]} comment before {@code function}'s definition. */
    private static List<String> documentedCoefficients(String source, String function) {
        int at = source.indexOf("void " + function + "(");
        assertThat(at).as("%s in fused_updates.c", function).isPositive();
        Matcher m = Pattern.compile("c = \\[([^\\]]*)\\]").matcher(source.substring(0, at));
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as("a documented c = [...] before %s", function).isNotNull();
        List<String> out = new ArrayList<>();
        for (String part : last.split(",")) {
            out.add(part.trim());
        }
        return out;
    }

    private static void assertMatches(String what, float[] got, float[] reference, boolean match) {
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - reference[i]));
        }
        if (match) {
            assertThat(worst).as(what).isLessThanOrEqualTo(4 * Math.ulp(2f));
        } else {
            assertThat(worst).as(what + ": the NDArray form must tell the difference").isGreaterThan(1e-4);
        }
    }

    /** Two steps of the NDArray form (one trial, no trial axis), float32. */
    private static float[] ndArray(String name, float[] start, float[][] grads) {
        StackedOptimizer opt = new StackedOptimizer(Optimizers.rule(name), List.of(full(name)), false, false);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray theta = m.create(start);
            for (int t = 0; t < grads.length; t++) {
                try (NDArray g = m.create(grads[t])) {
                    opt.step(List.of(theta), List.of(g), t, new double[] {TRIAL.get("learning_rate")});
                }
            }
            return theta.toFloatArray();
        } finally {
            opt.close();
        }
    }

    /** Two steps of the fused kernel on host buffers, coefficients {@code i} and {@code j} swapped (-1: none). */
    private static float[] kernel(String name, float[] start, float[][] grads, int i, int j) {
        FusedRule rule = (FusedRule) Optimizers.rule(name);
        int n = start.length;
        ByteBuffer p = floats(start);
        List<StateInit> state = Optimizers.rule(name).state();
        ByteBuffer s0 = state.isEmpty() ? null : filled(n, state.get(0).value());
        ByteBuffer s1 = state.size() < 2 ? null : filled(n, state.get(1).value());
        for (int t = 0; t < grads.length; t++) {
            double[] c = rule.coefficients(values(name, TRIAL.get("learning_rate"), t)).values();
            if (i >= 0) {
                double swap = c[i];
                c[i] = c[j];
                c[j] = swap;
            }
            float[] row = new float[c.length + 1];
            for (int x = 0; x < c.length; x++) {
                row[x] = (float) c[x];
            }
            row[c.length] = (float) (TRIAL.get("learning_rate") * TRIAL.get("weight_decay"));
            FusedUpdates.run(rule.kernel(), p, floats(grads[t]), s0, s1, 1, n, row, true);
        }
        float[] out = new float[n];
        p.asFloatBuffer().get(out);
        return out;
    }

    private static Map<String, Double> full(String name) {
        try (BatchedOptimizer opt = Optimizers.createBatched(name, TrialHparams.of(name, List.of(TRIAL)))) {
            return opt.hyperparameters().get(0);
        }
    }

    private static TrialValues values(String name, double lr, long t) {
        Map<String, Double> h = full(name);
        return new TrialValues() {
            @Override
            public double get(String hparam) {
                return h.get(hparam);
            }

            @Override
            public double lr() {
                return lr;
            }

            @Override
            public long t() {
                return t;
            }
        };
    }

    private static ByteBuffer floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b;
    }

    private static ByteBuffer filled(int n, double value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, (float) value);
        return floats(v);
    }

    private static float[] floats(SplittableRandom random, int n, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble(-1, 1) * scale);
        }
        return out;
    }
}
