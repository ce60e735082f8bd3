package dev.optbench.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search space: hyperparameter names (canonical or derived, SPEC section 5) mapped to ranges,
 * in a fixed order (the order of the JSON file), which fixes the sampler's dimensions.
 * Reads and writes AlgoPerf's {@code tuning_search_space.json} form unchanged. Or AlgoPerf's
 * discrete form: {@code points}, a JSON array of points (objects of values), of which trial k
 * takes point k mod n in order, whatever the sampler; {@code ranges} is then empty.
 */
public record SearchSpace(Map<String, Range> ranges, List<Map<String, Double>> points) {
    /** Space files are read strictly: a key given twice is an error, not "the last one wins". */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The fields of one AlgoPerf range; any other key is refused (a typo would otherwise be ignored). */
    private static final java.util.Set<String> RANGE_FIELDS = java.util.Set.of("min", "max", "scaling", "feasible_points");

    public SearchSpace {
        ranges = Collections.unmodifiableMap(new LinkedHashMap<>(ranges));
        List<Map<String, Double>> copy = new ArrayList<>();
        points.forEach(pt -> copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(pt))));
        points = List.copyOf(copy);
        if (!ranges.isEmpty() && !points.isEmpty()) {
            throw new IllegalArgumentException("a space has ranges or discrete points, not both");
        }
    }

    /** A space of ranges. */
    public SearchSpace(Map<String, Range> ranges) {
        this(ranges, List.of());
    }

    /** A discrete space: trial k takes {@code points.get(k mod n)}. */
    public static SearchSpace discrete(List<Map<String, Double>> points) {
        if (points.isEmpty()) {
            throw new InputException("a discrete space needs at least one point");
        }
        return new SearchSpace(Map.of(), points);
    }

    public boolean isDiscrete() {
        return !points.isEmpty();
    }

    /** Point k mod n of a discrete space. */
    public Map<String, Double> discretePoint(int k) {
        return points.get(Math.floorMod(k, points.size()));
    }

    /** Names in file order; for a discrete space, every name any point gives. */
    public List<String> names() {
        if (isDiscrete()) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            points.forEach(pt -> all.addAll(pt.keySet()));
            return List.copyOf(all);
        }
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
        if (root != null && root.isArray()) {
            return discreteFromNode(root, source);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new InputException(source + ": a search space must be a non-empty JSON object of hyperparameter ranges"
                    + " (or AlgoPerf's discrete form, a JSON array of points)");
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                ranges.put(e.getKey(), range(e.getValue()));
            } catch (InputException ex) {
                throw new InputException(source + ": hyperparameter '" + Messages.quote(e.getKey()) + "': " + ex.getMessage());
            }
        }
        return new SearchSpace(ranges);
    }

    /** AlgoPerf's discrete form: [{"name": value, ...}, ...]. */
    private static SearchSpace discreteFromNode(JsonNode root, String source) {
        if (root.isEmpty()) {
            throw new InputException(source + ": a discrete space (a JSON array of points) needs at least one point");
        }
        List<Map<String, Double>> points = new ArrayList<>();
        int i = 0;
        for (JsonNode p : root) {
            if (!p.isObject() || p.isEmpty()) {
                throw new InputException(source + ": point " + i + " of the discrete space must be a non-empty object"
                        + " of hyperparameter values, found " + p);
            }
            Map<String, Double> point = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isNumber()) {
                    throw new InputException(source + ": point " + i + ": hyperparameter '" + Messages.quote(e.getKey())
                            + "' must be a number, found " + e.getValue());
                }
                point.put(e.getKey(), e.getValue().doubleValue());
            }
            points.add(point);
            i++;
        }
        return discrete(points);
    }

    /** Whether a JSON value looks like one range (rather than a space of ranges). */
    static boolean isRange(JsonNode n) {
        return n.isObject() && (n.has("feasible_points") || n.has("min") || n.has("max") || n.has("scaling"));
    }

    private static Range range(JsonNode n) {
        if (!isRange(n)) {
            throw new InputException("expected {\"min\": a, \"max\": b, \"scaling\": \"linear\"|\"log\"} or {\"feasible_points\": [..]}");
        }
        for (Iterator<String> keys = n.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!RANGE_FIELDS.contains(key)) {
                throw new InputException("unknown key '" + Messages.quote(key)
                        + "': a range has \"min\", \"max\", \"scaling\" or \"feasible_points\"");
            }
        }
        if (n.has("feasible_points")) {
            if (n.has("min") || n.has("max") || n.has("scaling")) {
                throw new InputException("give \"feasible_points\" or \"min\"/\"max\"/\"scaling\", not both");
            }
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
            default -> throw new InputException("unknown scaling '" + Messages.quote(scaling) + "' (use \"linear\" or \"log\")");
        };
    }

    public JsonNode toNode() {
        if (isDiscrete()) {
            ArrayNode array = JSON.createArrayNode();
            points.forEach(pt -> {
                ObjectNode o = array.addObject();
                pt.forEach(o::put);
            });
            return array;
        }
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
        if (isDiscrete()) {
            return points.size() + " discrete points of " + String.join(", ", names());
        }
        StringBuilder b = new StringBuilder();
        ranges.forEach((name, r) -> b.append(b.length() == 0 ? "" : ", ").append(name).append(' ').append(r.describe()));
        return b.toString();
    }
}
