package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import com.sun.jna.Pointer;
import dev.optbench.platform.BundledLibrary;
import dev.optbench.platform.HostMemory;
import dev.optbench.workload.Layer;
import dev.optbench.workload.Network;
import dev.optbench.workload.Networks;
import dev.optbench.workload.Workload;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The stacked network's forward and backward passes as one native call per step
 * (src/main/c/net_step.c), for the plain feed-forward image networks: ReLU MLPs and the
 * convolutional 2c2d and 3c3d. The matrix products go through the sgemm of the loaded libtorch
 * (the oneMKL PyTorch's own matmul uses), convolutions as im2col products over a few samples at a
 * time; bias, ReLU, pooling, the loss and their gradients are loops over activations that stay in
 * cache.
 *
 * <p>Why: autograd over [K, B, width] tensors is ~60 tensor ops per step for an MLP (matmul, bias
 * add, ReLU, log-softmax, gather, mean and their backward ops), each a JNI call plus a PyTorch
 * dispatch. On fmnist_mlp at K = 2 they took 0.8 ms per step against 1.8 ms of matrix products.
 * On fmnist_2c2d a step alone takes about as long either way (~100 ms, ~75 ms of it matrix
 * products), but PyTorch's CPU convolutions (oneDNN) fault in fresh memory every step, so two
 * workers of one process scaled erratically (0.9–2.9× of one; these passes: 2×), and an
 * evaluation of 3 × 10,000 examples took 58 s against 9.6 s here. The arithmetic
 * is the NDArray form's op for op, up to the order of float32 sums; {@code NativeNetTest} holds
 * the two to each other, and BatchedTrainerTest holds this path to the sequential runs.
 * {@code OPTBENCH_NATIVE_NET=off} (or {@code OPTBENCH_NATIVE=off}, every native path) turns it off.
 */
public final class NativeNet {
    static final String ENV = "OPTBENCH_NATIVE_NET";
    static final String LIBRARY = "libnet_step.so";

    private NativeNet() {}

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

    /** The library's sha256 and whether it was loaded, or why not; for provenance. */
    public static String library() {
        return BundledLibrary.describe(LIBRARY, Loaded.LIBRARY.whyNot());
    }

    /** "native forward and backward", or why stacked nets run as NDArray ops; for provenance. */
    public static String status() {
        return available() ? "native forward and backward" : "NDArray ops (" + Loaded.LIBRARY.whyNot() + ")";
    }

    /**
     * Whether K trials of {@code w} with {@code configs} can train on this path: a stacked
     * feed-forward image network (a ReLU MLP, 2c2d or 3c3d) with cross-entropy and classification
     * error, on the CPU, without dropout (whose masks come from PyTorch's generator on the NDArray
     * path).
     */
    static boolean suits(Workload w, Device device, List<TrainConfig> configs) {
        return convBlocks(Networks.of(w)) != null && w.loss().equals("softmax_cross_entropy")
                && w.errorMetric().equals("classification_error") && device.equals(Device.cpu())
                && configs.stream().allMatch(c -> c.dropoutRate() == 0) && available();
    }

    /**
     * The convolution blocks of {@code net} in net_step.c's terms, 4 numbers each (padding, pool
     * window, stride and padding), or null when the passes cannot run it: they take convolution →
     * ReLU → max-pool blocks, a flatten, then dense layers with a ReLU between each two (dropout
     * layers are skipped: the passes run only without dropout).
     */
    static List<long[]> convBlocks(Network net) {
        if (!net.feedForward()) {
            return null;
        }
        List<Layer> layers = net.layers().stream().filter(l -> !(l instanceof Layer.Dropout)).toList();
        List<long[]> blocks = new java.util.ArrayList<>();
        int i = 0;
        while (i + 2 < layers.size() && layers.get(i) instanceof Layer.Conv c) {
            if (!(layers.get(i + 1) instanceof Layer.Relu) || !(layers.get(i + 2) instanceof Layer.MaxPool p)) {
                return null;
            }
            blocks.add(new long[] {c.pad(), p.window(), p.stride(), p.pad()});
            i += 3;
        }
        if (i >= layers.size() || !(layers.get(i++) instanceof Layer.Flatten)) {
            return null;
        }
        boolean dense = true; // a dense layer expected next
        for (; i < layers.size(); i++) {
            if (dense != layers.get(i) instanceof Layer.Dense || !dense && !(layers.get(i) instanceof Layer.Relu)) {
                return null;
            }
            dense = !dense;
        }
        return dense ? null : blocks; // ends on a dense layer
    }

    private static BundledLibrary.Registered load() {
        Engine.getEngine("PyTorch"); // loads libtorch, whose sgemm the library looks up
        BundledLibrary.Registered r = BundledLibrary.register(LIBRARY, ENV, Calls.class);
        if (r.library() != null && Calls.optbench_net_init() == 0) {
            return new BundledLibrary.Registered(null, "the loaded libtorch exports no sgemm_");
        }
        return r;
    }

    /**
     * A stacked network in net_step.c's terms: {@code conv} = C, H, W of one input, then 7 numbers
     * per convolution block (out channels, kernel height and width, padding, pool window, stride
     * and padding); {@code widths} = the dense layers' [in_0, out_0, out_1, ...], in_0 the
     * flattened last block's output (or the input's features).
     */
    record Net(long[] conv, long[] widths) {
        int convs() {
            return (conv.length - 3) / 7;
        }

        /**
         * The net of {@code network} whose stacked parameters (conv weights [K, out, C, kh, kw]
         * and biases, then dense [K, in, out] and biases) are {@code params}, on inputs of
         * {@code featureShape} ([C, H, W], or any shape for an MLP).
         */
        static Net of(Network network, long[] featureShape, List<NDArray> params) {
            List<long[]> blocks = convBlocks(network);
            if (blocks == null) {
                throw new IllegalArgumentException(network + " has no form the native passes take");
            }
            long[] conv = new long[3 + 7 * blocks.size()];
            if (!blocks.isEmpty()) {
                System.arraycopy(featureShape, 0, conv, 0, 3);
            }
            for (int i = 0; i < blocks.size(); i++) {
                long[] ws = params.get(2 * i).getShape().getShape(); // [K, out, C, kh, kw]
                long[] c = blocks.get(i);
                System.arraycopy(new long[] {ws[1], ws[3], ws[4], c[0], c[1], c[2], c[3]}, 0, conv, 3 + 7 * i, 7);
            }
            int from = 2 * blocks.size();
            long[] widths = new long[(params.size() - from) / 2 + 1];
            widths[0] = params.get(from).getShape().get(1);
            for (int l = 0; l < widths.length - 1; l++) {
                widths[l + 1] = params.get(from + 2 * l).getShape().get(2);
            }
            if (blocks.size() > 16 || widths.length - 1 > 64) { // net_step.c's fixed plan arrays
                throw new IllegalArgumentException(blocks.size() + " conv blocks and " + (widths.length - 1)
                        + " dense layers: the native passes take at most 16 and 64");
            }
            return new Net(conv, widths);
        }

        /** Floats of scratch a pass over {@code rows} examples at a time needs. */
        long scratchFloats(long rows) {
            return Calls.optbench_net_scratch(convs(), conv, widths.length - 1, widths, rows);
        }
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
     * {@code rows} examples each: inputs at {@code x} [K, rows, features], labels at {@code y}
     * [K, rows] int32; trial k's objective is its smoothed cross-entropy plus l2half[k]·‖θ_k‖².
     * The scratch must hold {@link Net#scratchFloats} of {@code rows}.
     */
    static void step(Net net, int k, int rows, Layers params, Layers grads, long x, long y, float[] smoothing,
            float[] l2half, float[] losses, ByteBuffer scratch) {
        Calls.optbench_net_step(net.convs(), net.conv(), net.widths().length - 1, net.widths(), k, rows,
                params.weights(), params.biases(), grads.weights(), grads.biases(), new Pointer(x), new Pointer(y),
                smoothing, l2half, losses, scratch);
    }

    /**
     * Summed plain cross-entropy and errors of K trials on {@code rows} shared inputs at
     * {@code x} [rows, features] with int32 labels at {@code y}, {@code chunk} rows at a time
     * (the scratch holds {@link Net#scratchFloats} of {@code chunk}).
     */
    static void evaluate(Net net, int k, int rows, int chunk, Layers params, long x, long y, float[] lossSum,
            float[] wrong, ByteBuffer scratch) {
        Calls.optbench_net_eval(net.convs(), net.conv(), net.widths().length - 1, net.widths(), k, rows, chunk,
                params.weights(), params.biases(), new Pointer(x), new Pointer(y), lossSum, wrong, scratch);
    }

    /** JNA direct mapping of net_step.c. */
    @SuppressWarnings("checkstyle:MethodName")
    private static final class Calls {
        static native int optbench_net_init();

        static native long optbench_net_scratch(long nconv, long[] conv, long layers, long[] widths, long rows);

        static native void optbench_net_step(long nconv, long[] conv, long layers, long[] widths, long k, long rows,
                long[] w, long[] b, long[] gw, long[] gb, Pointer x, Pointer y, float[] smoothing, float[] l2half,
                float[] losses, ByteBuffer scratch);

        static native void optbench_net_eval(long nconv, long[] conv, long layers, long[] widths, long k, long rows,
                long chunk, long[] w, long[] b, Pointer x, Pointer y, float[] lossSum, float[] wrong,
                ByteBuffer scratch);
    }
}
