package dev.optbench.workload;

import dev.optbench.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR "binary version" files: fixed-size records of label byte(s) then 3072 pixel
 * bytes (1024 red, 1024 green, 1024 blue, each 32x32 row-major). CIFAR-10 records have one
 * label byte; CIFAR-100 records have a coarse and a fine label byte (the fine one is used).
 */
public final class CifarReader {
    public static final int PIXELS = 3 * 32 * 32;

    private CifarReader() {}

    /** Pixels (count x 3072) and labels of the concatenated files. */
    public record CifarData(byte[] pixels, int[] labels) {
        public int count() {
            return labels.length;
        }
    }

    /** Reads {@code files} in order; {@code classes} is 10 or 100. */
    public static CifarData read(List<Path> files, int classes, String hint) {
        int labelBytes = classes == 100 ? 2 : 1;
        int record = labelBytes + PIXELS;
        byte[][] contents = new byte[files.size()][];
        long total = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            try {
                contents[f] = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new InputException("missing file " + file + hint);
            } catch (IOException e) {
                throw new InputException("cannot read " + file + ": " + e.getMessage() + hint);
            }
            if (contents[f].length == 0 || contents[f].length % record != 0) {
                throw new InputException(file + " is not a CIFAR-" + classes + " binary file: its size "
                        + contents[f].length + " is not a positive multiple of the " + record + "-byte record" + hint);
            }
            total += contents[f].length / record;
        }
        int n = Math.toIntExact(total);
        byte[] pixels = new byte[n * PIXELS];
        int[] labels = new int[n];
        int row = 0;
        for (int f = 0; f < files.size(); f++) {
            byte[] c = contents[f];
            for (int off = 0; off < c.length; off += record, row++) {
                int label = Byte.toUnsignedInt(c[off + labelBytes - 1]);
                if (label >= classes) {
                    throw new InputException(files.get(f) + " has label " + label + " at record " + (off / record)
                            + ", outside 0.." + (classes - 1) + ": not a CIFAR-" + classes + " file" + hint);
                }
                labels[row] = label;
                System.arraycopy(c, off + labelBytes, pixels, row * PIXELS, PIXELS);
            }
        }
        return new CifarData(pixels, labels);
    }
}
