package dev.optbench.workload;

import java.nio.file.Path;

/** The data sets the workloads train on, with where they are found by default. */
public enum DatasetKind {
    FASHION_MNIST("fashion-mnist", 10, Path.of("/usr/share/datasets/fashion-mnist")),
    CIFAR10("cifar-10", 10, null),
    CIFAR100("cifar-100", 100, null),
    /** Any UTF-8 text; the default is the King James Bible printed by Debian's bible-kjv program. */
    TEXT("text", 0, KingJamesBible.PROGRAM),
    IMAGENET("imagenet", 1000, null);

    private final String id;
    private final int classes;
    private final Path defaultDir;

    DatasetKind(String id, int classes, Path defaultDir) {
        this.id = id;
        this.classes = classes;
        this.defaultDir = defaultDir;
    }

    public String id() {
        return id;
    }

    /** Number of classes; 0 for text, whose vocabulary comes from the corpus. */
    public int classes() {
        return classes;
    }

    /**
     * Where the data is read from when no --data-dir is given (for text: the program that prints
     * the default corpus); null when it must be given.
     */
    public Path defaultDir() {
        return defaultDir;
    }
}
