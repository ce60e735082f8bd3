package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

/**
 * Roots.sqrt is as accurate as NDArray.sqrt (oneMKL's vsSqrt: within 1 ulp of the correctly
 * rounded root), over subnormals, zero and the overflow limit, and is NDArray.sqrt past it.
 */
class RootsTest {
    private static final float[] VALUES = {0f, Float.MIN_VALUE, 3 * Float.MIN_VALUE, 1e-40f, 1.1e-38f, Float.MIN_NORMAL,
        1e-30f, 2.5e-7f, 1f, 2f, 12345.678f, 1e30f, 0x1p103f, Math.nextDown(0x1p104f)};

    private static int[] bits(NDArray a) {
        float[] f = a.toFloatArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = Float.floatToRawIntBits(f[i]);
        }
        return out;
    }

    /** Distance in ulps between two non-negative finite floats. */
    private static int ulps(float a, float b) {
        return Math.abs(Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    @Test
    void scaledRootIsWithinOneUlpOfTheCorrectlyRoundedRoot() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        float[] values = java.util.Arrays.copyOf(VALUES, VALUES.length + 200_000);
        for (int i = VALUES.length; i < values.length; i++) {
            // every binade from the subnormals to just below the scaling limit
            values[i] = (float) Math.scalb(1 + r.nextDouble(), r.nextInt(-149, 103));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.create(values);
            float[] scaled = Roots.sqrt(v).toFloatArray();
            float[] plain = v.sqrt().toFloatArray();
            int worstScaled = 0;
            int worstPlain = 0;
            for (int i = 0; i < values.length; i++) {
                float exact = (float) Math.sqrt(values[i]); // double sqrt rounded once more: correctly rounded
                worstScaled = Math.max(worstScaled, ulps(scaled[i], exact));
                worstPlain = Math.max(worstPlain, ulps(plain[i], exact));
            }
            assertThat(worstScaled).as("worst ulp error of Roots.sqrt").isLessThanOrEqualTo(1);
            assertThat(worstPlain).as("worst ulp error of NDArray.sqrt").isLessThanOrEqualTo(1);
            // zero stays zero, and subnormal inputs give their normal roots: √(2^-149) = 2^-74.5
            assertThat(scaled[0]).isEqualTo(0f);
            assertThat(ulps(scaled[1], (float) Math.sqrt(Float.MIN_VALUE))).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aboveTheScalingLimitOrWithNaNThePlainRootIsTaken() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (float extra : new float[] {0x1p104f, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN}) {
                float[] values = java.util.Arrays.copyOf(VALUES, VALUES.length + 1);
                values[VALUES.length] = extra;
                NDArray v = m.create(values);
                // with scaling, 2^104 · 2^24 would overflow to ∞ and give ∞ instead of 2^52
                assertThat(bits(Roots.sqrt(v))).as("with %s", extra).containsExactly(bits(v.sqrt()));
            }
        }
    }

    @Test
    void float64IsThePlainRoot() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.create(new double[] {0, Double.MIN_VALUE, 1e-310, 2, 1e300});
            assertThat(Roots.sqrt(v).getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(Roots.sqrt(v).toDoubleArray()).containsExactly(v.sqrt().toDoubleArray());
        }
    }
}
