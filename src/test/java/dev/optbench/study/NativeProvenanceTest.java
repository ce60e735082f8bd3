package dev.optbench.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.platform.BundledLibrary;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every trial's provenance names each bundled library with the sha256 of its bytes in the jar and whether it loaded. */
class NativeProvenanceTest {
    @TempDir Path dir;

    private static String sha256OfResource(String name) throws Exception {
        try (InputStream in = BundledLibrary.class.getResourceAsStream("/dev/optbench/native/linux-x86_64/" + name)) {
            assertThat(in).as(name + " in the jar").isNotNull();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }

    @Test
    void aTrialsProvenanceNamesEachBundledLibraryWithItsSha256() throws Exception {
        String libraries;
        try (SqlStudyStore store = StudyStores.open(TestStores.sqlite(dir))) {
            store.createStudy(StoreContract.definition("native", List.of("sgd"), 1));
            assertThat(new Worker(store, new QuadraticRunner(5), "native", "w", 5_000, new Worker.Listener() {}).run())
                    .isEqualTo(1);
            libraries = store.trials("native", true).get(0).provenance().get("native_libraries");
        }
        assertThat(BundledLibrary.NAMES).containsExactly("libmkl_cpu_dispatch.so", "libfused_updates.so",
                "libnet_step.so");
        String[] entries = libraries.split("; ");
        assertThat(entries).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String name = BundledLibrary.NAMES.get(i);
            assertThat(entries[i]).matches(Pattern.quote(name + " sha256 " + sha256OfResource(name) + ": ")
                    + "(loaded|not loaded \\(.+\\))");
            if (BundledLibrary.unavailable().isPresent()) {
                assertThat(entries[i]).endsWith(": not loaded (" + BundledLibrary.unavailable().get() + ")");
            }
        }
        if (BundledLibrary.supported() && System.getenv("OPTBENCH_FUSED_UPDATES") == null) {
            assertThat(entries[1]).endsWith(": loaded");
        }
    }
}
