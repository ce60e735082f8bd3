package dev.optbench.train;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.optbench.BundledLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Two process-wide settings of the native side, made once, before the first tensor (the
 * trainers and the CLI touch this class first). Both change speed, not what is computed.
 *
 * <p><b>glibc's allocator.</b> By default glibc serves blocks over 128 KiB with a fresh mmap and
 * trims free memory above 128 KiB, so every out-of-place op on a parameter-sized tensor faults
 * its output in page by page, and two worker threads queue on one mm lock. Serving blocks up to
 * 32 MiB (glibc's maximum) from the heap and trimming only above 256 MiB keeps those pages
 * mapped. Measured (fmnist_mlp, 2 stacked Adam trials, 1 thread): 8.0 → 4.8 ms per trial-step;
 * 4 end-to-end trials on 2 workers: 148 → 55 s. The user's MALLOC_MMAP_THRESHOLD_,
 * MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES win.
 *
 * <p><b>oneMKL's code path</b> (x86-64 Linux). libtorch links oneMKL, which runs its generic
 * AVX2-or-older code on every non-Intel CPU. A one-function library (src/main/c) loaded with
 * RTLD_GLOBAL before libtorch answers oneMKL's "is this an Intel CPU?" with yes, so it picks its
 * code path from the CPU's feature flags: on the development machine's AMD EPYC (AVX-512),
 * sgemm 77 → 192 GFLOP/s on one thread, and vsSqrt (libtorch's float sqrt) no longer takes ~35× longer
 * on subnormal inputs, which Adam's v is full of (8.7 ms against 0.24 ms for 401,408 floats on
 * the generic path; 0.06 ms on the AVX-512 one). {@code OPTBENCH_MKL_DISPATCH=vendor} keeps oneMKL's own
 * choice. It must happen before libtorch loads; if the engine was started first it is skipped.
 */
public final class NativeSetup {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    static final int MMAP_THRESHOLD = 32 << 20;
    static final int TRIM_THRESHOLD = 256 << 20;
    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;
    static final String DISPATCH_LIBRARY = "libmkl_cpu_dispatch.so";
    public static final String DISPATCH_ENV = "OPTBENCH_MKL_DISPATCH";

    /** What was set: whether glibc's thresholds are optbench's, and how oneMKL chooses its code path. */
    public record State(boolean allocatorTuned, String mklDispatch) {}

    /** Held for the life of the process: JNA closes a library whose NativeLibrary is collected. */
    private static NativeLibrary dispatchLibrary;
    private static final State STATE = new State(tuneAllocator(), loadDispatch());

    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    private NativeSetup() {}

    /** Applies both settings (the first call) and says what is in effect. */
    public static State state() {
        return STATE;
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    private static boolean tuneAllocator() {
        Map<String, String> env = System.getenv();
        if (!linux() || env.containsKey("MALLOC_MMAP_THRESHOLD_") || env.containsKey("MALLOC_TRIM_THRESHOLD_")
                || env.getOrDefault("GLIBC_TUNABLES", "").contains("malloc")) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            // mallopt returns 1 on success; a libc without it (musl) throws UnsatisfiedLinkError
            return libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 && libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static String loadDispatch() {
        if (!BundledLibrary.supported()) {
            return "oneMKL's own (not x86-64 Linux)";
        }
        if ("vendor".equalsIgnoreCase(System.getenv(DISPATCH_ENV))) {
            return "oneMKL's own (" + DISPATCH_ENV + "=vendor)";
        }
        if (mappedLibrary("libtorch_cpu").isPresent()) {
            return "oneMKL's own (libtorch was loaded before optbench could set it)";
        }
        try {
            dispatchLibrary = BundledLibrary.open(DISPATCH_LIBRARY,
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL)).orElse(null);
            return dispatchLibrary != null ? "by CPU features"
                    : "oneMKL's own (" + BundledLibrary.resource(DISPATCH_LIBRARY) + " is missing from the jar)";
        } catch (IOException | LinkageError | RuntimeException e) {
            return "oneMKL's own (could not load the dispatch library: " + e.getMessage() + ")";
        }
    }

    /** The path of a shared library this process has mapped whose file name starts with {@code stem}. */
    static Optional<String> mappedLibrary(String stem) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.startsWith("/") && Path.of(p).getFileName().toString().startsWith(stem + "."))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** oneMKL's branch once known: it is fixed from the moment libtorch is loaded. */
    private static volatile String codePath;

    /**
     * The code branch oneMKL chose, e.g. "AVX-512" or "AVX2" (mkl_serv_cbwr_get_auto_branch),
     * once libtorch is loaded; empty before that or without oneMKL. Looked up once, then remembered
     * (every trial's provenance asks).
     */
    public static Optional<String> mklCodePath() {
        String known = codePath;
        if (known != null) {
            return Optional.of(known);
        }
        Optional<String> torch = mappedLibrary("libtorch_cpu");
        if (torch.isEmpty()) {
            return Optional.empty();
        }
        try {
            Function f = NativeLibrary.getInstance(torch.get()).getFunction("mkl_serv_cbwr_get_auto_branch");
            codePath = branchName(f.invokeInt(new Object[0]));
            return Optional.of(codePath);
        } catch (LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** oneMKL's MKL_CBWR_* branch numbers (mkl_service.h); 2 (AUTO) is what it reports on a CPU it treats as generic. */
    static String branchName(int branch) {
        return switch (branch) {
            case 2 -> "generic";
            case 3 -> "compatible";
            case 4 -> "SSE2";
            case 6 -> "SSSE3";
            case 7 -> "SSE4.1";
            case 8 -> "SSE4.2";
            case 9 -> "AVX";
            case 10 -> "AVX2";
            case 11, 13 -> "AVX-512 (Xeon Phi)";
            case 12 -> "AVX-512";
            case 14 -> "AVX-512 with VNNI";
            default -> branch > 14 ? "AVX-512 or newer (branch " + branch + ")" : "branch " + branch;
        };
    }
}
