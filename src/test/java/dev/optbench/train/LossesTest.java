package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LossesTest {
    @Test
    void crossEntropyWithAndWithoutLabelSmoothingMatchesHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            // softmax([0, ln 3]) = [1/4, 3/4]; softmax([ln 3, 0]) = [3/4, 1/4]
            float ln3 = (float) Math.log(3);
            NDArray logits = m.create(new float[] {0, ln3, ln3, 0}, new Shape(2, 2));
            NDArray labels = m.create(new int[] {1, 1});
            double expected = -(Math.log(0.75) + Math.log(0.25)) / 2;
            assertThat(Losses.meanCrossEntropy(logits, labels, 0).getFloat()).isCloseTo((float) expected, within(1e-6f));
            // s = 0.2, K = 2: q = [0.1, 0.9] for label 1
            double smoothed = -(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75) + 0.1 * Math.log(0.75) + 0.9 * Math.log(0.25)) / 2;
            assertThat(Losses.meanCrossEntropy(logits, labels, 0.2).getFloat()).isCloseTo((float) smoothed, within(1e-6f));
            Losses.Sums sums = Losses.sums(logits, labels);
            assertThat(sums.lossSum().getFloat()).isCloseTo((float) (2 * expected), within(1e-5f));
            assertThat(sums.wrong().getFloat()).isEqualTo(1f);
        }
    }

    @Test
    void sequenceLogitsCountEveryPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            // [batch 1, time 2, vocab 2]; position 0 right, position 1 wrong
            NDArray logits = m.create(new float[] {2, 0, 2, 0}, new Shape(1, 2, 2));
            NDArray labels = m.create(new int[] {0, 1});
            Losses.Sums sums = Losses.sums(logits, labels);
            assertThat(sums.wrong().getFloat()).isEqualTo(1f);
            double p = Math.exp(2) / (Math.exp(2) + 1);
            assertThat(sums.lossSum().getFloat()).isCloseTo((float) -(Math.log(p) + Math.log(1 - p)), within(1e-5f));
        }
    }
}
