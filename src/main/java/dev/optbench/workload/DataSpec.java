package dev.optbench.workload;

/**
 * What a workload reads: the data set, whether it is the tiny subset, and for text the
 * sequence length; for images the side length images are resized to (ImageNet only).
 */
public record DataSpec(DatasetKind kind, boolean tiny, int sequenceLength, int imageSize) {
    public static DataSpec images(DatasetKind kind, boolean tiny) {
        return new DataSpec(kind, tiny, 0, 0);
    }

    public static DataSpec text(boolean tiny, int sequenceLength) {
        return new DataSpec(DatasetKind.TEXT, tiny, sequenceLength, 0);
    }

    /** Training examples the tiny variant keeps (validation is held out of these). */
    public int tinyTrainLimit() {
        return kind == DatasetKind.FASHION_MNIST ? 6_000 : 5_000;
    }

    /** Upper bound of the validation and test sets: 10,000 (SPEC section 6), 1,000 for tiny. */
    public int heldOutLimit() {
        return tiny ? 1_000 : 10_000;
    }

    /** Characters the tiny text variant keeps from the start of the corpus. */
    public static final int TINY_TEXT_CHARS = 60_000;
}
