package dev.optbench.space;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.InputException;
import dev.optbench.optim.OptimizerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's own space ({@code --space FILE.json}), in one of two forms: a single AlgoPerf
 * space (an object of ranges, or AlgoPerf's discrete form: an array of points), used for every
 * optimizer; or an object keyed by optimizer name whose values are AlgoPerf spaces, one per optimizer. Every optimizer of the study must be
 * covered, and every name must be searchable for its optimizer.
 */
public final class SpaceFile {
    private SpaceFile() {}

    public static Map<String, SearchSpace> load(OptimizerRegistry registry, Path file, List<String> optimizers) {
        return load(registry, file, optimizers, false);
    }

    /**
     * {@code labels}: with {@code anyLabel} (external studies), labels optbench does not know as
     * optimizers are allowed and their names go unchecked; known optimizers are checked as usual.
     */
    public static Map<String, SearchSpace> load(OptimizerRegistry registry, Path file, List<String> labels,
            boolean anyLabel) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InputException("cannot read space file " + file + ": " + e.getMessage());
        }
        return parse(registry, text, file.toString(), labels, anyLabel);
    }

    public static Map<String, SearchSpace> parse(OptimizerRegistry registry, String text, String source,
            List<String> optimizers) {
        return parse(registry, text, source, optimizers, false);
    }

    static Map<String, SearchSpace> parse(OptimizerRegistry registry, String text, String source, List<String> optimizers,
            boolean anyLabel) {
        JsonNode root;
        try {
            root = SearchSpace.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            if (m != null && m.startsWith("Duplicate field ")) { // STRICT_DUPLICATE_DETECTION
                throw new InputException(source + " line " + e.getLocation().getLineNr() + ": key "
                        + dev.optbench.Messages.quote(m.substring("Duplicate field ".length())) + " is given twice; give each key once");
            }
            throw new InputException(source + " is not valid JSON: "
                    + dev.optbench.Messages.quote(e.getOriginalMessage().lines().findFirst().orElse("")));
        }
        if (root == null || !(root.isObject() || root.isArray()) || root.isEmpty()) {
            throw new InputException(source + ": expected a JSON object (an AlgoPerf space, or spaces keyed by optimizer)"
                    + " or a JSON array of points (AlgoPerf's discrete form)");
        }
        boolean perOptimizer = root.isObject();
        for (Iterator<JsonNode> it = root.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (SearchSpace.isRange(v) || !(v.isObject() || v.isArray())) {
                perOptimizer = false;
            }
        }
        Map<String, SearchSpace> out = new LinkedHashMap<>();
        if (perOptimizer) {
            for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!optimizers.contains(key) && !Hyperparameters.knows(registry, key)) {
                    throw new InputException(source + ": unknown key '" + dev.optbench.Messages.quote(key)
                            + "': neither an optimizer of the study (" + String.join(", ", optimizers)
                            + ") nor a known optimizer; fix or remove it");
                }
            }
            for (String o : optimizers) {
                if (!root.has(o)) {
                    throw new InputException(source + " has no space for optimizer " + o
                            + " (add an \"" + o + "\" entry, or give one AlgoPerf space for all optimizers)");
                }
                out.put(o, SearchSpace.fromNode(root.get(o), source + " [" + o + "]"));
            }
        } else {
            SearchSpace shared = SearchSpace.fromNode(root, source);
            for (String o : optimizers) {
                out.put(o, shared);
            }
        }
        out.forEach((o, s) -> {
            if (anyLabel && !Hyperparameters.knows(registry, o)) {
                return;
            }
            try {
                Hyperparameters.check(registry, o, s.names().stream().collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
            } catch (InputException e) {
                throw new InputException(source + ": " + e.getMessage());
            }
        });
        return out;
    }
}
