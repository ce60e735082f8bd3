package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import dev.optbench.platform.BundledLibrary;
import dev.optbench.platform.HostMemory;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * One-pass native update rules for float32 arrays in host memory (src/main/c/fused_updates.c,
 * bundled for x86-64 Linux with AVX-512, AVX2 and plain clones chosen at load).
 *
 * <p>Why: on the NDArray path an Adam step is 12 tensor passes, each a JNI call that reads and
 * writes the whole parameter; DJL 0.35 has no fused {@code addcmul_}/{@code addcdiv_}. One loop
 * that reads p, g, m, v once and writes p, m, v once is 6× faster on fmnist_mlp's stacked shapes
 * (K = 2: 850 → 140 µs per step) and was 40% of a trial's time.
 *
 * <p>The kernels write through pointers into the tensors' own memory, which DJL hands out for
 * contiguous CPU tensors ({@code toByteBuffer(true)}); an array it would copy instead is detected
 * (two calls give two addresses) and stepped on the NDArray path. {@code OPTBENCH_FUSED_UPDATES=off}
 * (or {@code OPTBENCH_NATIVE=off}, every native path) turns the native path off.
 */
final class FusedUpdates {
    static final String ENV = "OPTBENCH_FUSED_UPDATES";
    static final String LIBRARY = "libfused_updates.so";

    /** The native functions, one per built-in rule. */
    enum Kernel {
        SGD, MOMENTUM, NESTEROV, RMSPROP, ADAM, NADAM
    }

    /** Held for the life of the process: JNA closes a library whose NativeLibrary is collected. */
    private static final BundledLibrary.Registered LOADED = BundledLibrary.register(LIBRARY, ENV, Kernels.class);

    private FusedUpdates() {}

    /** Whether the native kernels are loaded and switched on. */
    static boolean available() {
        return LOADED.library() != null;
    }

    /** The library's sha256 and whether it was loaded, or why not; for provenance. */
    static String library() {
        return BundledLibrary.describe(LIBRARY, LOADED.whyNot());
    }

    /** "native one-pass kernels", or why the rules run as NDArray ops; for provenance. */
    static String status() {
        return available() ? "native one-pass kernels" : "NDArray ops (" + LOADED.whyNot() + ")";
    }

    /**
     * The memory of {@code a} for a kernel to write in place, or null if it cannot (see
     * {@link HostMemory#own}) or the kernels are not loaded.
     */
    static ByteBuffer ownMemory(NDArray a) {
        return available() ? HostMemory.own(a) : null;
    }

    /** The host memory of {@code a} (a float32 CPU array; a copy if it is not contiguous: read only). */
    static ByteBuffer memory(NDArray a) {
        return a.toByteBuffer(true);
    }

    /**
     * Applies {@code kernel} to K trials of one parameter, each {@code n} elements:
     * {@code coefficients} holds each trial's row, its last entry the weight-decay rate.
     */
    static void run(Kernel kernel, ByteBuffer p, ByteBuffer g, ByteBuffer s0, ByteBuffer s1, int k, long n,
            float[] coefficients, boolean decay) {
        long d = decay ? 1 : 0;
        switch (kernel) {
            case SGD -> Kernels.optbench_sgd(p, g, s0, s1, k, n, coefficients, d);
            case MOMENTUM -> Kernels.optbench_momentum(p, g, s0, s1, k, n, coefficients, d);
            case NESTEROV -> Kernels.optbench_nesterov(p, g, s0, s1, k, n, coefficients, d);
            case RMSPROP -> Kernels.optbench_rmsprop(p, g, s0, s1, k, n, coefficients, d);
            case ADAM -> Kernels.optbench_adam(p, g, s0, s1, k, n, coefficients, d);
            case NADAM -> Kernels.optbench_nadam(p, g, s0, s1, k, n, coefficients, d);
        }
    }

    /** JNA direct mapping of fused_updates.c: (p, g, s0, s1, K, n, coefficients [K × width], decay). */
    @SuppressWarnings("checkstyle:MethodName")
    private static final class Kernels {
        static native void optbench_sgd(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);

        static native void optbench_momentum(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);

        static native void optbench_nesterov(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);

        static native void optbench_rmsprop(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);

        static native void optbench_adam(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);

        static native void optbench_nadam(Buffer p, Buffer g, Buffer s0, Buffer s1, long k, long n, float[] c,
                long decay);
    }
}
