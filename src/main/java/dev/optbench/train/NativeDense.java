package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import com.sun.jna.Pointer;
import dev.optbench.BundledLibrary;
import dev.optbench.HostMemory;
import dev.optbench.workload.Architecture;
import dev.optbench.workload.Workload;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The stacked MLP's forward and backward passes as one native call per step
 * (src/main/c/dense_step.c): the matrix products through the sgemm of the loaded libtorch (the
 * oneMKL PyTorch's own matmul uses), the rest as loops over activations that stay in cache.
 *
 * <p>Why: autograd over [K, B, width] tensors is ~60 tensor ops per step (matmul, bias add, ReLU,
 * log-softmax, gather, mean and their backward ops), each a JNI call plus a PyTorch dispatch. On
 * fmnist_mlp at K = 2 they took 0.8 ms per step against 1.8 ms of matrix products, and on the tiny
 * variant more than the products. The arithmetic is the NDArray form's op for op, up to the order
 * of float32 sums; {@code NativeDenseTest} holds the two to each other, and BatchedTrainerTest
 * holds this path to the sequential runs. {@code OPTBENCH_NATIVE_DENSE=off} turns it off.
 */
public final class NativeDense {
    static final String ENV = "OPTBENCH_NATIVE_DENSE";
    static final String LIBRARY = "libdense_step.so";

    private NativeDense() {}

    /**
     * Loaded on first use, once libtorch (whose sgemm the library calls) is in the process; held
     * for the life of the process: JNA closes a library whose NativeLibrary is collected.
     */
    private static final class Loaded {
        static final BundledLibrary.Registered LIBRARY = load();
    }

    /** Whether the native passes are loaded, found libtorch's sgemm and are switched on. */
    static boolean available() {
        return Loaded.LIBRARY.library() != null;
    }

    /** "native forward and backward", or why stacked MLPs run as NDArray ops; for provenance. */
    public static String status() {
        return available() ? "native forward and backward" : "NDArray ops (" + Loaded.LIBRARY.whyNot() + ")";
    }

    /**
     * Whether K trials of {@code w} with {@code configs} can train on this path: a ReLU MLP with
     * cross-entropy and classification error, on the CPU, without dropout (whose masks come from
     * PyTorch's generator on the NDArray path).
     */
    static boolean suits(Workload w, Device device, List<TrainConfig> configs) {
        return w.architecture() == Architecture.MLP && w.loss().equals("softmax_cross_entropy")
                && w.errorMetric().equals("classification_error") && device.equals(Device.cpu())
                && configs.stream().allMatch(c -> c.dropoutRate() == 0) && available();
    }

    private static BundledLibrary.Registered load() {
        Engine.getEngine("PyTorch"); // loads libtorch, whose sgemm the library looks up
        BundledLibrary.Registered r = BundledLibrary.register(LIBRARY, ENV, Calls.class);
        if (r.library() != null && Calls.optbench_dense_init() == 0) {
            return new BundledLibrary.Registered(null, "the loaded libtorch exports no sgemm_");
        }
        return r;
    }

    /** Layer widths [in_0, out_0, out_1, ...] of stacked dense parameters [W_0, b_0, W_1, b_1, ...]. */
    static long[] widths(List<NDArray> params) {
        long[] widths = new long[params.size() / 2 + 1];
        widths[0] = params.get(0).getShape().get(1);
        for (int l = 0; l < params.size() / 2; l++) {
            widths[l + 1] = params.get(2 * l).getShape().get(2);
        }
        return widths;
    }

    /** Floats of scratch a pass over {@code rows} examples needs. */
    static long scratchFloats(long[] widths, long rows) {
        return Calls.optbench_dense_scratch(widths.length - 1, widths, rows);
    }

    /**
     * The host addresses of stacked arrays (all float32, contiguous, on the CPU).
     *
     * @throws IllegalStateException if DJL would hand one over only as a copy
     */
    static long[] addresses(List<NDArray> arrays, int from) {
        long[] out = new long[(arrays.size() - from + 1) / 2];
        for (int i = from, j = 0; i < arrays.size(); i += 2, j++) {
            ByteBuffer own = HostMemory.own(arrays.get(i));
            if (own == null) {
                throw new IllegalStateException("stacked parameter " + i + " is not contiguous host memory");
            }
            out[j] = HostMemory.address(own);
        }
        return out;
    }

    /** One trial group's parameters or gradients: weight and bias addresses per layer. */
    record Layers(long[] weights, long[] biases) {
        static Layers of(List<NDArray> arrays) {
            return new Layers(addresses(arrays, 0), addresses(arrays, 1));
        }
    }

    /**
     * Losses (into {@code losses}) and gradients (into {@code grads}) of K trials over
     * {@code rows} examples each: inputs at {@code x} [K, rows, in_0], labels at {@code y}
     * [K, rows] int32; trial k's objective is its smoothed cross-entropy plus l2half[k]·‖θ_k‖².
     */
    static void step(long[] widths, int k, int rows, Layers params, Layers grads, long x, long y,
            float[] smoothing, float[] l2half, float[] losses, ByteBuffer scratch) {
        Calls.optbench_dense_step(widths.length - 1, widths, k, rows, params.weights(), params.biases(),
                grads.weights(), grads.biases(), new Pointer(x), new Pointer(y), smoothing, l2half, losses, scratch);
    }

    /**
     * Summed plain cross-entropy and errors of K trials on {@code rows} shared inputs at
     * {@code x} [rows, in_0] with int32 labels at {@code y}.
     */
    static void evaluate(long[] widths, int k, int rows, Layers params, long x, long y, float[] lossSum,
            float[] wrong, ByteBuffer scratch) {
        Calls.optbench_dense_eval(widths.length - 1, widths, k, rows, params.weights(), params.biases(),
                new Pointer(x), new Pointer(y), lossSum, wrong, scratch);
    }

    /** JNA direct mapping of dense_step.c. */
    @SuppressWarnings("checkstyle:MethodName")
    private static final class Calls {
        static native int optbench_dense_init();

        static native long optbench_dense_scratch(long layers, long[] widths, long rows);

        static native void optbench_dense_step(long layers, long[] widths, long k, long rows, long[] w, long[] b,
                long[] gw, long[] gb, Pointer x, Pointer y, float[] smoothing, float[] l2half, float[] losses,
                ByteBuffer scratch);

        static native void optbench_dense_eval(long layers, long[] widths, long k, long rows, long[] w, long[] b,
                Pointer x, Pointer y, float[] lossSum, float[] wrong, ByteBuffer scratch);
    }
}
