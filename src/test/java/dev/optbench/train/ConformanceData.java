package dev.optbench.train;

import dev.optbench.workload.DatasetKind;
import dev.optbench.workload.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Small data sets in the real on-disk formats for the conformance suite: noise plus a bright band
 * where the label says, so the classes are learnable and images have no flat regions whose
 * max-pooling ties would let float32 rounding pick the path (see {@link BatchedTrainerTest#noisyCifar10}).
 */
final class ConformanceData {
    private ConformanceData() {}

    /** The data directory (or text file) for {@code kind} under {@code root}, written on first use. */
    static Path of(DatasetKind kind, Path root) throws IOException {
        Path dir = root.resolve(kind.id());
        if (Files.exists(dir)) {
            return kind == DatasetKind.TEXT ? dir.resolve("corpus.txt") : dir;
        }
        return switch (kind) {
            case FASHION_MNIST -> TestData.fashion(dir, 300, 50);
            case CIFAR10 -> BatchedTrainerTest.noisyCifar10(dir, 60, 40);
            case CIFAR100 -> cifar100(dir, 300, 40);
            case TEXT -> TestData.text(dir.resolve("corpus.txt"), 4000);
            case IMAGENET -> imageFolders(dir, 4, 16, 4);
        };
    }

    /** CIFAR-100 train.bin and test.bin: records of coarse label, fine label, 3072 pixel bytes. */
    static Path cifar100(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rng = new SplittableRandom(7);
        for (String name : new String[] {"train.bin", "test.bin"}) {
            int n = name.equals("train.bin") ? train : test;
            byte[] out = new byte[n * 3074];
            for (int i = 0; i < n; i++) {
                int label = (i * 37) % 100;
                out[i * 3074] = (byte) (label / 5);
                out[i * 3074 + 1] = (byte) label;
                for (int p = 0; p < 3072; p++) {
                    boolean band = (p % 1024) / 11 == label;
                    out[i * 3074 + 2 + p] = (byte) ((band ? 150 : 0) + rng.nextInt(100));
                }
            }
            Files.write(dir.resolve(name), out);
        }
        return dir;
    }

    /** ImageNet-style folders train/cNN/*.png and val/cNN/*.png of noisy 48x48 images with a class band. */
    static Path imageFolders(Path dir, int classes, int trainPerClass, int valPerClass) throws IOException {
        SplittableRandom rng = new SplittableRandom(9);
        for (String split : new String[] {"train", "val"}) {
            int per = split.equals("train") ? trainPerClass : valPerClass;
            for (int c = 0; c < classes; c++) {
                Path folder = Files.createDirectories(dir.resolve(split).resolve("c" + c));
                for (int i = 0; i < per; i++) {
                    BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 48; y++) {
                        for (int x = 0; x < 48; x++) {
                            int base = y / (48 / classes) == c ? 150 : 0;
                            int r = base + rng.nextInt(100);
                            int g = rng.nextInt(250);
                            int b = base / 2 + rng.nextInt(100);
                            img.setRGB(x, y, (r << 16) | (g << 8) | b);
                        }
                    }
                    ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
                }
            }
        }
        return dir;
    }
}
