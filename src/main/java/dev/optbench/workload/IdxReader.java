package dev.optbench.workload;

import dev.optbench.InputException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzip-compressed or plain: a 4-byte magic
 * {0, 0, type, rank} with type 0x08 (unsigned byte), then {@code rank} big-endian int32
 * dimensions, then the data. Only unsigned-byte data is accepted.
 */
public final class IdxReader {
    private IdxReader() {}

    /** An IDX tensor: its dimensions and the raw bytes (row-major). */
    public record IdxFile(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }

        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    /** Reads {@code file}; {@code hint} is appended to every error (e.g. which package installs it). */
    public static IdxFile read(Path file, int expectedRank, String hint) {
        return parse(readMaybeGzip(file, hint), file.toString(), expectedRank, hint);
    }

    /** Parses the (uncompressed) IDX bytes of {@code file}, a name for messages. */
    static IdxFile parse(byte[] bytes, String file, int expectedRank, String hint) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (bytes.length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08) {
            throw new InputException(file + " is not an IDX file of unsigned bytes (magic 0x0000080"
                    + expectedRank + " expected)" + hint);
        }
        int rank = bytes[3];
        if (rank != expectedRank) {
            throw new InputException(file + " has " + rank + " dimensions, expected " + expectedRank + hint);
        }
        if (bytes.length < 4 + 4 * rank) {
            throw new InputException(file + " is truncated: its IDX header is incomplete" + hint);
        }
        buf.position(4);
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = buf.getInt();
            if (dims[i] <= 0) {
                throw new InputException(file + " has a non-positive dimension " + dims[i] + hint);
            }
            total *= dims[i];
        }
        long have = bytes.length - 4L - 4L * rank;
        if (have != total) {
            throw new InputException(file + (have < total ? " is truncated" : " has trailing bytes") + ": header "
                    + "promises " + total + " data bytes, file holds " + have + hint);
        }
        byte[] data = new byte[(int) total];
        buf.get(data);
        return new IdxFile(dims, data);
    }

    /**
     * The uncompressed size a gzip file announces in its last 4 bytes (ISIZE, mod 2^32), so the
     * data can be inflated into one array of the right size instead of a growing buffer; 0 when
     * that is implausible (more than deflate's 1032:1, or over 1 GiB), and then the buffer grows.
     */
    private static long gzipSize(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            if (size < 18) {
                return 0;
            }
            ByteBuffer tail = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (tail.hasRemaining() && ch.read(tail, size - 4 + tail.position()) >= 0) {
                // read the 4 bytes
            }
            long announced = Integer.toUnsignedLong(tail.getInt(0));
            return announced <= size * 1032 && announced <= 1L << 30 ? announced : 0;
        }
    }

    static byte[] readMaybeGzip(Path file, String hint) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            try (InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw) {
                long expected = Math.min(gzip ? gzipSize(file) : Files.size(file), 1L << 30);
                byte[] all = new byte[(int) expected];
                int n = in.readNBytes(all, 0, all.length);
                int next = in.read();
                if (next < 0) {
                    return n == all.length ? all : java.util.Arrays.copyOf(all, n);
                }
                // longer than announced (a gzip file of several members): the rest as it comes
                ByteArrayOutputStream out = new ByteArrayOutputStream(all.length * 2 + 1);
                out.write(all, 0, n);
                out.write(next);
                in.transferTo(out);
                return out.toByteArray();
            }
        } catch (NoSuchFileException e) {
            throw new InputException("missing file " + file + hint);
        } catch (EOFException | ZipException e) {
            throw new InputException(file + " is truncated or not valid gzip (" + e.getMessage() + ")" + hint);
        } catch (IOException e) {
            throw new InputException("cannot read " + file + ": " + e.getMessage() + hint);
        }
    }
}
