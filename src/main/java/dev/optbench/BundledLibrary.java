package dev.optbench;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The shared libraries optbench carries in its jar for x86-64 Linux (built by src/main/c/build.sh,
 * so users need no C compiler), opened through JNA. Every package may use it.
 */
public final class BundledLibrary {
    private static final String DIR = "/dev/optbench/native/linux-x86_64/";

    private BundledLibrary() {}

    /** Whether this JVM runs where the bundled libraries do: Linux on x86-64. */
    public static boolean supported() {
        String arch = System.getProperty("os.arch", "");
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** Where library {@code name} (e.g. "libfused_updates.so") sits in the jar, for messages. */
    public static String resource(String name) {
        return DIR + name;
    }

    /**
     * Opens bundled library {@code name} with JNA {@code options}: copied to a temporary file,
     * opened, and the file deleted (the mapping outlives it). Empty if the jar lacks it. Keep the
     * result referenced for the life of the process: JNA closes a library whose NativeLibrary is
     * garbage-collected.
     */
    public static Optional<NativeLibrary> open(String name, Map<String, ?> options) throws IOException {
        try (InputStream in = BundledLibrary.class.getResourceAsStream(resource(name))) {
            if (in == null) {
                return Optional.empty();
            }
            Path file = Files.createTempFile("optbench-" + name.replace(".so", ""), ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(NativeLibrary.getInstance(file.toString(), options));
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}
