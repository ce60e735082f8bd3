package dev.optbench.workload;

import dev.optbench.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Loads data sets from disk, once per process: a small cache keyed by (spec, directory) keeps
 * the immutable arrays for every later trial, from any thread. Nothing is ever downloaded.
 */
public final class Datasets {
    /** Cached data sets; older ones are dropped first (full CIFAR is ~600 MB as floats). */
    private static final int CACHE_ENTRIES = 3;

    public static final String FASHION_HINT =
            " (install the Debian package dataset-fashion-mnist or pass --data-dir)";

    private static final Map<Key, DataSplits> CACHE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, DataSplits> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private record Key(DataSpec spec, Path dir) {}

    private Datasets() {}

    /** The splits of {@code spec}, read from {@code dataDir} (null: the data set's default place). */
    public static DataSplits load(DataSpec spec, Path dataDir) {
        return load(spec, dataDir, defaultDir(spec.kind()));
    }

    /**
     * Where {@code kind} is read from without --data-dir: its usual place, unless the system
     * property {@code optbench.default-dir.<id>} (e.g. optbench.default-dir.fashion-mnist) names another.
     */
    public static Path defaultDir(DatasetKind kind) {
        String override = System.getProperty("optbench.default-dir." + kind.id());
        return override != null && !override.isBlank() ? Path.of(override) : kind.defaultDir();
    }

    /** Rows in the bundled Fashion-MNIST subset: the rows the -tiny workloads read (its README.md says how it was cut). */
    public static final int BUNDLED_TRAIN_ROWS = 6_000;
    public static final int BUNDLED_TEST_ROWS = 1_000;
    private static final String BUNDLED_FASHION = "/dev/optbench/data/fashion-mnist-subset/";

    /**
     * Whether {@code spec} is read from the bundled Fashion-MNIST subset: a tiny workload, no
     * --data-dir, and nothing installed at the default place.
     */
    static boolean usesBundled(DataSpec spec, Path dataDir, Path defaultDir) {
        return dataDir == null && spec.kind() == DatasetKind.FASHION_MNIST && spec.tiny()
                && spec.tinyTrainLimit() <= BUNDLED_TRAIN_ROWS && spec.heldOutLimit() <= BUNDLED_TEST_ROWS
                && defaultDir != null && !Files.isDirectory(defaultDir);
    }

    static DataSplits load(DataSpec spec, Path dataDir, Path defaultDir) {
        Path dir = dataDir != null ? dataDir.toAbsolutePath().normalize() : defaultDir;
        if (dir == null) {
            throw new InputException(spec.kind().id() + " has no default location: pass --data-dir with "
                    + expectedFiles(spec.kind()));
        }
        Key key = new Key(spec, dir);
        synchronized (CACHE) {
            DataSplits cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
            DataSplits loaded = usesBundled(spec, dataDir, defaultDir) ? bundledFashion(spec, dir) : read(spec, dir);
            CACHE.put(key, loaded);
            return loaded;
        }
    }

    /**
     * The directory (for text, the file or directory; for the default corpus, the program that
     * prints it) that {@link #load} reads {@code spec} from, for another engine to read the same
     * files; the bundled Fashion-MNIST subset is unpacked to disk (its .gz files) when it is what
     * load would read.
     */
    public static Path dataPath(DataSpec spec, Path dataDir) {
        Path defaultDir = defaultDir(spec.kind());
        if (usesBundled(spec, dataDir, defaultDir)) {
            List<String> names = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            return dev.optbench.platform.ResourceCache.unpack("fashion-mnist-subset",
                    dev.optbench.platform.ResourceCache.read(BUNDLED_FASHION, names));
        }
        Path dir = dataDir != null ? dataDir.toAbsolutePath().normalize() : defaultDir;
        if (dir == null) {
            throw new InputException(spec.kind().id() + " has no default location: pass --data-dir with "
                    + expectedFiles(spec.kind()));
        }
        return dir;
    }

    /** The file names each data set expects in its directory. */
    public static String expectedFiles(DatasetKind kind) {
        return switch (kind) {
            case FASHION_MNIST -> "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
                    + "t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]";
            case CIFAR10 -> "the CIFAR-10 binary files data_batch_1.bin ... data_batch_5.bin and test_batch.bin";
            case CIFAR100 -> "the CIFAR-100 binary files train.bin and test.bin";
            case TEXT -> "a UTF-8 text file, or a directory of *.txt files";
            case IMAGENET -> "ImageNet folders train/<class>/*.JPEG and val/<class>/*.JPEG";
        };
    }

    static DataSplits read(DataSpec spec, Path dir) {
        return switch (spec.kind()) {
            case FASHION_MNIST -> fashion(spec, dir);
            case CIFAR10, CIFAR100 -> cifar(spec, dir);
            case TEXT -> text(spec, dir);
            case IMAGENET -> ImageFolderSource.splits(spec, dir);
        };
    }

    private static DataSplits fashion(DataSpec spec, Path dir) {
        String hint = FASHION_HINT;
        requireDirectory(dir, DatasetKind.FASHION_MNIST, hint + (spec.tiny() ? "" : "; only the -tiny workloads run on"
                + " optbench's bundled subset"));
        IdxReader.IdxFile trainX = IdxReader.read(idx(dir, "train-images-idx3-ubyte", hint), 3, hint);
        IdxReader.IdxFile trainY = IdxReader.read(idx(dir, "train-labels-idx1-ubyte", hint), 1, hint);
        IdxReader.IdxFile testX = IdxReader.read(idx(dir, "t10k-images-idx3-ubyte", hint), 3, hint);
        IdxReader.IdxFile testY = IdxReader.read(idx(dir, "t10k-labels-idx1-ubyte", hint), 1, hint);
        return fashion(spec, dir.toString(), trainX, trainY, testX, testY, "Fashion-MNIST from " + dir, hint);
    }

    /** The bundled subset, for a tiny workload when {@code missing} (the default place) holds no data set. */
    private static DataSplits bundledFashion(DataSpec spec, Path missing) {
        String hint = " (the bundled Fashion-MNIST subset is damaged; reinstall optbench or install dataset-fashion-mnist)";
        IdxReader.IdxFile trainX = bundled("train-images-idx3-ubyte", 3, hint);
        IdxReader.IdxFile trainY = bundled("train-labels-idx1-ubyte", 1, hint);
        IdxReader.IdxFile testX = bundled("t10k-images-idx3-ubyte", 3, hint);
        IdxReader.IdxFile testY = bundled("t10k-labels-idx1-ubyte", 1, hint);
        DataSplits s = fashion(spec, "the bundled subset", trainX, trainY, testX, testY, "bundled", hint);
        return new DataSplits(s.train(), s.trainEval(), s.validation(), s.test(), s.classes(), bundledDescription(missing));
    }

    /** How trials, the analysis and the report name the bundled subset and why it was used. */
    public static String bundledDescription(Path missing) {
        return "bundled Fashion-MNIST subset (" + BUNDLED_TRAIN_ROWS + " train / " + BUNDLED_TEST_ROWS
                + " test rows) because " + missing + " is not installed";
    }

    private static IdxReader.IdxFile bundled(String name, int rank, String hint) {
        String resource = BUNDLED_FASHION + name + ".gz";
        try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new InputException("missing " + resource + " in optbench's jar" + hint);
            }
            try (InputStream gz = new GZIPInputStream(in, 1 << 16)) {
                return IdxReader.parse(gz.readAllBytes(), resource, rank, hint);
            }
        } catch (IOException e) {
            throw new InputException("cannot read " + resource + ": " + e.getMessage() + hint);
        }
    }

    private static DataSplits fashion(DataSpec spec, String dir, IdxReader.IdxFile trainX, IdxReader.IdxFile trainY,
            IdxReader.IdxFile testX, IdxReader.IdxFile testY, String description, String hint) {
        checkPair(trainX, trainY, dir, "train", 10, hint);
        checkPair(testX, testY, dir, "t10k", 10, hint);
        int h = trainX.dims()[1];
        int w = trainX.dims()[2];
        if (testX.dims()[1] != h || testX.dims()[2] != w) {
            throw new InputException(dir + ": training images are " + h + "x" + w + " but test images "
                    + testX.dims()[1] + "x" + testX.dims()[2] + hint);
        }
        return images(spec, trainX.data(), labels(trainY), testX.data(), labels(testY), 1, h, w, 10, description);
    }

    private static DataSplits cifar(DataSpec spec, Path dir) {
        int classes = spec.kind().classes();
        String hint = " (expected " + expectedFiles(spec.kind()) + " in --data-dir)";
        requireDirectory(dir, spec.kind(), hint);
        String sub = classes == 10 ? "cifar-10-batches-bin" : "cifar-100-binary";
        Path base = Files.isDirectory(dir.resolve(sub)) ? dir.resolve(sub) : dir;
        List<Path> train = new ArrayList<>();
        Path test;
        if (classes == 10) {
            for (int i = 1; i <= 5; i++) {
                train.add(base.resolve("data_batch_" + i + ".bin"));
            }
            test = base.resolve("test_batch.bin");
        } else {
            train.add(base.resolve("train.bin"));
            test = base.resolve("test.bin");
        }
        CifarReader.CifarData tr = CifarReader.read(train, classes, hint);
        CifarReader.CifarData te = CifarReader.read(List.of(test), classes, hint);
        return images(spec, tr.pixels(), tr.labels(), te.pixels(), te.labels(), 3, 32, 32, classes,
                "CIFAR-" + classes + " from " + base);
    }

    /** Normalizes with training-row statistics and holds out validation (SPEC section 6). */
    static DataSplits images(DataSpec spec, byte[] trainPixels, int[] trainLabels, byte[] testPixels,
            int[] testLabels, int channels, int h, int w, int classes, String description) {
        int n = trainLabels.length;
        if (spec.tiny()) {
            n = Math.min(n, spec.tinyTrainLimit());
        }
        int validation = Math.min(spec.heldOutLimit(), n / 5);
        int testCount = Math.min(spec.heldOutLimit(), testLabels.length);
        int per = channels * h * w;
        byte[] trainBytes = n == trainLabels.length ? trainPixels : Arrays.copyOf(trainPixels, n * per);
        byte[] testBytes = testCount == testLabels.length ? testPixels : Arrays.copyOf(testPixels, testCount * per);
        double[][] stats = Normalization.channelStats(trainBytes, channels, h * w, n - validation);
        long[] shape = {channels, h, w};
        float[][] tables = Normalization.tables(channels, stats);
        PixelSource trainSource = new PixelSource(trainBytes, Arrays.copyOf(trainLabels, n), shape, tables);
        PixelSource testSource = new PixelSource(testBytes, Arrays.copyOf(testLabels, testCount), shape, tables);
        return DataSplits.holdOut(trainSource, n, validation, testSource, testCount, classes,
                description + (spec.tiny() ? " (tiny subset)" : ""));
    }

    private static DataSplits text(DataSpec spec, Path dir) {
        String hint = " (expected " + expectedFiles(DatasetKind.TEXT) + " at --data-dir)";
        boolean bible = dir.equals(DatasetKind.TEXT.defaultDir());
        TextCorpus corpus = bible
                ? TextCorpus.fromText(KingJamesBible.text(), spec.sequenceLength(), "the King James Bible (" + dir + ")")
                : TextCorpus.read(textFiles(dir, hint), spec.sequenceLength(), hint);
        if (spec.tiny() && corpus.length() > DataSpec.TINY_TEXT_CHARS) {
            int[] head = Arrays.copyOf(corpus.tokens(), DataSpec.TINY_TEXT_CHARS);
            corpus = new TextCorpus(corpus.codePoints(), head, spec.sequenceLength());
        }
        return textSplits(corpus, spec, (bible ? "the King James Bible from " : "text ") + dir + " (" + corpus.length() + " characters, vocabulary "
                + corpus.vocabularySize() + (spec.tiny() ? ", tiny subset)" : ")"));
    }

    /** Test = last tenth of the sequences, validation = the tenth before it, both capped. */
    static DataSplits textSplits(TextCorpus corpus, DataSpec spec, String description) {
        ArraySource source = corpus.toSource();
        int s = source.size();
        int held = Math.max(1, Math.min(spec.heldOutLimit(), s / 10));
        if (s < 3 * held) {
            throw new InputException(description + ": too short to split into train, validation and test");
        }
        DataSplits inner = DataSplits.holdOut(source, s - held, held, source, 1, corpus.vocabularySize(), description);
        Examples test = new Examples(source, DataSplits.range(s - held, s));
        return new DataSplits(inner.train(), inner.trainEval(), inner.validation(), test,
                corpus.vocabularySize(), description);
    }

    static List<Path> textFiles(Path dir, String hint) {
        if (Files.isRegularFile(dir)) {
            return List.of(dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new InputException("missing text " + dir + hint);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new InputException("no *.txt files in " + dir + hint);
            }
            return files;
        } catch (IOException e) {
            throw new InputException("cannot list " + dir + ": " + e.getMessage() + hint);
        }
    }

    private static void requireDirectory(Path dir, DatasetKind kind, String hint) {
        if (!Files.isDirectory(dir)) {
            throw new InputException("missing directory " + dir + " for " + kind.id() + ": expected "
                    + expectedFiles(kind) + hint);
        }
    }

    private static Path idx(Path dir, String name, String hint) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        if (Files.exists(plain)) {
            return plain;
        }
        throw new InputException("missing file " + gz + " (or " + name + " uncompressed)" + hint);
    }

    private static void checkPair(IdxReader.IdxFile x, IdxReader.IdxFile y, String dir, String prefix,
            int classes, String hint) {
        if (x.count() != y.count()) {
            throw new InputException(dir + ": " + prefix + " images hold " + x.count() + " examples but "
                    + prefix + " labels " + y.count() + hint);
        }
        for (int i = 0; i < y.count(); i++) {
            if (Byte.toUnsignedInt(y.data()[i]) >= classes) {
                throw new InputException(dir + ": " + prefix + " label " + Byte.toUnsignedInt(y.data()[i])
                        + " at index " + i + " is outside 0.." + (classes - 1) + hint);
            }
        }
    }

    private static int[] labels(IdxReader.IdxFile y) {
        int[] out = new int[y.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Byte.toUnsignedInt(y.data()[i]);
        }
        return out;
    }
}
