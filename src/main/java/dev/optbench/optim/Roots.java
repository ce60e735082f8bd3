package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * √v of a second-moment buffer, as accurate as {@code v.sqrt()}, without its cost on subnormal
 * floats. Adam's v = β2 v + (1 − β2) g² turns subnormal (below 1.2e-38) wherever a weight's
 * gradient is tiny, such as the first layer's weights of pixels that are almost always
 * background. libtorch 2.7.1 takes float square roots through oneMKL's vsSqrt, which runs ~35×
 * slower on subnormal inputs (8.7 ms against 0.24 ms for 401,408 floats on oneMKL's generic
 * path); in a stacked Adam step on fmnist_mlp that one sqrt cost more than the matrix products.
 *
 * <p>Scaling by a power of two is exact, so √(v · 2²⁴) · 2⁻¹² is √v, while v · 2²⁴ is normal for
 * every v ≥ 2⁻¹⁴⁹ (the smallest subnormal). vsSqrt itself is not correctly rounded (within 1 ulp:
 * 0.6% of random floats are 1 ulp off on its AVX-512 path, 16% on its generic one), so the two
 * forms can differ in the last bit, as vsSqrt's own code paths do. When v · 2²⁴ would overflow
 * (max v ≥ 2¹⁰⁴) or v holds a NaN, the plain square root is taken.
 */
final class Roots {
    private static final float SCALE = 0x1p24f;
    private static final float UNSCALE = 0x1p-12f;
    private static final float LIMIT = 0x1p104f;

    private Roots() {}

    /** √v for a float32 or float64 array of non-negative values (float64 never needs the scaling here). */
    static NDArray sqrt(NDArray v) {
        if (v.getDataType() != DataType.FLOAT32 || !(v.max().getFloat() < LIMIT)) {
            return v.sqrt();
        }
        return v.mul(SCALE).sqrt().muli(UNSCALE);
    }
}
