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

    /** A bundled library whose functions were registered, or (library null) why it could not be. */
    public record Registered(NativeLibrary library, String whyNot) {}

    /**
     * Opens bundled library {@code name} and registers its functions as {@code calls}' JNA
     * direct-mapped natives, unless the platform is not one the libraries are built for or the
     * environment variable {@code offSwitch} is "off". Keep the library referenced (see {@link #open}).
     */
    public static Registered register(String name, String offSwitch, Class<?> calls) {
        if (!supported()) {
            return new Registered(null, "no native code for " + System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
                    + "/" + System.getProperty("os.arch", ""));
        }
        if ("off".equalsIgnoreCase(System.getenv(offSwitch))) {
            return new Registered(null, offSwitch + "=off");
        }
        try {
            NativeLibrary lib = open(name, Map.of()).orElse(null);
            if (lib == null) {
                return new Registered(null, resource(name) + " is missing from the jar");
            }
            com.sun.jna.Native.register(calls, lib);
            return new Registered(lib, null);
        } catch (IOException | LinkageError | RuntimeException e) {
            return new Registered(null, "could not load " + name + ": " + e.getMessage());
        }
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
