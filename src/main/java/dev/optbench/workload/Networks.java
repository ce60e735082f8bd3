package dev.optbench.workload;

import static dev.optbench.workload.Layer.DROPOUT;
import static dev.optbench.workload.Layer.FLATTEN;
import static dev.optbench.workload.Layer.RELU;
import static dev.optbench.workload.Layer.conv;
import static dev.optbench.workload.Layer.dense;
import static dev.optbench.workload.Layer.maxPool;

/**
 * Every workload's network, declared once, at full and tiny size. The plain feed-forward image
 * networks (MLP, 2c2d, 3c3d) are lists of layers, from which each training backend builds its
 * own form; the others keep DJL-only builders ({@link Models}) and train one trial at a time.
 * Dropout layers mark where dropout goes when a trial asks for it.
 */
public final class Networks {
    private Networks() {}

    /** The network of {@code w}; its last dense layer has the data's class count of outputs. */
    public static Network of(Workload w) {
        boolean tiny = w.data().tiny();
        return switch (w.architecture()) {
            case MLP -> tiny ? mlp(64, 64) : mlp(256, 256);
            case CNN_2C2D -> tiny ? cnn2c2d(8, 16, 64) : cnn2c2d(32, 64, 1024);
            case CNN_3C3D -> tiny ? cnn3c3d(8, 12, 16, 32, 16) : cnn3c3d(64, 96, 128, 512, 256);
            case RESNET32 -> Network.djl((classes, dropout) -> Models.resnetCifar(tiny ? 1 : 5, tiny ? 8 : 16, classes));
            case VGG16 -> Network.djl((classes, dropout) -> Models.vgg16(tiny ? 8 : 1, tiny ? 64 : 512, classes, dropout));
            case CHAR_LSTM -> Network.djl((classes, dropout) -> Models.charLstm(tiny ? 1 : 2, tiny ? 32 : 128, classes,
                    dropout));
            case TRANSFORMER -> Network.djl((classes, dropout) -> Models.transformer(w.data().sequenceLength(),
                    tiny ? 32 : 128, tiny ? 1 : 2, tiny ? 2 : 4, classes, dropout));
            case RESNET50 -> Network.djl((classes, dropout) -> Models.resnet50(
                    tiny ? new int[] {1, 1, 1, 1} : new int[] {3, 4, 6, 3}, tiny ? 8 : 64, classes));
        };
    }

    /** 784-h1-h2-classes with ReLU. */
    private static Network mlp(int h1, int h2) {
        return Network.of(FLATTEN, dense(h1), RELU, DROPOUT, dense(h2), RELU, DROPOUT, dense(Layer.Dense.CLASSES));
    }

    /** DeepOBS 2c2d: conv5x5-c1, maxpool, conv5x5-c2, maxpool, fc, fc-classes ("same" padding). */
    private static Network cnn2c2d(int c1, int c2, int fc) {
        return Network.of(conv(c1, 5, 2), RELU, maxPool(2, 2, 0), conv(c2, 5, 2), RELU, maxPool(2, 2, 0),
                FLATTEN, DROPOUT, dense(fc), RELU, DROPOUT, dense(Layer.Dense.CLASSES));
    }

    /**
     * DeepOBS 3c3d: conv5x5-c1 valid, maxpool3 s2; conv3x3-c2 valid, maxpool3 s2; conv3x3-c3
     * same, maxpool3 s2; fc-f1, fc-f2, fc-classes, ReLU throughout.
     */
    private static Network cnn3c3d(int c1, int c2, int c3, int f1, int f2) {
        return Network.of(conv(c1, 5, 0), RELU, maxPool(3, 2, 1), conv(c2, 3, 0), RELU, maxPool(3, 2, 1),
                conv(c3, 3, 1), RELU, maxPool(3, 2, 1), FLATTEN,
                dense(f1), RELU, DROPOUT, dense(f2), RELU, DROPOUT, dense(Layer.Dense.CLASSES));
    }
}
