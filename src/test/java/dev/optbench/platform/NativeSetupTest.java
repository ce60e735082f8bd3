package dev.optbench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The process-wide native settings, each checked in a fresh JVM (they must be made before
 * libtorch loads): oneMKL then chooses its code path by the CPU's flags, on AMD as on Intel,
 * the opt-out restores its own choice, and the user's malloc settings are left alone.
 */
class NativeSetupTest {
    private static Map<String, String> probe(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                NativeSetupProbe.class.getName());
        pb.environment().remove(NativeSetup.DISPATCH_ENV);
        pb.environment().remove(dev.optbench.platform.BundledLibrary.OFF_ENV); // CI also runs these tests with OPTBENCH_NATIVE=off
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output %s", lines).isZero();
        Map<String, String> out = new java.util.HashMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                out.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return out;
    }

    private static String cpuFlags() throws Exception {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                .findFirst().orElse("");
    }

    private static boolean amd() throws Exception {
        return Files.readString(Path.of("/proc/cpuinfo")).contains("AuthenticAMD");
    }

    @Test
    void oneMklChoosesItsCodePathFromTheCpuFlags() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/cpuinfo")) && System.getProperty("os.arch").equals("amd64"));
        Map<String, String> out = probe(Map.of());
        assertThat(out.get("allocator")).isEqualTo("true");
        assertThat(out.get("dispatch")).isEqualTo("by CPU features");
        String flags = " " + cpuFlags() + " ";
        if (flags.contains(" avx512f ")) {
            assertThat(out.get("path")).startsWith("AVX-512");
        } else if (flags.contains(" avx2 ")) {
            assertThat(out.get("path")).isEqualTo("AVX2");
        }
    }

    @Test
    void theOptOutKeepsOneMklsOwnChoice() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/cpuinfo")) && System.getProperty("os.arch").equals("amd64"));
        Map<String, String> out = probe(Map.of(NativeSetup.DISPATCH_ENV, "vendor"));
        assertThat(out.get("dispatch")).contains(NativeSetup.DISPATCH_ENV + "=vendor");
        if (amd()) {
            // what oneMKL picks by itself on an AMD CPU: its generic code
            assertThat(out.get("path")).isEqualTo("generic");
        }
    }

    @Test
    void theUsersMallocSettingsWin() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        assertThat(probe(Map.of("MALLOC_TRIM_THRESHOLD_", "1048576")).get("allocator")).isEqualTo("false");
    }

    /**
     * The dispatch library overrides a function internal to oneMKL: a libtorch whose oneMKL renamed
     * it would take no notice of the library. That is detected in the loaded libtorch (here with a
     * name it does not have) and reported as oneMKL's own choice, never an error.
     */
    @Test
    void anOverriddenFunctionOneMklNoLongerHasIsDetectedAndReportedAsItsOwnChoice() {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"));
        ai.djl.engine.Engine.getEngine("PyTorch");
        String torch = NativeSetup.mappedLibrary("libtorch_cpu").orElseThrow();
        assertThat(NativeSetup.missingOverride(torch, NativeSetup.OVERRIDDEN)).isEmpty();
        String renamed = NativeSetup.OVERRIDDEN + "_v2";
        String why = NativeSetup.missingOverride(torch, renamed).orElseThrow();
        assertThat(why).isEqualTo("libtorch's oneMKL has no " + renamed + " to override (renamed in a newer oneMKL?)");
        assertThat(NativeSetup.dispatchDescription("by CPU features", why)).isEqualTo("oneMKL's own (" + why + ")");
        assertThat(NativeSetup.dispatchDescription("by CPU features", null)).isEqualTo("by CPU features");
        assertThat(NativeSetup.missingOverride("/nonexistent/libtorch_cpu.so", NativeSetup.OVERRIDDEN).orElseThrow())
                .startsWith("could not open /nonexistent/libtorch_cpu.so");
        if (NativeSetup.state().mklDispatch().equals("by CPU features")) { // the real libtorch has it: no fallback
            assertThat(NativeSetup.mklDispatch()).isEqualTo("by CPU features");
        }
    }

    @Test
    void branchNamesFollowMklService() {
        assertThat(NativeSetup.branchName(10)).isEqualTo("AVX2");
        assertThat(NativeSetup.branchName(14)).isEqualTo("AVX-512 with VNNI");
        assertThat(NativeSetup.branchName(2)).isEqualTo("generic");
        assertThat(NativeSetup.branchName(19)).contains("19");
    }
}
