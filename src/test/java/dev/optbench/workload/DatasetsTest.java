package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir Path dir;

    private static float[] features(Examples e, int position) {
        float[] f = new float[e.source().featureSize()];
        int[] l = new int[e.source().labelsPerExample()];
        e.fill(new int[] {position}, f, l);
        return f;
    }

    private static int[] labels(Examples e, int position) {
        float[] f = new float[e.source().featureSize()];
        int[] l = new int[e.source().labelsPerExample()];
        e.fill(new int[] {position}, f, l);
        return l;
    }

    @Test
    void fashionMnistSplitsHoldOutTheLastFifthAndNormalizeOnTrainingRows() throws Exception {
        TestData.fashion(dir.resolve("f"), 300, 50);
        DataSplits s = Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), dir.resolve("f"));
        assertThat(s.featureShape()).containsExactly(1, 28, 28);
        assertThat(s.classes()).isEqualTo(10);
        assertThat(s.train().size()).isEqualTo(240);
        assertThat(s.validation().size()).isEqualTo(60);
        assertThat(s.trainEval().size()).isEqualTo(60);
        assertThat(s.test().size()).isEqualTo(50);
        assertThat(s.validation().row(0)).isEqualTo(240);
        assertThat(labels(s.validation(), 0)).containsExactly(0);
        assertThat(labels(s.validation(), 3)).containsExactly(3);
        assertThat(labels(s.test(), 0)).containsExactly(5);
        assertThat(s.trainEval().row(1)).isEqualTo(4); // evenly spaced over the 240 training rows
        // Training rows have mean 0 and variance 1 after normalization.
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < 240; i++) {
            for (float v : features(s.train(), i)) {
                sum += v;
                sumSq += v * v;
            }
        }
        double n = 240.0 * 784;
        assertThat(sum / n).isCloseTo(0, within(1e-4));
        assertThat(sumSq / n).isCloseTo(1, within(1e-3));
        // Same file, same directory: the cache returns the same arrays.
        assertThat(Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), dir.resolve("f"))).isSameAs(s);
    }

    @Test
    void tinySubsetKeepsTheFirst6000AndHoldsOutOneThousand() {
        byte[] train = new byte[7000];
        int[] trainLabels = new int[7000];
        for (int i = 0; i < 7000; i++) {
            train[i] = (byte) (i % 256);
            trainLabels[i] = i % 10;
        }
        DataSplits s = Datasets.images(DataSpec.images(DatasetKind.FASHION_MNIST, true), train, trainLabels,
                new byte[2000], new int[2000], 1, 1, 1, 10, "test");
        assertThat(s.train().size()).isEqualTo(5000);
        assertThat(s.validation().size()).isEqualTo(1000);
        assertThat(s.validation().row(999)).isEqualTo(5999);
        assertThat(s.test().size()).isEqualTo(1000);
    }

    @Test
    void missingFashionMnistSaysWhichPackageInstallsIt() {
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), dir.resolve("none")))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("install the Debian package dataset-fashion-mnist or pass --data-dir")
                .hasMessageContaining("train-images-idx3-ubyte");
    }

    @Test
    void truncatedFashionFileIsRejected() throws Exception {
        Path f = TestData.fashion(dir.resolve("t"), 50, 20);
        byte[] idx = TestData.idx(new int[] {20}, new byte[20]);
        Files.write(f.resolve("t10k-labels-idx1-ubyte.gz"), TestData.gzip(Arrays.copyOf(idx, idx.length - 3)));
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), f))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte.gz is truncated")
                .hasMessageContaining("dataset-fashion-mnist");
    }

    @Test
    void mismatchedImageAndLabelCountsAreRejected() throws Exception {
        Path f = TestData.fashion(dir.resolve("m"), 50, 20);
        Files.write(f.resolve("train-labels-idx1-ubyte.gz"), TestData.gzip(TestData.idx(new int[] {49}, new byte[49])));
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), f))
                .isInstanceOf(InputException.class).hasMessageContaining("50 examples but train labels 49");
    }

    @Test
    void cifar10ChannelsLabelsAndPerChannelNormalization() throws Exception {
        Path c = TestData.cifar10(dir.resolve("c"), 20, 10);
        DataSplits s = Datasets.load(DataSpec.images(DatasetKind.CIFAR10, false), c);
        assertThat(s.featureShape()).containsExactly(3, 32, 32);
        assertThat(s.train().size()).isEqualTo(80);
        assertThat(s.validation().size()).isEqualTo(20);
        assertThat(s.test().size()).isEqualTo(10);
        assertThat(labels(s.train(), 37)).containsExactly(7);
        assertThat(labels(s.validation(), 5)).containsExactly(5); // row 85
        float[] row3 = features(s.train(), 3);
        // red = 10 + i % 5 over rows 0..79: mean 12, std √2 (in pixel units); row 3 has 13.
        assertThat(row3[0]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-4f));
        assertThat(row3[1023]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-4f));
        // green = 100 + i % 2: mean 100.5, std 0.5; row 3 has 101.
        assertThat(row3[1024]).isCloseTo(1f, within(1e-4f));
        float[] row0 = features(s.train(), 0);
        assertThat(row0[2047]).isCloseTo(-1f, within(1e-4f));
        assertThat(row0[0]).isCloseTo((float) (-2 / Math.sqrt(2)), within(1e-4f));
    }

    @Test
    void cifar100UsesTheFineLabelAndRejectsBadSizes() throws Exception {
        Path c = Files.createDirectories(dir.resolve("c100"));
        Files.write(c.resolve("train.bin"), TestData.cifarRecords(50, 40, 100));
        Files.write(c.resolve("test.bin"), TestData.cifarRecords(10, 0, 100));
        DataSplits s = Datasets.load(DataSpec.images(DatasetKind.CIFAR100, false), c);
        assertThat(s.classes()).isEqualTo(100);
        assertThat(labels(s.train(), 0)).containsExactly(40);
        assertThat(labels(s.validation(), 9)).containsExactly(89);

        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.write(bad.resolve("train.bin"), Arrays.copyOf(TestData.cifarRecords(5, 0, 100), 5 * 3074 - 1));
        Files.write(bad.resolve("test.bin"), TestData.cifarRecords(1, 0, 100));
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.CIFAR100, false), bad))
                .isInstanceOf(InputException.class).hasMessageContaining("not a positive multiple of the 3074-byte record")
                .hasMessageContaining("train.bin and test.bin");
    }

    @Test
    void cifar10LabelOutOfRangeMeansWrongFormat() throws Exception {
        Path c = TestData.cifar10(dir.resolve("c"), 5, 5);
        byte[] records = TestData.cifarRecords(5, 0, 10);
        records[3073] = (byte) 42;
        Files.write(c.resolve("data_batch_3.bin"), records);
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.CIFAR10, false), c))
                .isInstanceOf(InputException.class).hasMessageContaining("label 42 at record 1");
        assertThatThrownBy(() -> Datasets.load(DataSpec.images(DatasetKind.CIFAR10, false), null))
                .isInstanceOf(InputException.class).hasMessageContaining("pass --data-dir")
                .hasMessageContaining("data_batch_1.bin");
    }

    @Test
    void textIsCutIntoShiftedSequencesOverASortedVocabulary() throws Exception {
        Path t = TestData.text(dir.resolve("t/corpus.txt"), 2000);
        DataSplits s = Datasets.load(DataSpec.text(false, 20), t);
        String sentence = "the quick brown fox jumps over the lazy dog; é! ";
        int[] vocab = sentence.codePoints().distinct().sorted().toArray();
        assertThat(s.classes()).isEqualTo(vocab.length);
        assertThat(s.featureShape()).containsExactly(20);
        // 1999 / 20 = 99 sequences: 9 test (last), 9 validation, 81 training.
        assertThat(s.test().size()).isEqualTo(9);
        assertThat(s.validation().size()).isEqualTo(9);
        assertThat(s.train().size()).isEqualTo(81);
        assertThat(s.test().row(8)).isEqualTo(98);
        float[] x = features(s.train(), 1);
        int[] y = labels(s.train(), 1);
        for (int i = 0; i < 20; i++) {
            int expectedIn = Arrays.binarySearch(vocab, sentence.charAt((20 + i) % sentence.length()));
            int expectedOut = Arrays.binarySearch(vocab, sentence.charAt((21 + i) % sentence.length()));
            assertThat((int) x[i]).isEqualTo(expectedIn);
            assertThat(y[i]).isEqualTo(expectedOut);
        }
        // A directory of *.txt files reads the same text.
        assertThat(Datasets.load(DataSpec.text(false, 20), dir.resolve("t")).train().size()).isEqualTo(81);
    }

    @Test
    void invalidUtf8AndTooShortTextAreRejected() throws Exception {
        Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'a', 'b', (byte) 0xC3, (byte) 0x28, 'c'});
        assertThatThrownBy(() -> Datasets.load(DataSpec.text(false, 20), bad))
                .isInstanceOf(InputException.class).hasMessageContaining("not valid UTF-8");
        Path shortText = dir.resolve("short.txt");
        Files.writeString(shortText, "tiny", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Datasets.load(DataSpec.text(false, 20), shortText))
                .isInstanceOf(InputException.class).hasMessageContaining("too short");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> Datasets.load(DataSpec.text(false, 20), empty))
                .isInstanceOf(InputException.class).hasMessageContaining("no *.txt files");
    }

    @Test
    void defaultTextIsTheKingJamesBibleWithoutVerseReferences() {
        Assumptions.assumeTrue(Files.isExecutable(DatasetKind.TEXT.defaultDir()), "bible-kjv is not installed");
        String text = KingJamesBible.text();
        assertThat(text).startsWith("In the beginning God created the heaven and the earth.\n")
                .endsWith("The grace of our Lord Jesus Christ be with you all. Amen.\n");
        assertThat(text.lines().count()).isEqualTo(31_102); // the verses of the KJV
        DataSplits s = Datasets.load(DataSpec.text(true, 20), null);
        assertThat(s.train().size()).isGreaterThan(1000);
        assertThat(s.description()).contains("King James Bible");
    }

    @Test
    void verseReferencesAreStripped() {
        assertThat(KingJamesBible.stripReferences("Ge1:1 In the beginning\n\n1Co13:4 Charity suffereth long\nRev22:21 Amen.\n"))
                .isEqualTo("In the beginning\nCharity suffereth long\nAmen.\n");
    }

    @Test
    void realFashionMnistHasTheSpecSplits() {
        Path real = DatasetKind.FASHION_MNIST.defaultDir();
        Assumptions.assumeTrue(Files.exists(real.resolve("train-images-idx3-ubyte.gz")));
        DataSplits s = Datasets.load(DataSpec.images(DatasetKind.FASHION_MNIST, false), null);
        assertThat(s.train().size()).isEqualTo(50_000);
        assertThat(s.validation().size()).isEqualTo(10_000);
        assertThat(s.trainEval().size()).isEqualTo(10_000);
        assertThat(s.test().size()).isEqualTo(10_000);
    }
}
