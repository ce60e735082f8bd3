package dev.optbench.platform;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The shared libraries optbench carries in its jar for x86-64 Linux (built by src/main/c/build.sh
 * with a pinned compiler and checked byte for byte against their sources by .ci/native-check, so
 * users need no C compiler), opened through JNA. Every package may use it.
 * {@code OPTBENCH_NATIVE=off} keeps every one of them unloaded, as on another platform.
 */
public final class BundledLibrary {
    private static final String DIR = "/dev/optbench/native/linux-x86_64/";
    /** The switch that turns every native path off at once. */
    public static final String OFF_ENV = "OPTBENCH_NATIVE";
    /** Every bundled library, in the order provenance lists them. */
    public static final List<String> NAMES = List.of("libmkl_cpu_dispatch.so", "libfused_updates.so", "libnet_step.so");

    private BundledLibrary() {}

    /** Whether bundled libraries may load here: Linux on x86-64, unless {@code OPTBENCH_NATIVE=off}. */
    public static boolean supported() {
        return unavailable().isEmpty();
    }

    /** Why no bundled library loads in this process (another platform, or the off switch); empty if they may. */
    public static Optional<String> unavailable() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("no native code for " + os + "/" + arch);
        }
        if ("off".equalsIgnoreCase(System.getenv(OFF_ENV))) {
            return Optional.of(OFF_ENV + "=off");
        }
        return Optional.empty();
    }

    /** The sha256 of each bundled library's bytes in the jar, hashed once per process. */
    private static final class Hashes {
        static final Map<String, String> OF = hashAll();

        private static Map<String, String> hashAll() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String name : NAMES) {
                out.put(name, hash(name));
            }
            return Map.copyOf(out);
        }

        private static String hash(String name) {
            try (InputStream in = BundledLibrary.class.getResourceAsStream(resource(name))) {
                if (in == null) {
                    return "missing from the jar";
                }
                return dev.optbench.Sha256.hex(in);
            } catch (IOException e) {
                return "unreadable (" + e.getMessage() + ")";
            }
        }
    }

    /** The sha256 (hex) of bundled library {@code name} as the jar holds it, or why there is none. */
    public static String sha256(String name) {
        String h = Hashes.OF.get(name);
        if (h == null) {
            throw new IllegalArgumentException("not a bundled library: " + name);
        }
        return h;
    }

    /**
     * "libnet_step.so sha256 45ad…: loaded", or ": not loaded (why)", for provenance; {@code whyNot}
     * null when it was loaded.
     */
    public static String describe(String name, String whyNot) {
        return name + " sha256 " + sha256(name) + ": " + (whyNot == null ? "loaded" : "not loaded (" + whyNot + ")");
    }

    /** Where library {@code name} (e.g. "libfused_updates.so") sits in the jar, for messages. */
    public static String resource(String name) {
        return DIR + name;
    }

    /** A bundled library whose functions were registered, or (library null) why it could not be. */
    public record Registered(NativeLibrary library, String whyNot) {}

    /**
     * Opens bundled library {@code name} and registers its functions as {@code calls}' JNA
     * direct-mapped natives, unless the platform is not one the libraries are built for, or
     * {@code OPTBENCH_NATIVE} or the environment variable {@code offSwitch} is "off". Keep the library referenced (see {@link #open}).
     */
    public static Registered register(String name, String offSwitch, Class<?> calls) {
        Optional<String> unavailable = unavailable();
        if (unavailable.isPresent()) {
            return new Registered(null, unavailable.get());
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
