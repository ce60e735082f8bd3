package dev.optbench.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Trial-steps per second (training steps summed over all concurrently training trials) of each
 * layout measured for one workload on one host, as stored in
 * {@code ~/.cache/optbench/layout-HOST-WORKLOAD.json} by {@code bench layout} or {@code bench trials}.
 */
public record LayoutTable(String host, String workload, int cores, Instant measured, String source, List<Entry> entries) {
    /** One measured layout. */
    public record Entry(Layout layout, double trialStepsPerSecond) {}

    /**
     * One table of {@code rounds} measured one after another on one machine: each layout's median
     * over the rounds (the mean of the middle two for an even count), so that a layout measured
     * while the machine was briefly busy does not decide the choice.
     */
    public static LayoutTable median(List<LayoutTable> rounds) {
        LayoutTable first = rounds.get(0);
        List<Entry> entries = new java.util.ArrayList<>();
        for (Entry e : first.entries()) {
            double[] v = rounds.stream().flatMap(t -> t.entries().stream()).filter(x -> x.layout().equals(e.layout()))
                    .mapToDouble(Entry::trialStepsPerSecond).toArray();
            if (v.length != rounds.size()) {
                throw new IllegalArgumentException("layout " + e.layout().shortForm() + " is missing from a round");
            }
            entries.add(new Entry(e.layout(), dev.optbench.train.StepBenchmark.median(v)));
        }
        LayoutTable last = rounds.get(rounds.size() - 1);
        String source = rounds.size() == 1 ? first.source() : first.source() + ", median of " + rounds.size() + " rounds";
        return new LayoutTable(first.host(), first.workload(), first.cores(), last.measured(), source, entries);
    }

    public LayoutTable {
        entries = List.copyOf(entries);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The cache directory: -Doptbench.cache, else $OPTBENCH_CACHE, else $XDG_CACHE_HOME/optbench, else ~/.cache/optbench. */
    public static Path cacheDir() {
        String own = System.getProperty("optbench.cache", System.getenv("OPTBENCH_CACHE"));
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("optbench");
    }

    public static Path file(Path dir, String host, String workload) {
        return dir.resolve("layout-" + host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + workload + ".json");
    }

    public static String localHost() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "localhost";
            }
        }
        return h;
    }

    /** The stored table, or empty when none was measured; a corrupt file is reported, not used. */
    static Optional<LayoutTable> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(fromJson(JSON.readTree(file.toFile())));
        } catch (IOException | RuntimeException e) {
            throw new InputException("layout cache " + file + " is unreadable (" + e.getMessage()
                    + "): delete it or run 'optbench bench layout' again");
        }
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), toJson());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layout cache " + file, e);
        }
    }

    ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("host", host).put("workload", workload).put("cores", cores).put("measured", measured.toString())
                .put("source", source);
        ArrayNode a = o.putArray("entries");
        for (Entry e : entries) {
            a.addObject().put("workers", e.layout().workers()).put("threads", e.layout().threads())
                    .put("batch_trials", e.layout().batchTrials()).put("trial_steps_per_second", e.trialStepsPerSecond());
        }
        return o;
    }

    static LayoutTable fromJson(JsonNode o) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : o.withArray("entries")) {
            entries.add(new Entry(new Layout(e.get("workers").asInt(), e.get("threads").asInt(),
                    e.path("batch_trials").asInt(1)), e.get("trial_steps_per_second").asDouble()));
        }
        return new LayoutTable(o.get("host").asText(), o.get("workload").asText(), o.get("cores").asInt(),
                Instant.parse(o.get("measured").asText()), o.path("source").asText("bench layout"), entries);
    }
}
