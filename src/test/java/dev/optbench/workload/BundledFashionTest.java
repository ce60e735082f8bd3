package dev.optbench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optbench.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fashion-MNIST subset in the jar: used for tiny workloads only, and only when nothing is installed. */
class BundledFashionTest {
    @TempDir Path dir;

    private static float[] features(Examples e, int n) {
        float[] f = new float[n * e.source().featureSize()];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        e.fill(positions, f, new int[n * e.source().labelsPerExample()]);
        return f;
    }

    private static int[] labels(Examples e) {
        int n = e.size();
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        int[] l = new int[n];
        e.fill(positions, new float[n * e.source().featureSize()], l);
        return l;
    }

    @Test
    void aTinyWorkloadReadsTheBundledSubsetWhenNothingIsInstalledAndSaysSo() {
        Path missing = dir.resolve("not-installed");
        DataSpec tiny = Workloads.get("fmnist_2c2d-tiny").data();
        assertThat(Datasets.usesBundled(tiny, null, missing)).isTrue();
        DataSplits s = Datasets.load(tiny, null, missing);
        assertThat(s.description()).isEqualTo("bundled Fashion-MNIST subset (6000 train / 1000 test rows) because "
                + missing + " is not installed");
        // The tiny split sizes: 6,000 training rows of which the last 1,000 are validation; 1,000 test rows.
        assertThat(s.train().size()).isEqualTo(5_000);
        assertThat(s.validation().size()).isEqualTo(1_000);
        assertThat(s.trainEval().size()).isEqualTo(1_000);
        assertThat(s.test().size()).isEqualTo(1_000);
        assertThat(s.classes()).isEqualTo(10);
        int[] counts = new int[10];
        for (int l : labels(s.validation())) {
            counts[l]++;
        }
        // Validation = rows 5,000-5,999; class counts as in the subset's README.md.
        assertThat(counts).containsExactly(103, 87, 104, 111, 96, 101, 97, 105, 100, 96);
        // Not with --data-dir, not for full workloads, not when the data set is installed.
        assertThat(Datasets.usesBundled(tiny, missing, missing)).isFalse();
        assertThat(Datasets.usesBundled(Workloads.get("fmnist_2c2d").data(), null, missing)).isFalse();
        assertThat(Datasets.usesBundled(tiny, null, dir)).isFalse();
        assertThat(Datasets.usesBundled(Workloads.get("cifar10_3c3d-tiny").data(), null, missing)).isFalse();
    }

    @Test
    void theSubsetHoldsExactlyTheRowsATinyWorkloadReadsFromTheFullDataSet() {
        Path real = DatasetKind.FASHION_MNIST.defaultDir();
        Assumptions.assumeTrue(Files.isDirectory(real), "dataset-fashion-mnist is not installed");
        DataSpec tiny = Workloads.get("fmnist_mlp-tiny").data();
        DataSplits bundled = Datasets.load(tiny, null, dir.resolve("missing"));
        DataSplits full = Datasets.load(tiny, null, real);
        assertThat(full.description()).contains("Fashion-MNIST from " + real);
        for (String split : new String[] {"train", "validation", "test"}) {
            Examples b = split.equals("train") ? bundled.train() : split.equals("validation") ? bundled.validation() : bundled.test();
            Examples f = split.equals("train") ? full.train() : split.equals("validation") ? full.validation() : full.test();
            assertThat(b.size()).as(split).isEqualTo(f.size());
            assertThat(labels(b)).as(split).containsExactly(labels(f));
            assertThat(features(b, 64)).as(split).containsExactly(features(f, 64));
        }
    }

    @Test
    void aFullWorkloadWithoutTheDataSetNamesThePackage() {
        Path missing = dir.resolve("not-installed");
        assertThatThrownBy(() -> Datasets.load(Workloads.get("fmnist_mlp").data(), null, missing))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("missing directory " + missing)
                .hasMessageContaining("install the Debian package dataset-fashion-mnist")
                .hasMessageContaining("only the -tiny workloads run on optbench's bundled subset");
    }
}
