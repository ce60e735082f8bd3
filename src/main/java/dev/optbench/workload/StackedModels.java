package dev.optbench.workload;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * K trials of one workload as one stacked network (SPEC section 10): every parameter of the
 * network {@link Models#build} makes gains a leading trial axis K, in the order of that block's
 * {@code getParameters()}, so trial k's slice holds exactly trial k's weights: {@code [K, ...its
 * shape]}, except that a dense weight [out, in] is stored transposed, [K, in, out] (see
 * {@link #stackedLayout}), so the product needs no strided copy forward or backward. Dense layers
 * are batched matrix products, x [K,B,in] · W [K,in,out] + b [K,1,out];
 * convolutions are one grouped convolution with the trials folded into the channels, input
 * [B, K·C, H, W], weight [K·out, C, kh, kw], groups = K, so no trial sees another's channels.
 * Only the plain feed-forward image networks have this form (MLP, 2c2d, 3c3d, full and tiny).
 */
public final class StackedModels {
    private StackedModels() {}

    /**
     * One convolution block: a stride-1 convolution with zero padding {@code pad} on both axes,
     * then ReLU, then max-pooling (window {@code pool}, stride and padding; floor mode).
     */
    public record Conv(int pad, int pool, int poolStride, int poolPad) {}

    /** Whether {@code w} has a stacked form; the others train one trial at a time. */
    public static boolean supports(Workload w) {
        return switch (w.architecture()) {
            case MLP, CNN_2C2D, CNN_3C3D -> true;
            default -> false;
        };
    }

    /** The convolution blocks of {@code a}'s stacked form, in order (none for an MLP). */
    public static List<Conv> convs(Architecture a) {
        return switch (a) {
            case MLP -> List.of();
            case CNN_2C2D -> List.of(new Conv(2, 2, 2, 0), new Conv(2, 2, 2, 0));
            case CNN_3C3D -> List.of(new Conv(0, 3, 2, 1), new Conv(0, 3, 2, 1), new Conv(1, 3, 2, 1));
            default -> throw new IllegalArgumentException(a + " has no stacked form");
        };
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

    /**
     * Logits [K, B, classes] of the stacked network of {@code w}. {@code x} is [K, B, features...]
     * (each trial its own batch) or, with {@code shared}, one batch [B, features...] that every
     * trial sees (evaluation). {@code dropout} runs where {@link Models#build} puts dropout layers.
     */
    public static NDArray forward(Workload w, List<NDArray> params, NDArray x, boolean shared, Dropout dropout) {
        List<Conv> convs = convs(w.architecture());
        long k = params.get(0).getShape().get(0);
        long batch = shared ? x.getShape().get(0) : x.getShape().get(1);
        int p = 0;
        NDArray h = x;
        if (!convs.isEmpty()) {
            Shape s = x.getShape();
            int d = shared ? 1 : 2;
            long c = s.get(d);
            long height = s.get(d + 1);
            long width = s.get(d + 2);
            h = shared ? x.tile(new long[] {1, k, 1, 1})
                    : x.transpose(1, 0, 2, 3, 4).reshape(batch, k * c, height, width);
            for (Conv conv : convs) {
                NDArray weight = params.get(p++);
                NDArray bias = params.get(p++);
                Shape ws = weight.getShape(); // [K, out, C, kh, kw]
                NDArray folded = weight.reshape(k * ws.get(1), ws.get(2), ws.get(3), ws.get(4));
                h = Conv2d.conv2d(h, folded, bias.reshape(k * ws.get(1)), new Shape(1, 1),
                        new Shape(conv.pad(), conv.pad()), new Shape(1, 1), (int) k).singletonOrThrow();
                h = Pool.maxPool2d(Activation.relu(h), new Shape(conv.pool(), conv.pool()),
                        new Shape(conv.poolStride(), conv.poolStride()), new Shape(conv.poolPad(), conv.poolPad()),
                        false);
            }
            h = h.reshape(batch, k, -1).transpose(1, 0, 2); // [K, B, out·H'·W'], each trial's own flatten order
            if (w.architecture() == Architecture.CNN_2C2D) {
                h = dropout.apply(h);
            }
        } else {
            h = shared ? x.reshape(batch, -1) : x.reshape(k, batch, -1);
        }
        int dense = (params.size() - p) / 2;
        for (int i = 0; i < dense; i++) {
            NDArray weight = params.get(p++); // [K, in, out]
            NDArray bias = params.get(p++); // [K, out]
            h = h.matMul(weight).add(bias.reshape(k, 1, bias.getShape().get(1)));
            if (i < dense - 1) {
                h = dropout.apply(Activation.relu(h));
            }
        }
        return h;
    }
}
