package dev.optbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./optbench launcher run through symlinks finds its own checkout. It runs on a copy of the
 * real script in a checkout of its own, with stand-ins for java and mvn that print what they were
 * asked, so nothing is built and the test does not depend on the jar.
 */
class LauncherTest {
    @TempDir Path dir;

    @Test
    void aSymlinkToTheLauncherRunsTheCheckoutsJar() throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Path script = checkout.resolve("optbench");
        Files.copy(Path.of("optbench"), script);
        Files.createDirectories(checkout.resolve("src/main"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Path jar = Files.createDirectories(checkout.resolve("target")).resolve("optbench.jar");
        Files.writeString(jar, "stand-in");
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (Path p : new Path[] {checkout.resolve("src/main"), checkout.resolve("src"), checkout.resolve("pom.xml")}) {
            Files.setLastModifiedTime(p, old); // the jar is newer than the sources: nothing to build
        }
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
        executable(bin.resolve("mvn"), "#!/bin/sh\necho \"mvn ran in $(pwd)\" >&2\nexit 1\n");
        // ~/bin/optbench -> ../other/ob -> the checkout's script: a chain of links, one of them relative
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.createSymbolicLink(other.resolve("ob"), script);
        Path home = Files.createDirectories(dir.resolve("home/bin"));
        Files.createSymbolicLink(home.resolve("optbench"), Path.of("../../other/ob"));

        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("optbench").toString(), "--version")
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("OPTBENCH_GIT_COMMIT", "test");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).doesNotContain("building").doesNotContain("mvn ran")
                .contains("-jar " + jar.toRealPath() + " --version");
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
