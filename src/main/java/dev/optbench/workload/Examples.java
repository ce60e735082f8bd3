package dev.optbench.workload;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * A split of a data set: a view (row indices) onto shared backing arrays, so train, train_eval
 * and validation of one file share memory. Immutable after construction; the arrays are never
 * written, so many trainer threads may read one instance.
 *
 * @param source where the examples come from (in-memory arrays or lazily decoded files)
 * @param rows the rows of {@code source} that form this split, in a fixed order
 */
public record Examples(ExampleSource source, int[] rows) {
    public Examples {
        rows = rows.clone();
    }

    /** A copy of the row indices (the record stays immutable). */
    @Override
    public int[] rows() {
        return rows.clone();
    }

    public int size() {
        return rows.length;
    }

    /** Row {@code i} of this split as a row of the source. */
    public int row(int i) {
        return rows[i];
    }

    /** Fills one batch from split positions {@code positions}. */
    public void fill(int[] positions, float[] features, int[] labels) {
        source.fill(sourceRows(positions), features, labels);
    }

    /** Fills one batch from split positions {@code positions} into buffers, from their positions on. */
    public void fill(int[] positions, FloatBuffer features, IntBuffer labels) {
        source.fill(sourceRows(positions), features, labels);
    }

    private int[] sourceRows(int[] positions) {
        int[] sourceRows = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            sourceRows[i] = rows[positions[i]];
        }
        return sourceRows;
    }

    /** The first {@code n} examples of this split. */
    public Examples head(int n) {
        return new Examples(source, Arrays.copyOf(rows, Math.min(n, rows.length)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Examples e && e.source == source && Arrays.equals(e.rows, rows);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(source) * 31 + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        return "Examples[" + rows.length + " of " + source.size() + "]";
    }
}
