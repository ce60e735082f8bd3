package dev.optbench.workload;

/**
 * Rows of features and labels, readable from many threads. Features are float32 (images
 * already normalized; text as token ids stored exactly in floats), labels are int class ids
 * ({@link #labelsPerExample()} per row: 1 for images, the sequence length for text).
 */
public interface ExampleSource {
    int size();

    /** Shape of one example's features, e.g. {1, 28, 28} or {50}. */
    long[] featureShape();

    int labelsPerExample();

    default int featureSize() {
        long n = 1;
        for (long d : featureShape()) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** Copies rows {@code rows} into {@code features} (row-major) and {@code labels}. */
    void fill(int[] rows, float[] features, int[] labels);
}
