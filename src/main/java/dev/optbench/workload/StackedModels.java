package dev.optbench.workload;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * K trials of one workload as one stacked network (SPEC section 10), built from its declaration
 * ({@link Networks}): every parameter of the network {@link Models#build} makes gains a leading
 * trial axis K, in the order of that block's {@code getParameters()}, so trial k's slice holds
 * exactly trial k's weights: {@code [K, ...its shape]}, except that a dense weight [out, in] is
 * stored transposed, [K, in, out] (see {@link #stackedLayout}), so the product needs no strided
 * copy forward or backward. Dense layers are batched matrix products, x [K,B,in] · W [K,in,out] +
 * b [K,1,out]; convolutions are one grouped convolution with the trials folded into the channels,
 * input [B, K·C, H, W], weight [K·out, C, kh, kw], groups = K, so no trial sees another's channels.
 * Only the plain feed-forward networks have this form (MLP, 2c2d, 3c3d, full and tiny).
 */
public final class StackedModels {
    private StackedModels() {}

    /** Whether {@code w} has a stacked form; the others train one trial at a time. */
    public static boolean supports(Workload w) {
        return Networks.of(w).feedForward();
    }

    /**
     * One trial's parameter as its slice of the stacked one: dense weights (the rank-2
     * parameters, [out, in]) transposed to [in, out], every other parameter as it is.
     */
    public static NDArray stackedLayout(NDArray perTrial) {
        return perTrial.getShape().dimension() == 2 ? perTrial.transpose() : perTrial;
    }

    /** Per-trial dropout on [K, B, F] activations; identity when the rates are all 0 or not training. */
    public interface Dropout {
        NDArray apply(NDArray x);
    }

    /** {@link #forward(Network, List, NDArray, boolean, Dropout)} of {@code w}'s network. */
    public static NDArray forward(Workload w, List<NDArray> params, NDArray x, boolean shared, Dropout dropout) {
        return forward(Networks.of(w), params, x, shared, dropout);
    }

    /**
     * Logits [K, B, classes] of the stacked form of {@code net}. {@code x} is [K, B, features...]
     * (each trial its own batch) or, with {@code shared}, one batch [B, features...] that every
     * trial sees (evaluation). {@code dropout} runs where the declaration puts dropout layers.
     */
    public static NDArray forward(Network net, List<NDArray> params, NDArray x, boolean shared, Dropout dropout) {
        if (!net.feedForward()) {
            throw new IllegalArgumentException("a DJL-only network has no stacked form");
        }
        long k = params.get(0).getShape().get(0);
        long batch = shared ? x.getShape().get(0) : x.getShape().get(1);
        int p = 0;
        NDArray h = x;
        boolean folded = false; // [B, K·C, H, W]: the trials folded into the channels
        if (net.layers().get(0) instanceof Layer.Conv) {
            Shape s = x.getShape();
            int d = shared ? 1 : 2;
            h = shared ? x.tile(new long[] {1, k, 1, 1})
                    : x.transpose(1, 0, 2, 3, 4).reshape(batch, k * s.get(d), s.get(d + 1), s.get(d + 2));
            folded = true;
        }
        for (Layer layer : net.layers()) {
            if (layer instanceof Layer.Conv conv) {
                NDArray weight = params.get(p++);
                NDArray bias = params.get(p++);
                Shape ws = weight.getShape(); // [K, out, C, kh, kw]
                NDArray foldedWeight = weight.reshape(k * ws.get(1), ws.get(2), ws.get(3), ws.get(4));
                h = Conv2d.conv2d(h, foldedWeight, bias.reshape(k * ws.get(1)), new Shape(1, 1),
                        new Shape(conv.pad(), conv.pad()), new Shape(1, 1), (int) k).singletonOrThrow();
            } else if (layer instanceof Layer.MaxPool pool) {
                h = Pool.maxPool2d(h, new Shape(pool.window(), pool.window()),
                        new Shape(pool.stride(), pool.stride()), new Shape(pool.pad(), pool.pad()), false);
            } else if (layer instanceof Layer.Relu) {
                h = Activation.relu(h);
            } else if (layer instanceof Layer.Flatten) {
                if (folded) { // [K, B, out·H'·W'], each trial's own flatten order
                    h = h.reshape(batch, k, -1).transpose(1, 0, 2);
                    folded = false;
                } else {
                    h = shared ? h.reshape(batch, -1) : h.reshape(k, batch, -1);
                }
            } else if (layer instanceof Layer.Dense) {
                NDArray weight = params.get(p++); // [K, in, out]
                NDArray bias = params.get(p++); // [K, out]
                h = h.matMul(weight).add(bias.reshape(k, 1, bias.getShape().get(1)));
            } else if (layer instanceof Layer.Dropout) {
                h = dropout.apply(h);
            }
        }
        return h;
    }
}
