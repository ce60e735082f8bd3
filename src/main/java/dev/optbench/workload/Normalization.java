package dev.optbench.workload;

/**
 * Image normalization: pixel bytes p become (p/255 − μ_c)/σ_c, with μ_c and σ_c the mean and
 * standard deviation of channel c over the training rows only (never validation or test).
 */
public final class Normalization {
    private Normalization() {}

    /** Per-channel mean and standard deviation (on the [0,1] scale) of the first {@code rows} images. */
    public static double[][] channelStats(byte[] pixels, int channels, int pixelsPerChannel, int rows) {
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            double sumSq = 0;
            for (int r = 0; r < rows; r++) {
                int base = (r * channels + c) * pixelsPerChannel;
                for (int i = 0; i < pixelsPerChannel; i++) {
                    double v = Byte.toUnsignedInt(pixels[base + i]) / 255.0;
                    sum += v;
                    sumSq += v * v;
                }
            }
            double n = (double) rows * pixelsPerChannel;
            mean[c] = sum / n;
            std[c] = Math.sqrt(Math.max(sumSq / n - mean[c] * mean[c], 1e-12));
        }
        return new double[][] {mean, std};
    }

    /**
     * (v/255 − mean_c) / std_c for every byte value v of every channel c: it depends only on the
     * byte and the channel, so a table of 256 per channel gives the formula's floats.
     */
    public static float[][] tables(int channels, double[][] stats) {
        float[][] table = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (float) ((v / 255.0 - stats[0][c]) / stats[1][c]);
            }
        }
        return table;
    }
}
