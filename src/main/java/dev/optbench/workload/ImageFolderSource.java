package dev.optbench.workload;

import dev.optbench.InputException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * ImageNet-style folders (root/&lt;class&gt;/*.JPEG), decoded lazily batch by batch because the
 * full set does not fit in memory. Each image is resized to size x size (bilinear, no crop) and
 * normalized with the usual ImageNet channel statistics.
 */
final class ImageFolderSource implements ExampleSource {
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    private final List<Path> files;
    private final int[] labels;
    private final int size;

    private ImageFolderSource(List<Path> files, int[] labels, int size) {
        this.files = List.copyOf(files);
        this.labels = labels;
        this.size = size;
    }

    static DataSplits splits(DataSpec spec, Path dir) {
        String hint = " (expected " + Datasets.expectedFiles(DatasetKind.IMAGENET) + " under --data-dir)";
        int side = spec.imageSize() > 0 ? spec.imageSize() : 224;
        List<String> classes = classes(dir.resolve("train"), hint);
        ImageFolderSource train = scan(dir.resolve("train"), classes, side, hint, true);
        ImageFolderSource test = scan(dir.resolve("val"), classes, side, hint, false);
        int n = spec.tiny() ? Math.min(train.size(), spec.tinyTrainLimit()) : train.size();
        int validation = Math.min(spec.heldOutLimit(), n / 5);
        int testCount = Math.min(spec.heldOutLimit(), test.size());
        return DataSplits.holdOut(train, n, validation, test, testCount, classes.size(),
                "ImageNet folders " + dir + " (" + classes.size() + " classes)");
    }

    private static List<String> classes(Path root, String hint) {
        if (!Files.isDirectory(root)) {
            throw new InputException("missing directory " + root + hint);
        }
        try (Stream<Path> s = Files.list(root)) {
            List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                throw new InputException("no class folders in " + root + hint);
            }
            return names;
        } catch (IOException e) {
            throw new InputException("cannot list " + root + ": " + e.getMessage() + hint);
        }
    }

    /** Training files are shuffled once with a fixed seed so the held-out tail spans all classes. */
    private static ImageFolderSource scan(Path root, List<String> classes, int side, String hint, boolean shuffle) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path folder = root.resolve(classes.get(c));
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> s = Files.list(folder)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    files.add(p);
                    labels.add(c);
                }
            } catch (IOException e) {
                throw new InputException("cannot list " + folder + ": " + e.getMessage() + hint);
            }
        }
        if (files.isEmpty()) {
            throw new InputException("no images under " + root + hint);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            order.add(i);
        }
        if (shuffle) {
            Collections.shuffle(order, new java.util.Random(new SplittableRandom(0).nextLong()));
        }
        List<Path> f = new ArrayList<>();
        int[] l = new int[files.size()];
        for (int i = 0; i < order.size(); i++) {
            f.add(files.get(order.get(i)));
            l[i] = labels.get(order.get(i));
        }
        return new ImageFolderSource(f, l, side);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public long[] featureShape() {
        return new long[] {3, size, size};
    }

    @Override
    public int labelsPerExample() {
        return 1;
    }

    @Override
    public void fill(int[] rows, float[] features, int[] outLabels) {
        int plane = size * size;
        for (int i = 0; i < rows.length; i++) {
            BufferedImage img = decode(files.get(rows[i]));
            BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, size, size, null);
            g.dispose();
            int base = i * 3 * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = scaled.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        int v = (rgb >> (16 - 8 * c)) & 0xff;
                        features[base + c * plane + y * size + x] = (float) ((v / 255.0 - MEAN[c]) / STD[c]);
                    }
                }
            }
            outLabels[i] = labels[rows[i]];
        }
    }

    private static BufferedImage decode(Path file) {
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new InputException(file + " is not an image ImageIO can decode");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
