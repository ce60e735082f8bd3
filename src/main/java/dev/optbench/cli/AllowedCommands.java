package dev.optbench.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Files of allowed external commands (docs/distributed.md, "Trust model"): JSON lines, one JSON
 * string per line holding one exact command (so a command may hold any character, a newline as
 * \n); blank lines and lines starting with # are skipped. The local list, in optbench's config
 * directory, holds every command given to {@code study create --command} on this machine, so the
 * worker or study run that follows on the same machine may run it, as {@code direnv allow} does.
 */
final class AllowedCommands {
    private AllowedCommands() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The local list's file name in {@link #configDir()}. */
    static final String LOCAL_FILE = "allowed-commands.jsonl";

    /** optbench's config directory: -Doptbench.config, else $OPTBENCH_CONFIG, else ~/.optbench. */
    static Path configDir() {
        String own = System.getProperty("optbench.config", System.getenv("OPTBENCH_CONFIG"));
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        return Path.of(System.getProperty("user.home"), ".optbench");
    }

    static Path localFile() {
        return configDir().resolve(LOCAL_FILE);
    }

    /** The commands of this machine's local list; none when it does not exist yet. */
    static Set<String> local() {
        Path file = localFile();
        return Files.exists(file) ? read(file, "the local allow-list") : Set.of();
    }

    /** Adds {@code command} to this machine's local list (once). */
    static void allowLocally(String command) throws IOException {
        if (local().contains(command)) {
            return;
        }
        Path file = localFile();
        Files.createDirectories(file.getParent());
        Files.writeString(file, JSON.writeValueAsString(command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The commands in {@code file}; {@code from} says where its name came from, for the error message. */
    static Set<String> read(Path file, String from) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(from + ": cannot read " + file + " (" + dev.optbench.Messages.describe(e)
                    + "); give a readable file of allowed commands, one JSON string per line");
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                n = null;
            }
            if (n == null || !n.isTextual() || n.asText().isBlank()) {
                throw new InputException(from + ": line " + (i + 1) + " of " + file + " is not a command as a JSON string;"
                        + " write each command in double quotes, e.g. \"python3 train.py\" (\\\" for a quote, \\n for a newline)");
            }
            out.add(n.asText());
        }
        return out;
    }
}
