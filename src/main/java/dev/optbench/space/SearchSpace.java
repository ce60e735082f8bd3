package dev.optbench.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search space: hyperparameter names (canonical or derived, SPEC section 5) mapped to ranges,
 * in a fixed order (the order of the JSON file), which fixes the sampler's dimensions.
 * Reads and writes AlgoPerf's {@code tuning_search_space.json} form unchanged.
 */
public record SearchSpace(Map<String, Range> ranges) {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SearchSpace {
        ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
    }

    public List<String> names() {
        return List.copyOf(ranges.keySet());
    }

    public int dimensions() {
        return ranges.size();
    }

    /** The point at unit coordinates u (one per dimension, in name order). */
    public Map<String, Double> fromUnit(double[] u) {
        Map<String, Double> point = new LinkedHashMap<>();
        int d = 0;
        for (Map.Entry<String, Range> e : ranges.entrySet()) {
            point.put(e.getKey(), e.getValue().fromUnit(u[d++]));
        }
        return point;
    }

    /** Parses AlgoPerf JSON; {@code source} names the file in error messages. */
    public static SearchSpace fromJson(String json, String source) {
        try {
            return fromNode(JSON.readTree(json), source);
        } catch (JsonProcessingException e) {
            throw new InputException(source + " is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
    }

    static SearchSpace fromNode(JsonNode root, String source) {
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new InputException(source + ": a search space must be a non-empty JSON object of hyperparameter ranges");
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                ranges.put(e.getKey(), range(e.getValue()));
            } catch (InputException ex) {
                throw new InputException(source + ": hyperparameter '" + e.getKey() + "': " + ex.getMessage());
            }
        }
        return new SearchSpace(ranges);
    }

    /** Whether a JSON value looks like one range (rather than a space of ranges). */
    static boolean isRange(JsonNode n) {
        return n.isObject() && (n.has("feasible_points") || n.has("min") || n.has("max") || n.has("scaling"));
    }

    private static Range range(JsonNode n) {
        if (!isRange(n)) {
            throw new InputException("expected {\"min\": a, \"max\": b, \"scaling\": \"linear\"|\"log\"} or {\"feasible_points\": [..]}");
        }
        if (n.has("feasible_points")) {
            JsonNode pts = n.get("feasible_points");
            if (!pts.isArray()) {
                throw new InputException("feasible_points must be an array of numbers");
            }
            List<Double> values = new ArrayList<>();
            for (JsonNode p : pts) {
                if (!p.isNumber()) {
                    throw new InputException("feasible_points must be numbers, found " + p);
                }
                values.add(p.doubleValue());
            }
            return new Range.Feasible(values);
        }
        if (!n.path("min").isNumber() || !n.path("max").isNumber()) {
            throw new InputException("a range needs numeric \"min\" and \"max\"");
        }
        String scaling = n.path("scaling").asText("linear");
        double min = n.get("min").doubleValue();
        double max = n.get("max").doubleValue();
        return switch (scaling) {
            case "linear" -> new Range.Linear(min, max);
            case "log" -> new Range.Log(min, max);
            default -> throw new InputException("unknown scaling '" + scaling + "' (use \"linear\" or \"log\")");
        };
    }

    public ObjectNode toNode() {
        ObjectNode root = JSON.createObjectNode();
        ranges.forEach((name, r) -> {
            ObjectNode o = root.putObject(name);
            if (r instanceof Range.Feasible f) {
                ArrayNode a = o.putArray("feasible_points");
                f.points().forEach(a::add);
            } else if (r instanceof Range.Linear l) {
                o.put("min", l.min()).put("max", l.max()).put("scaling", "linear");
            } else if (r instanceof Range.Log l) {
                o.put("min", l.min()).put("max", l.max()).put("scaling", "log");
            }
        });
        return root;
    }

    /** AlgoPerf JSON (indented); {@link #fromJson} of it gives an equal space. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toNode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "name: range, name: range" for listings. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        ranges.forEach((name, r) -> b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(r.describe()));
        return b.toString();
    }
}
