package dev.optbench.platform;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
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
 * {@code mkl_serv_intel_cpu_true} is internal to oneMKL: no documented setting has this effect on
 * oneMKL 2024 (MKL_ENABLE_INSTRUCTIONS and MKL_CBWR only lower the ceiling, MKL_DEBUG_CPU_TYPE went
 * in 2020; see docs/workloads.md). If a later libtorch's oneMKL no longer exports it, the
 * library overrides nothing: {@link #mklDispatch()} says so, once, on stderr and in provenance.
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
    /** The oneMKL function the dispatch library takes the place of (src/main/c/mkl_cpu_dispatch.c). */
    static final String OVERRIDDEN = "mkl_serv_intel_cpu_true";

    /** What was set: whether glibc's thresholds are optbench's, and how oneMKL chooses its code path. */
    public record State(boolean allocatorTuned, String mklDispatch) {}

    private static final boolean ALLOCATOR_TUNED = tuneAllocator();
    /** Held for the life of the process: JNA closes a library whose NativeLibrary is collected. */
    private static final BundledLibrary.Registered DISPATCH = loadDispatch();
    private static final State STATE = new State(ALLOCATOR_TUNED,
            DISPATCH.library() != null ? "by CPU features" : "oneMKL's own (" + DISPATCH.whyNot() + ")");

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

    private static BundledLibrary.Registered loadDispatch() {
        Optional<String> unavailable = BundledLibrary.unavailable();
        if (unavailable.isPresent()) {
            return new BundledLibrary.Registered(null, unavailable.get());
        }
        if ("vendor".equalsIgnoreCase(System.getenv(DISPATCH_ENV))) {
            return new BundledLibrary.Registered(null, DISPATCH_ENV + "=vendor");
        }
        if (mappedLibrary("libtorch_cpu").isPresent()) {
            return new BundledLibrary.Registered(null, "libtorch was loaded before optbench could set it");
        }
        try {
            NativeLibrary lib = BundledLibrary.open(DISPATCH_LIBRARY,
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL)).orElse(null);
            return new BundledLibrary.Registered(lib,
                    lib != null ? null : BundledLibrary.resource(DISPATCH_LIBRARY) + " is missing from the jar");
        } catch (IOException | LinkageError | RuntimeException e) {
            return new BundledLibrary.Registered(null, "could not load the dispatch library: " + e.getMessage());
        }
    }

    /** Why the override did nothing, once libtorch is loaded and found without it; null before or when it took. */
    private static volatile String overrideMissed;
    private static volatile boolean overrideChecked;

    /**
     * How oneMKL chooses its code path, as {@link State#mklDispatch()} says, unless the loaded
     * libtorch's oneMKL turned out not to have the function the dispatch library overrides (a
     * rename in a newer oneMKL): then oneMKL's own choice, with a one-line notice on stderr, once.
     */
    public static String mklDispatch() {
        return dispatchDescription(STATE.mklDispatch(), dispatchMissed());
    }

    /** The dispatch library for provenance: its sha256 and whether it is loaded and in effect. */
    public static String dispatchLibrary() {
        String why = DISPATCH.library() == null ? DISPATCH.whyNot() : dispatchMissed();
        return BundledLibrary.describe(DISPATCH_LIBRARY, why);
    }

    private static String dispatchMissed() {
        if (DISPATCH.library() == null || overrideChecked) {
            return overrideMissed;
        }
        Optional<String> torch = mappedLibrary("libtorch_cpu");
        if (torch.isEmpty()) {
            return null; // not yet known
        }
        synchronized (NativeSetup.class) {
            if (!overrideChecked) {
                overrideMissed = missingOverride(torch.get(), OVERRIDDEN).orElse(null);
                overrideChecked = true;
                if (overrideMissed != null) {
                    System.err.println("optbench: " + overrideMissed + "; oneMKL keeps its own code path"
                            + " (slower on non-Intel CPUs; see docs/workloads.md, Native settings)");
                }
            }
        }
        return overrideMissed;
    }

    /**
     * Why overriding {@code symbol} cannot work with the libtorch at {@code torchPath}: it exports
     * no such function (oneMKL renamed or dropped it), so its calls never reach the dispatch
     * library. Empty if it does.
     */
    static Optional<String> missingOverride(String torchPath, String symbol) {
        NativeLibrary torch;
        try {
            torch = NativeLibrary.getInstance(torchPath);
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("could not open " + torchPath + " to look up " + symbol + ": " + e.getMessage());
        }
        try {
            torch.getFunction(symbol);
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("libtorch's oneMKL has no " + symbol + " to override (renamed in a newer oneMKL?)");
        }
    }

    /** How oneMKL chooses, given the choice made at start and why the override missed (null: it did not). */
    static String dispatchDescription(String atStart, String missed) {
        return missed == null ? atStart : "oneMKL's own (" + missed + ")";
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
