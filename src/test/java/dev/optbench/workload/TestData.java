package dev.optbench.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small data sets in the real on-disk formats, for tests. */
public final class TestData {
    private TestData() {}

    /** IDX bytes: magic {0,0,8,rank}, big-endian dims, data. */
    public static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    public static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Pixel value of image {@code i} at pixel {@code p}: depends on the label so classes are learnable. */
    public static byte pixel(int i, int p, int label) {
        int band = p / 78; // 784 pixels -> 10 bands; the label's band is bright
        return (byte) (band == label ? 200 + (i + p) % 50 : (i * 7 + p * 3) % 60);
    }

    /** A Fashion-MNIST-shaped directory: {@code train} and {@code test} 28x28 images, label = i % 10. */
    public static Path fashion(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        writeIdxPair(dir, "train", train, 0);
        writeIdxPair(dir, "t10k", test, 5);
        return dir;
    }

    private static void writeIdxPair(Path dir, String prefix, int n, int offset) throws IOException {
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int label = (i + offset) % 10;
            labels[i] = (byte) label;
            for (int p = 0; p < 784; p++) {
                images[i * 784 + p] = pixel(i, p, label);
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), gzip(idx(new int[] {n, 28, 28}, images)));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), gzip(idx(new int[] {n}, labels)));
    }

    /**
     * CIFAR binary records: label byte(s) then 1024 red, 1024 green, 1024 blue bytes. Label of
     * record i is (i + first) % classes; red = 10 + i % 5, green = 100 + i % 2, blue = 200 + i % 3.
     */
    public static byte[] cifarRecords(int n, int first, int classes) {
        int labelBytes = classes == 100 ? 2 : 1;
        int record = labelBytes + 3072;
        byte[] out = new byte[n * record];
        for (int i = 0; i < n; i++) {
            int base = i * record;
            int label = (i + first) % classes;
            if (labelBytes == 2) {
                out[base] = (byte) (label / 5); // coarse label
                out[base + 1] = (byte) label;
            } else {
                out[base] = (byte) label;
            }
            for (int p = 0; p < 1024; p++) {
                out[base + labelBytes + p] = (byte) (10 + i % 5);
                out[base + labelBytes + 1024 + p] = (byte) (100 + i % 2);
                out[base + labelBytes + 2048 + p] = (byte) (200 + i % 3);
            }
        }
        return out;
    }

    /** CIFAR-10 directory: 5 training batches of {@code perBatch} records and a test batch. */
    public static Path cifar10(Path dir, int perBatch, int test) throws IOException {
        Files.createDirectories(dir);
        for (int b = 1; b <= 5; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), cifarRecords(perBatch, (b - 1) * perBatch, 10));
        }
        Files.write(dir.resolve("test_batch.bin"), cifarRecords(test, 0, 10));
        return dir;
    }

    /** A UTF-8 text of {@code chars} characters cycling through a short English sentence. */
    public static Path text(Path file, int chars) throws IOException {
        String sentence = "the quick brown fox jumps over the lazy dog; é! ";
        StringBuilder b = new StringBuilder();
        while (b.length() < chars) {
            b.append(sentence);
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, b.substring(0, chars));
        return file;
    }
}
