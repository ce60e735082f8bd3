package dev.optbench.workload;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * A workload's network, declared once ({@link Networks}): either a list of plain feed-forward
 * {@link Layer}s, from which the DJL block ({@link #block}), the stacked parameters and forward
 * pass ({@link StackedModels}) and the native plan ({@code train.NativeNet}) are all built, or,
 * for networks with no stacked form (batch norm, residual, recurrent, attention), a DJL-only
 * builder.
 *
 * @param layers the feed-forward layers, in order; empty for a DJL-only network
 * @param djlOnly builds the DJL-only network; null for a feed-forward one
 */
public record Network(List<Layer> layers, DjlBuilder djlOnly) {
    /** Builds a DJL-only network with {@code classes} outputs and dropout rate {@code dropout}. */
    public interface DjlBuilder {
        Block build(int classes, double dropout);
    }

    public Network {
        layers = List.copyOf(layers);
        if (layers.isEmpty() == (djlOnly == null)) {
            throw new IllegalArgumentException("a network is either a list of layers or a DJL-only builder");
        }
    }

    public static Network of(Layer... layers) {
        return new Network(List.of(layers), null);
    }

    public static Network djl(DjlBuilder builder) {
        return new Network(List.of(), builder);
    }

    /** Whether it is a plain feed-forward list of layers: such a network has a stacked form. */
    public boolean feedForward() {
        return djlOnly == null;
    }

    /** The DJL block: {@code classes} outputs, dropout layers only when {@code dropout} > 0. */
    public Block block(int classes, double dropout) {
        if (djlOnly != null) {
            return djlOnly.build(classes, dropout);
        }
        SequentialBlock b = new SequentialBlock();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Dense d) {
                b.add(Linear.builder().setUnits(d.units() == Layer.Dense.CLASSES ? classes : d.units()).build());
            } else if (layer instanceof Layer.Conv c) {
                b.add(Conv2d.builder().setKernelShape(new Shape(c.kernel(), c.kernel())).setFilters(c.filters())
                        .optStride(new Shape(1, 1)).optPadding(new Shape(c.pad(), c.pad())).optBias(true).build());
            } else if (layer instanceof Layer.MaxPool p) {
                b.add(Pool.maxPool2dBlock(new Shape(p.window(), p.window()), new Shape(p.stride(), p.stride()),
                        new Shape(p.pad(), p.pad())));
            } else if (layer instanceof Layer.Relu) {
                b.add(Activation::relu);
            } else if (layer instanceof Layer.Flatten) {
                b.add(Blocks.batchFlattenBlock());
            } else if (layer instanceof Layer.Dropout && dropout > 0) {
                b.add(ai.djl.nn.norm.Dropout.builder().optRate((float) dropout).build());
            }
        }
        return b;
    }
}
