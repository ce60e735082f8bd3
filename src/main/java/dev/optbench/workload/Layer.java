package dev.optbench.workload;

/**
 * One layer of a plain feed-forward network's declaration ({@link Network}): every backend
 * builds its form of the network from the same list (DJL blocks, stacked parameters, the native
 * plan).
 */
public sealed interface Layer {
    /** A dense layer of {@code units} outputs with bias; {@link #CLASSES} means the data's class count. */
    record Dense(int units) implements Layer {
        public static final int CLASSES = -1;
    }

    /** A stride-1 convolution, {@code kernel} × {@code kernel}, zero padding {@code pad}, with bias. */
    record Conv(int filters, int kernel, int pad) implements Layer {}

    /** Max-pooling: square {@code window}, {@code stride} and zero padding {@code pad} (floor mode). */
    record MaxPool(int window, int stride, int pad) implements Layer {}

    /** ReLU. */
    record Relu() implements Layer {}

    /** Flattens each example to a vector. */
    record Flatten() implements Layer {}

    /** Where dropout goes when the dropout rate is above 0 (nothing otherwise). */
    record Dropout() implements Layer {}

    static Layer dense(int units) {
        return new Dense(units);
    }

    static Layer conv(int filters, int kernel, int pad) {
        return new Conv(filters, kernel, pad);
    }

    static Layer maxPool(int window, int stride, int pad) {
        return new MaxPool(window, stride, pad);
    }

    Layer RELU = new Relu();
    Layer FLATTEN = new Flatten();
    Layer DROPOUT = new Dropout();
}
