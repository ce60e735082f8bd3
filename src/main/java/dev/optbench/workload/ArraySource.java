package dev.optbench.workload;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/** An in-memory {@link ExampleSource}: one float array of features, one int array of labels. */
public final class ArraySource implements ExampleSource {
    private final float[] features;
    private final int[] labels;
    private final long[] featureShape;
    private final int featureSize;
    private final int labelsPerExample;
    private final int size;

    public ArraySource(float[] features, int[] labels, long[] featureShape, int labelsPerExample) {
        this.features = features;
        this.labels = labels;
        this.featureShape = featureShape.clone();
        this.featureSize = ExampleSource.values(featureShape);
        this.labelsPerExample = labelsPerExample;
        this.size = labels.length / labelsPerExample;
        if (features.length != (long) size * featureSize) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected "
                    + size + " x " + featureSize);
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
        return labelsPerExample;
    }

    @Override
    public void fill(int[] rows, float[] out, int[] outLabels) {
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(features, rows[i] * featureSize, out, i * featureSize, featureSize);
            System.arraycopy(labels, rows[i] * labelsPerExample, outLabels, i * labelsPerExample, labelsPerExample);
        }
    }

    @Override
    public void fill(int[] rows, FloatBuffer out, IntBuffer outLabels) {
        for (int row : rows) {
            out.put(features, row * featureSize, featureSize);
            outLabels.put(labels, row * labelsPerExample, labelsPerExample);
        }
    }

    /** One feature value, for tests and statistics. */
    public float feature(int row, int offset) {
        return features[row * featureSize + offset];
    }

    public int label(int row, int offset) {
        return labels[row * labelsPerExample + offset];
    }
}
