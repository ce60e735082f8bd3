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

/** Data flows one way: a package imports only the packages before it in {@link #ORDER}. */
class LayeringTest {
    static final List<String> ORDER = List.of(
            "optim", "space", "workload", "train", "study", "analysis", "report", "experiment", "cli");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.optbench\\.(\\w+)\\.", Pattern.MULTILINE);

    @Test
    void everyPackageImportsOnlyEarlierPackages() throws IOException {
        Path root = Path.of("src/main/java/dev/optbench");
        List<String> violations = new ArrayList<>();
        for (String pkg : ORDER) {
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        String used = m.group(1);
                        if (ORDER.contains(used) && ORDER.indexOf(used) > ORDER.indexOf(pkg)) {
                            violations.add(pkg + "/" + f.getFileName() + " imports " + used);
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
