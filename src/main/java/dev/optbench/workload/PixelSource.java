package dev.optbench.workload;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Images kept as their bytes, normalized as they are copied out: pixel p of channel c becomes
 * {@code table[c][p]} ({@link Normalization#tables}), the float SPEC's formula gives, so batches
 * are the same as from a float copy of the data set. Why: the float copy was 4× the memory (188 MB for
 * Fashion-MNIST, 600 MB for CIFAR) and, converted up front, about 0.7 s of a cold start.
 */
public final class PixelSource implements ExampleSource {
    private final byte[] pixels;
    private final int[] labels;
    private final float[][] tables;
    private final long[] featureShape;
    private final int featureSize;
    private final int pixelsPerChannel;
    private final int size;

    /**
     * @param pixels rows of [channels, h, w] unsigned bytes
     * @param tables one 256-entry table per channel ({@link Normalization#tables})
     */
    public PixelSource(byte[] pixels, int[] labels, long[] featureShape, float[][] tables) {
        this.pixels = pixels;
        this.labels = labels;
        this.tables = tables.clone();
        this.featureShape = featureShape.clone();
        this.featureSize = ExampleSource.values(featureShape);
        this.size = labels.length;
        if (featureShape.length < 1 || featureShape[0] != tables.length) {
            throw new IllegalArgumentException(tables.length + " tables for shape " + java.util.Arrays.toString(featureShape));
        }
        this.pixelsPerChannel = featureSize / tables.length;
        if (pixels.length != (long) size * featureSize) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " bytes, expected " + size + " x "
                    + featureSize);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long[] featureShape() {
        return featureShape.clone();
    }

    @Override
    public int featureSize() {
        return featureSize;
    }

    @Override
    public int labelsPerExample() {
        return 1;
    }

    @Override
    public void fill(int[] rows, float[] out, int[] outLabels) {
        for (int i = 0; i < rows.length; i++) {
            row(rows[i], out, i * featureSize);
            outLabels[i] = labels[rows[i]];
        }
    }

    @Override
    public void fill(int[] rows, FloatBuffer out, IntBuffer outLabels) {
        float[] one = new float[featureSize];
        for (int r : rows) {
            row(r, one, 0);
            out.put(one);
            outLabels.put(labels[r]);
        }
    }

    private void row(int r, float[] out, int at) {
        int base = r * featureSize;
        for (int c = 0; c < tables.length; c++) {
            float[] t = tables[c];
            int from = c * pixelsPerChannel;
            for (int i = from; i < from + pixelsPerChannel; i++) {
                out[at + i] = t[pixels[base + i] & 0xff];
            }
        }
    }
}
