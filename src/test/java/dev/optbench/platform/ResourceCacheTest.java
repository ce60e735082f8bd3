package dev.optbench.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ResourceCacheTest {
    @TempDir Path dir;

    @BeforeEach
    void cacheHere() {
        System.setProperty("optbench.cache", dir.toString());
    }

    @AfterEach
    void cacheBack() {
        System.clearProperty("optbench.cache");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unpacksOnceByContentAndOtherContentBesideIt() throws Exception {
        Path a = ResourceCache.unpack("pkg", Map.of("p/__init__.py", b(""), "p/m.py", b("x = 1\n")));
        assertThat(a.getParent()).isEqualTo(dir);
        assertThat(Files.readString(a.resolve("p/m.py"))).isEqualTo("x = 1\n");
        assertThat(ResourceCache.unpack("pkg", Map.of("p/m.py", b("x = 1\n"), "p/__init__.py", b("")))).isEqualTo(a);
        Path b = ResourceCache.unpack("pkg", Map.of("p/__init__.py", b(""), "p/m.py", b("x = 2\n")));
        assertThat(b).isNotEqualTo(a);
        assertThat(Files.readString(a.resolve("p/m.py"))).isEqualTo("x = 1\n"); // never written over
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).allMatch(n -> n.matches("pkg-[0-9a-f]{16}"));
        }
    }

    @Test
    void refusesAPathThatLeavesItsDirectoryLeavingNothing() throws Exception {
        assertThatThrownBy(() -> ResourceCache.unpack("bad", Map.of("../evil.py", b("boom"))))
                .hasMessageContaining("leaves its directory");
        assertThat(dir.getParent().resolve("evil.py")).doesNotExist();
        try (var s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }
}
