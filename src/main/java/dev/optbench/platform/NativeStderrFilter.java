package dev.optbench.platform;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Keeps libtorch's C++ warnings (written straight to file descriptor 2, e.g. the deprecation
 * notice "AutoNonVariableTypeMode is deprecated" that DJL's JNI triggers) out of the user's
 * terminal. Java's own stderr writes to a duplicate of the original descriptor; descriptor 2
 * becomes a pipe whose lines are forwarded unless they are PyTorch warnings. Installed only by
 * {@code dev.optbench.cli.Main#main} without --verbose, so tests and --verbose see everything.
 */
public final class NativeStderrFilter {
    /** glog-style lines PyTorch prints: "[W1121 11:18:22.97 File.h:74] Warning: ...". */
    private static final Pattern NATIVE_WARNING = Pattern.compile("^\\[W\\d{4} .*");

    private interface LibC extends Library {
        int pipe(int[] fds);

        int dup(int fd);

        int dup2(int from, int to);

        int read(int fd, byte[] buf, long count);

        int write(int fd, byte[] buf, long count);

        int close(int fd);
    }

    private NativeStderrFilter() {}

    public static void install() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            int[] fds = new int[2];
            int original = libc.dup(2);
            if (original < 0 || libc.pipe(fds) != 0) {
                return;
            }
            System.err.flush();
            if (libc.dup2(fds[1], 2) < 0) {
                return;
            }
            OutputStream terminal = new DescriptorOutputStream(libc, original);
            System.setErr(new PrintStream(terminal, true, StandardCharsets.UTF_8));
            Thread pump = new Thread(() -> forward(libc, fds[0], terminal), "native-stderr-filter");
            pump.setDaemon(true);
            pump.start();
            // At exit the JVM waits 300 ms for any thread still inside native code, as the pump is
            // in read(2): giving the terminal back to fd 2 and closing the pipe ends its read.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                libc.dup2(original, 2);
                libc.close(fds[1]);
                try {
                    pump.join(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "native-stderr-restore"));
        } catch (LinkageError | RuntimeException e) {
            // no JNA or no libc: native warnings simply stay visible
        }
    }

    static boolean isNativeWarning(String line) {
        return NATIVE_WARNING.matcher(line).matches();
    }

    private static void forward(LibC libc, int readFd, OutputStream terminal) {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int n;
        try {
            while ((n = libc.read(readFd, buf, buf.length)) > 0) {
                for (int i = 0; i < n; i++) {
                    line.write(buf[i]);
                    if (buf[i] == '\n') {
                        String text = line.toString(StandardCharsets.UTF_8);
                        if (!isNativeWarning(text.stripTrailing())) {
                            terminal.write(line.toByteArray());
                        }
                        line.reset();
                    }
                }
            }
        } catch (java.io.IOException e) {
            // the terminal went away with the process
        }
    }

    /** Writes to a raw file descriptor, so a redirected stderr keeps its own offset and append mode. */
    private static final class DescriptorOutputStream extends OutputStream {
        private final LibC libc;
        private final int fd;

        DescriptorOutputStream(LibC libc, int fd) {
            this.libc = libc;
            this.fd = fd;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            byte[] chunk = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
            int done = 0;
            while (done < chunk.length) {
                byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, chunk.length);
                int w = libc.write(fd, rest, rest.length);
                if (w <= 0) {
                    return;
                }
                done += w;
            }
        }
    }
}
