package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/your-optimizer.md works as written: its {@code sh} blocks run, in order and unchanged, in a
 * copy of this checkout (tracked and untracked-but-not-ignored files, so uncommitted edits count),
 * as a new user with an empty home would type them.
 *
 * <p>Maven runs offline and downloads nothing. Its home is the temporary one ({@code user.home} via
 * JAVA_TOOL_OPTIONS, which also points optbench's {@code ~/.optbench/plugins} there), with a local
 * repository that links every group of the real one except dev/optbench: the guide's
 * {@code mvn install} lands in the temporary repository, never in the real ~/.m2.
 */
class PluginGuideTest {
    private static final Path GUIDE = Path.of("docs/your-optimizer.md");
    private static final Pattern SH_BLOCK = Pattern.compile("(?ms)^```sh\\n(.*?)^```");
    /** A path a comment promises the line makes, e.g. {@code # target/optbench.jar}. */
    private static final Pattern PROMISED_JAR = Pattern.compile("[\\w~./-]+\\.jar");

    @TempDir Path tmp;

    @Test
    void theGuidesCommandsRunAsWrittenInAFreshClone() throws Exception {
        Path clone = copyOfTheCheckout(tmp.resolve("clone"));
        Path home = isolatedHome(tmp.resolve("home"));
        List<String> blocks = shBlocks(Files.readString(GUIDE));
        assertThat(blocks).as("sh blocks in " + GUIDE).hasSizeGreaterThanOrEqualTo(2);
        assertThat(blocks.get(0)).as("step 1").contains("mvn -q install -DskipTests");

        StringBuilder outputs = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            String out = run(block, clone, home, tmp.resolve("block" + i + ".log"));
            outputs.append(out);
            for (String line : block.lines().toList()) {
                int hash = line.indexOf(" # ");
                if (hash < 0) continue;
                Matcher jar = PROMISED_JAR.matcher(line.substring(hash));
                while (jar.find()) {
                    String p = jar.group();
                    Path file = p.startsWith("~/") ? home.resolve(p.substring(2)) : clone.resolve(p);
                    assertThat(file).as("'%s' promises %s", line.strip(), p).isRegularFile();
                }
            }
        }

        // step 1: the API went into the (temporary) local repository, and optbench lists the plug-in
        assertThat(home.resolve(".m2/repository/dev/optbench/optbench/0.1.0/optbench-0.1.0.jar")).isRegularFile();
        assertThat(home.resolve(".optbench/plugins/optbench-lion-0.1.0.jar")).isRegularFile();
        assertThat(outputs).contains("plug-in: lion from optbench-lion-0.1.0.jar (sha256 ");
        // the plug-in's jar holds Lion and its service file only, none of what optbench provides
        try (JarFile jar = new JarFile(clone.resolve("examples/optimizer-plugin/target/optbench-lion-0.1.0.jar").toFile())) {
            List<String> classes = jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class")).toList();
            assertThat(classes).containsExactly("org/example/lion/Lion.class");
            assertThat(jar.getEntry("META-INF/services/dev.optbench.optim.UpdateRule")).isNotNull();
        }
        assertThat(Files.readString(clone.resolve("examples/optimizer-plugin/pom.xml"))).doesNotContain("<scope>system");
    }

    /** The fenced {@code sh} blocks a user types, in order. */
    static List<String> shBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = SH_BLOCK.matcher(markdown);
        while (m.find()) blocks.add(m.group(1));
        return blocks;
    }

    /** Runs one block with bash, stopping at the first failing command; returns its output. */
    private static String run(String block, Path dir, Path home, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", block).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        String javaHome = env.get("JAVA_HOME");
        env.clear();
        env.put("PATH", path);
        if (javaHome != null) env.put("JAVA_HOME", javaHome);
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("JAVA_TOOL_OPTIONS", "-Duser.home=" + home);
        Process p = pb.start();
        boolean ended = p.waitFor(600, TimeUnit.SECONDS); // a bound against a hang, not a synchronization
        if (!ended) p.destroyForcibly().waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended && p.exitValue() == 0).as("the guide's block\n%s\nfailed:\n%s", block, out).isTrue();
        return out;
    }

    /** Copies the files git would commit (tracked, and untracked but not ignored) into {@code to}. */
    private static Path copyOfTheCheckout(Path to) throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "--cached", "--others",
                "--exclude-standard").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String names = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as("git ls-files in " + root).isZero();
        for (String name : names.split("\0")) {
            Path from = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(from)) continue; // deleted, or a submodule
            Path target = to.resolve(name);
            Files.createDirectories(target.getParent());
            Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
        assertThat(to.resolve("optbench")).isExecutable();
        return to;
    }

    /**
     * A home whose Maven works offline on the real local repository's artifacts (linked, group by
     * group) but installs dev.optbench into its own directory.
     */
    private static Path isolatedHome(Path home) throws IOException {
        Path real = Path.of(System.getProperty("optbench.test.m2repo",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path repo = home.resolve(".m2/repository");
        Files.createDirectories(repo);
        linkAllBut(real, repo, "dev");
        if (Files.isDirectory(real.resolve("dev"))) {
            Files.createDirectories(repo.resolve("dev"));
            linkAllBut(real.resolve("dev"), repo.resolve("dev"), "optbench");
        }
        Files.writeString(home.resolve(".m2/settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <offline>true</offline>
                </settings>
                """.formatted(repo));
        return home;
    }

    private static void linkAllBut(Path from, Path to, String except) throws IOException {
        try (var entries = Files.list(from)) {
            for (Path e : entries.toList()) {
                if (!e.getFileName().toString().equals(except)) Files.createSymbolicLink(to.resolve(e.getFileName()), e);
            }
        }
    }
}
