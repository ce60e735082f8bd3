package dev.optbench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Data flows one way: a package uses only the packages before it in {@link #ORDER}, by import or
 * by a fully qualified name in code (comments and string literals do not count).
 */
class LayeringTest {
    static final List<String> ORDER = List.of(
            "platform", "optim", "space", "workload", "train", "study", "analysis", "report", "experiment", "serve",
            "layout", "bench", "cli");
    private static final Pattern USE = Pattern.compile("\\bdev\\.optbench\\.(\\w+)\\.");
    /** Block and line comments, and string literals (text blocks included), dropped before looking for uses. */
    private static final Pattern NOT_CODE = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"",
            Pattern.DOTALL);

    @Test
    void everyPackageImportsOnlyEarlierPackages() throws IOException {
        Path root = Path.of("src/main/java/dev/optbench");
        List<String> violations = new ArrayList<>();
        for (String pkg : ORDER) {
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String code = NOT_CODE.matcher(Files.readString(f)).replaceAll(" ").replaceFirst("package [\\w.]+;", "");
                    Matcher m = USE.matcher(code);
                    while (m.find()) {
                        String used = m.group(1);
                        if (ORDER.contains(used) && ORDER.indexOf(used) > ORDER.indexOf(pkg)) {
                            violations.add(pkg + "/" + f.getFileName() + " uses " + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void everyPackageDirectoryIsInTheOrder() throws IOException {
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/dev/optbench"))) {
            assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(ORDER);
        }
    }
}
