package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Images normalized through the tables against SPEC's formula (p/255 − μ_c)/σ_c, value by value. */
class NormalizationTest {
    @Test
    void everyPixelIsItsChannelsFormulaExactlyThroughBothFills() {
        int channels = 3;
        int per = 5 * 4;
        int rows = 7;
        byte[] pixels = new byte[rows * channels * per];
        new SplittableRandom(3).nextBytes(pixels);
        int[] labels = {4, 0, 6, 1, 2, 5, 3};
        double[][] stats = Normalization.channelStats(pixels, channels, per, 6);
        PixelSource source = new PixelSource(pixels, labels, new long[] {channels, 5, 4},
                Normalization.tables(channels, stats));
        int[] order = {6, 2, 2, 0};
        float[] viaArray = new float[order.length * channels * per];
        int[] labelsViaArray = new int[order.length];
        source.fill(order, viaArray, labelsViaArray);
        FloatBuffer viaBuffer = ByteBuffer.allocateDirect(viaArray.length * 4).asFloatBuffer();
        IntBuffer labelsViaBuffer = IntBuffer.allocate(order.length);
        source.fill(order, viaBuffer, labelsViaBuffer);
        for (int j = 0; j < order.length; j++) {
            assertThat(labelsViaArray[j]).isEqualTo(labels[order[j]]);
            assertThat(labelsViaBuffer.get(j)).isEqualTo(labels[order[j]]);
            for (int i = 0; i < channels * per; i++) {
                int c = i / per;
                int pixel = Byte.toUnsignedInt(pixels[order[j] * channels * per + i]);
                float expected = (float) ((pixel / 255.0 - stats[0][c]) / stats[1][c]);
                int at = j * channels * per + i;
                assertThat(viaArray[at]).as("row %d value %d (channel %d)", order[j], i, c).isEqualTo(expected);
                assertThat(viaBuffer.get(at)).as("row %d value %d via the buffer", order[j], i).isEqualTo(expected);
            }
        }
        assertThat(stats[0][0]).isNotEqualTo(stats[0][1]); // the channels really differ
    }
}
