package dev.optbench.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One hyperparameter's continuous range from a study's search space, in AlgoPerf JSON form
 * ({@code {"min": a, "max": b, "scaling": "linear"|"log"}}); {@code feasible_points} entries
 * have no continuous bounds and are skipped.
 */
public record SearchRange(String name, double min, double max, boolean log) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Position of {@code x} in scaled units: 0 at min, 1 at max (log scale for log ranges). */
    public double position(double x) {
        if (log) {
            return (Math.log(x) - Math.log(min)) / (Math.log(max) - Math.log(min));
        }
        return (x - min) / (max - min);
    }

    /** The continuous ranges of an AlgoPerf search-space JSON; empty for null or blank text. */
    public static Map<String, SearchRange> parse(String json) {
        Map<String, SearchRange> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("search space is not valid JSON: " + e.getOriginalMessage());
        }
        root.fields().forEachRemaining(f -> {
            JsonNode r = f.getValue();
            if (r.isObject() && r.has("min") && r.has("max") && r.get("min").isNumber() && r.get("max").isNumber()
                    && r.get("max").asDouble() > r.get("min").asDouble()) {
                boolean log = r.path("scaling").asText("linear").toLowerCase(Locale.ROOT).startsWith("log");
                out.put(f.getKey(), new SearchRange(f.getKey(), r.get("min").asDouble(), r.get("max").asDouble(), log));
            }
        });
        return out;
    }
}
