package dev.optbench.workload;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.recurrent.LSTM;
import java.util.List;

/**
 * Builds each workload's network ({@link Networks}) as a DJL block producing logits: [batch,
 * classes] for images, [batch, time, vocabulary] for text, and holds the DJL-only builders of the
 * networks with no stacked form. Dropout layers are inserted only when dropout_rate > 0.
 */
public final class Models {
    private Models() {}

    /** The block for {@code w} ({@link Networks}) with {@code classes} outputs and dropout rate {@code dropout}. */
    public static Block build(Workload w, int classes, double dropout) {
        return Networks.of(w).block(classes, dropout);
    }

    private static void dropout(SequentialBlock b, double rate) {
        if (rate > 0) {
            b.add(Dropout.builder().optRate((float) rate).build());
        }
    }

    private static Block conv(int filters, int kernel, int stride, int pad, boolean bias) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(filters)
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).optBias(bias).build();
    }

    private static Block linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    private static Block residual(Block main, Block shortcut) {
        return new SequentialBlock()
                .add(new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow()
                        .add(list.get(1).singletonOrThrow())), List.of(main, shortcut)))
                .add(Activation::relu);
    }

    private static Block basicBlock(int filters, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(filters, 3, stride, 1, false)).add(BatchNorm.builder().build()).add(Activation::relu)
                .add(conv(filters, 3, 1, 1, false)).add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock().add(conv(filters, 1, stride, 0, false)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return residual(main, shortcut);
    }

    /** CIFAR ResNet (He et al. 2016, 6n+2 layers): n = 5 gives ResNet-32. */
    static Block resnetCifar(int n, int width, int classes) {
        SequentialBlock b = new SequentialBlock()
                .add(conv(width, 3, 1, 1, false)).add(BatchNorm.builder().build()).add(Activation::relu);
        for (int stage = 0; stage < 3; stage++) {
            int filters = width << stage;
            for (int i = 0; i < n; i++) {
                boolean down = stage > 0 && i == 0;
                b.add(basicBlock(filters, down ? 2 : 1, down));
            }
        }
        return b.add(Pool.globalAvgPool2dBlock()).add(linear(classes));
    }

    /** VGG-16 for CIFAR: 13 conv3x3 layers with batch norm, 5 max-pools, fc-512, fc-classes. */
    static Block vgg16(int divisor, int fc, int classes, double dropout) {
        int[][] stages = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        SequentialBlock b = new SequentialBlock();
        for (int[] stage : stages) {
            for (int filters : stage) {
                b.add(conv(filters / divisor, 3, 1, 1, false)).add(BatchNorm.builder().build()).add(Activation::relu);
            }
            b.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        b.add(Blocks.batchFlattenBlock());
        dropout(b, dropout);
        b.add(linear(fc)).add(Activation::relu);
        dropout(b, dropout);
        return b.add(linear(classes));
    }

    private static LambdaBlock oneHot(int vocabulary) {
        return LambdaBlock.singleton(x -> x.toType(DataType.INT64, false).oneHot(vocabulary), "one_hot");
    }

    /** DeepOBS tolstoi char-RNN: one-hot characters, LSTM (layers x units), linear to the vocabulary. */
    static Block charLstm(int layers, int units, int vocabulary, double dropout) {
        SequentialBlock b = new SequentialBlock().add(oneHot(vocabulary))
                .add(LSTM.builder().setNumLayers(layers).setStateSize(units).optBatchFirst(true)
                        .optReturnState(false).optDropRate((float) dropout).build());
        dropout(b, dropout);
        return b.add(linear(vocabulary));
    }

    private static Block preNormResidual(Block inner, double dropout) {
        SequentialBlock main = new SequentialBlock().add(LayerNorm.builder().axis(2).build()).add(inner);
        dropout(main, dropout);
        return new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                List.of(main, Blocks.identityBlock()));
    }

    /** Decoder-only Transformer: token + learned position embeddings, pre-norm blocks, causal attention. */
    static Block transformer(int context, int width, int layers, int heads, int vocabulary, double dropout) {
        SequentialBlock b = new SequentialBlock().add(oneHot(vocabulary))
                .add(Linear.builder().setUnits(width).optBias(false).build())
                .add(new PositionalEmbedding(context, width));
        for (int i = 0; i < layers; i++) {
            b.add(preNormResidual(new CausalSelfAttention(width, heads), dropout));
            b.add(preNormResidual(new SequentialBlock().add(linear(4 * width)).add(Activation::gelu)
                    .add(linear(width)), dropout));
        }
        return b.add(LayerNorm.builder().axis(2).build()).add(linear(vocabulary));
    }

    private static Block bottleneck(int width, int stride, boolean project) {
        SequentialBlock main = new SequentialBlock()
                .add(conv(width, 1, 1, 0, false)).add(BatchNorm.builder().build()).add(Activation::relu)
                .add(conv(width, 3, stride, 1, false)).add(BatchNorm.builder().build()).add(Activation::relu)
                .add(conv(4 * width, 1, 1, 0, false)).add(BatchNorm.builder().build());
        Block shortcut = project
                ? new SequentialBlock().add(conv(4 * width, 1, stride, 0, false)).add(BatchNorm.builder().build())
                : Blocks.identityBlock();
        return residual(main, shortcut);
    }

    /** ResNet-50 (bottleneck blocks 3-4-6-3, widths 64..512, 7x7 stem). */
    static Block resnet50(int[] blocks, int width, int classes) {
        SequentialBlock b = new SequentialBlock()
                .add(conv(width, 7, 2, 3, false)).add(BatchNorm.builder().build()).add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        for (int stage = 0; stage < blocks.length; stage++) {
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                b.add(bottleneck(width << stage, stride, i == 0));
            }
        }
        return b.add(Pool.globalAvgPool2dBlock()).add(linear(classes));
    }

    /** Input shape of one batch: [batch, features...]. */
    public static Shape inputShape(int batch, long[] featureShape) {
        long[] dims = new long[featureShape.length + 1];
        dims[0] = batch;
        System.arraycopy(featureShape, 0, dims, 1, featureShape.length);
        return new Shape(dims);
    }

}
