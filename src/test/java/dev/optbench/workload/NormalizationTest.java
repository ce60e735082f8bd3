package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table-driven normalization against SPEC's formula (p/255 − μ_c)/σ_c, value by value. */
class NormalizationTest {
    @Test
    void everyPixelIsItsChannelsFormulaExactly() {
        int channels = 3;
        int per = 5 * 4;
        byte[] pixels = new byte[7 * channels * per];
        new SplittableRandom(3).nextBytes(pixels);
        double[][] stats = Normalization.channelStats(pixels, channels, per, 6);
        float[] out = Normalization.apply(pixels, channels, per, stats);
        for (int i = 0; i < pixels.length; i++) {
            int c = (i / per) % channels;
            float expected = (float) ((Byte.toUnsignedInt(pixels[i]) / 255.0 - stats[0][c]) / stats[1][c]);
            assertThat(out[i]).as("pixel %d (channel %d)", i, c).isEqualTo(expected);
        }
        assertThat(stats[0][0]).isNotEqualTo(stats[0][1]); // the channels really differ
    }
}
