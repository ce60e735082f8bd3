package dev.optbench.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.optbench.train.Measurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an external trial's standard output (SPEC section 10): one JSON object per line,
 * {@code {"step", "train_loss", "validation_error", "validation_loss", "test_error"}}, any subset
 * but {@code step}; or {@code {"status": "diverged"}}. NaN and ±Infinity are read as numbers (as
 * Python's json module writes them); a non-finite loss means the run diverged. Blank lines are
 * skipped; anything else is malformed and fails the trial. Not thread-safe: one reader thread.
 */
final class ExternalOutput {
    static final Set<String> FIELDS = Set.of("step", "train_loss", "validation_error", "validation_loss", "test_error");
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final List<Measurement> measurements = new ArrayList<>();
    /** Hears each measurement as its line is read (a running trial's live curve). */
    private final dev.optbench.train.TrainListener listener;
    private long lastStep = -1;
    private int lines;
    private volatile boolean diverged;
    private volatile boolean reportedValidationError;
    private volatile String malformed;

    /**
     * {@code line} as a JSON object, NaN and ±Infinity read as numbers (as Python's json writes
     * them); null when it is not one. Shared with {@link TaggedOutput}.
     */
    ExternalOutput() {
        this(dev.optbench.train.TrainListener.NONE);
    }

    ExternalOutput(dev.optbench.train.TrainListener listener) {
        this.listener = listener;
    }

    static JsonNode objectOf(String line) {
        try {
            JsonNode n = LENIENT.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Takes one line; returns false once the outcome is decided (diverged or malformed). */
    boolean accept(String line) {
        lines++;
        if (diverged || malformed != null) {
            return false;
        }
        if (line.isBlank()) {
            return true;
        }
        JsonNode n = objectOf(line);
        if (n == null) {
            return bad("is not a JSON object");
        }
        if (n.has("status")) {
            if (n.size() == 1 && "diverged".equals(n.get("status").asText(null))) {
                diverged = true;
                return false;
            }
            return bad("has a status other than {\"status\": \"diverged\"}");
        }
        MeasurementLine m;
        try {
            m = MeasurementLine.parse(n, FIELDS, null);
        } catch (MeasurementLine.Malformed e) {
            return bad(e.getMessage());
        }
        lastStep = Math.max(lastStep, m.step());
        measurements.addAll(m.measurements());
        reportedValidationError |= m.reportsValidationError();
        m.measurements().forEach(listener::onEvaluation);
        if (m.nonFiniteLoss()) {
            diverged = true;
            return false;
        }
        return true;
    }

    private boolean bad(String why) {
        malformed = "line " + lines + " of its output " + why + " (expected {\"step\": N, \"train_loss\": x,"
                + " \"validation_error\": x, \"validation_loss\": x, \"test_error\": x}, any subset but step)";
        return false;
    }

    /** Whether some line gave a finite validation_error: a completed trial must report one. */
    boolean reportedValidationError() {
        return reportedValidationError;
    }

    boolean diverged() {
        return diverged;
    }

    /** Why the output is malformed, null if it is not. */
    String malformed() {
        return malformed;
    }

    /** The steps run: the largest step reported (a step counts the updates done, as in a built-in curve). */
    long stepsRun() {
        return Math.max(0, lastStep);
    }

    List<Measurement> measurements() {
        return List.copyOf(measurements);
    }
}
