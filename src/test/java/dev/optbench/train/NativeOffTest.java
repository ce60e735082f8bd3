package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.optbench.platform.BundledLibrary;
import dev.optbench.platform.NativeSetup;
import dev.optbench.workload.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a platform without the bundled libraries gets, forced here with {@code OPTBENCH_NATIVE=off}
 * in a fresh JVM (the switch is read once per process): every native path off and said so, and
 * the same training as with them on. Two fmnist_mlp-tiny trials batched, 50 steps: every step's
 * loss within 1e-4 relative (1e-6 absolute for losses near 0, where float32 log-probabilities carry
 * no four digits), the bound BatchedTrainerTest holds batched runs to; the paths differ
 * in the order of float32 sums (native passes), not in the operations, and oneMKL's generic and
 * AVX-512 code round differently.
 */
class NativeOffTest {
    @TempDir static Path dir;

    private static Map<String, String> train(Path data, Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", System.getProperty("java.class.path"),
                NativeOffProbe.class.getName(), data.toString());
        for (String own : List.of(BundledLibrary.OFF_ENV, "OPTBENCH_FUSED_UPDATES", NativeNet.ENV, NativeSetup.DISPATCH_ENV)) {
            pb.environment().remove(own); // this JVM's switches (CI runs these tests with OPTBENCH_NATIVE=off)
        }
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("probe output %s", lines).isZero();
        Map<String, String> out = new HashMap<>();
        for (String l : lines) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                out.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return out;
    }

    @Test
    void withEveryNativePathOffTrainingGivesTheSameLossesAndProvenanceSaysSo() throws Exception {
        Path data = TestData.fashion(dir.resolve("fashion"), 300, 50);
        Map<String, String> on = train(data, Map.of());
        Map<String, String> off = train(data, Map.of(BundledLibrary.OFF_ENV, "off"));

        String why = "(" + BundledLibrary.OFF_ENV + "=off)";
        assertThat(off.get("dispatch")).isEqualTo("oneMKL's own " + why);
        assertThat(off.get("rules")).isEqualTo("NDArray ops " + why);
        assertThat(off.get("nets")).isEqualTo("NDArray ops " + why);
        for (String lib : BundledLibrary.NAMES) {
            assertThat(off.get("libraries")).contains(lib + " sha256 " + BundledLibrary.sha256(lib) + ": not loaded " + why);
        }
        if (BundledLibrary.unavailable().filter(w -> !w.startsWith(BundledLibrary.OFF_ENV)).isEmpty()) {
            // x86-64 Linux: the comparison is between two paths, not one path twice
            assertThat(on.get("dispatch")).isEqualTo("by CPU features");
            assertThat(on.get("rules")).isEqualTo("native one-pass kernels");
            assertThat(on.get("nets")).isEqualTo("native forward and backward");
            for (String lib : BundledLibrary.NAMES) {
                assertThat(on.get("libraries")).contains(lib + " sha256 " + BundledLibrary.sha256(lib) + ": loaded");
            }
        }
        for (int k = 0; k < 2; k++) {
            assertThat(off.get("status" + k)).isEqualTo(on.get("status" + k)).isEqualTo("COMPLETED");
            for (int s = 0; s < NativeOffProbe.STEPS; s++) {
                double expected = Double.parseDouble(on.get("loss" + k + "." + s));
                assertThat(Double.parseDouble(off.get("loss" + k + "." + s))).as("trial %d loss of step %d", k, s + 1)
                        .isCloseTo(expected, within(Math.max(1e-4 * Math.abs(expected), 1e-6)));
            }
        }
    }
}
