package dev.optbench.workload;

import dev.optbench.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The default text corpus: the King James Bible (public domain, 4.3 million characters of
 * English) from Debian's package bible-kjv, whose {@code bible} program prints every verse as
 * "Ge1:1 In the beginning ...". The verse references are stripped; one verse per line.
 */
final class KingJamesBible {
    static final Path PROGRAM = Path.of("/usr/bin/bible");
    static final String HINT = " (install the Debian package bible-kjv, or pass --data-dir with a UTF-8 text file)";

    private KingJamesBible() {}

    static String text() {
        if (!Files.isExecutable(PROGRAM)) {
            throw new InputException("missing " + PROGRAM + ", which prints the default text corpus" + HINT);
        }
        try {
            Process p = new ProcessBuilder(PROGRAM.toString(), "-f", "Gen1:1-Rev22:21")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String raw = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || raw.isBlank()) {
                throw new InputException(PROGRAM + " printed no text (exit " + p.exitValue() + ")" + HINT);
            }
            return stripReferences(raw);
        } catch (IOException e) {
            throw new InputException("cannot run " + PROGRAM + ": " + e.getMessage() + HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while reading " + PROGRAM);
        }
    }

    /** "1Co13:4 Charity suffereth long" → "Charity suffereth long"; blank lines dropped. */
    static String stripReferences(String raw) {
        return raw.lines().map(l -> l.replaceFirst("^\\S+:\\d+\\s+", "")).filter(l -> !l.isBlank())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
