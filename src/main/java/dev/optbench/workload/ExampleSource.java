package dev.optbench.workload;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

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
        return values(featureShape());
    }

    /** Values in one example of {@code shape}. */
    static int values(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /** Copies rows {@code rows} into {@code features} (row-major) and {@code labels}. */
    void fill(int[] rows, float[] features, int[] labels);

    /**
     * Copies rows {@code rows} into {@code features} and {@code labels} from their positions on
     * (e.g. direct buffers that PyTorch wraps); sources held in memory copy each row once.
     */
    default void fill(int[] rows, FloatBuffer features, IntBuffer labels) {
        float[] f = new float[rows.length * featureSize()];
        int[] l = new int[rows.length * labelsPerExample()];
        fill(rows, f, l);
        features.put(f);
        labels.put(l);
    }
}
