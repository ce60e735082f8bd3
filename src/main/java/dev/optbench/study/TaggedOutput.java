package dev.optbench.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.train.Measurement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the torch engine's standard output (docs/external-trials.md, "The torch engine"): one
 * JSON object per line, each about one trial of the batch ({@code "trial": id}): a measurement
 * ({@code step} and any of {@link #FIELDS}), or a final status (completed, diverged, or failed
 * with a message); and once, first, {@code {"provenance": {...}}}. NaN and ±Infinity are numbers
 * (Python's json writes them); a non-finite loss means that trial diverged. A line that is not
 * one of these, or names a trial not in the batch, makes the whole output malformed. The untagged
 * protocol of external studies is {@link ExternalOutput}'s. Not thread-safe: one reader thread.
 */
final class TaggedOutput {
    static final Set<String> FIELDS = Set.of("trial", "step", "train_loss", "train_eval_loss", "train_eval_error",
            "validation_loss", "validation_error", "test_loss", "test_error");

    /** How a trial's run ended; null while it has no final status. */
    enum Status { COMPLETED, DIVERGED, FAILED }

    /** One trial's curve so far, and its final status once given. */
    static final class TrialOutput {
        final List<Measurement> measurements = new ArrayList<>();
        long lastStep = -1;
        boolean reportedValidationError;
        volatile Status status;
        String message;
        boolean divergedByLoss;
        /** Hears each measurement as its line is read (a running trial's live curve). */
        dev.optbench.train.TrainListener listener = dev.optbench.train.TrainListener.NONE;

        long stepsRun() {
            return Math.max(0, lastStep);
        }
    }

    private final Map<String, TrialOutput> trials = new LinkedHashMap<>();
    private final Map<String, String> provenance = new LinkedHashMap<>();
    private int lines;
    private volatile int open;
    private volatile String malformed;

    /** A reader for the trials {@code ids} (the batch given to the process, in order). */
    TaggedOutput(Collection<String> ids) {
        this(ids, id -> dev.optbench.train.TrainListener.NONE);
    }

    /** As {@link #TaggedOutput(Collection)}; {@code listeners} gives the listener that hears each trial's measurements. */
    TaggedOutput(Collection<String> ids, java.util.function.Function<String, dev.optbench.train.TrainListener> listeners) {
        ids.forEach(id -> trials.put(id, new TrialOutput()));
        trials.forEach((id, t) -> t.listener = listeners.apply(id));
        open = trials.size();
    }

    /** Takes one line; returns false once the output is malformed. */
    boolean accept(String line) {
        lines++;
        if (malformed != null) {
            return false;
        }
        if (line.isBlank()) {
            return true;
        }
        JsonNode n = ExternalOutput.objectOf(line);
        if (n == null) {
            return bad("is not a JSON object");
        }
        if (n.has("provenance")) {
            if (n.size() != 1 || !n.get("provenance").isObject()) {
                return bad("has provenance but is not {\"provenance\": {...}}");
            }
            n.get("provenance").fields().forEachRemaining(e -> provenance.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().isNull() ? "none" : e.getValue().toString()));
            return true;
        }
        JsonNode id = n.get("trial");
        if (id == null || !id.isTextual()) {
            return bad("has no \"trial\"");
        }
        TrialOutput t = trials.get(id.asText());
        if (t == null) {
            return bad("names trial '" + dev.optbench.Messages.quote(id.asText()) + "', which is not in the job");
        }
        if (t.status == Status.DIVERGED && t.divergedByLoss && n.size() == 2
                && "diverged".equals(n.path("status").asText(""))) {
            t.divergedByLoss = false; // the engine's own word for what its non-finite loss already said
            return true;
        }
        if (t.status != null) {
            return bad("is about trial " + id.asText() + " after its final status");
        }
        if (n.has("status")) {
            return status(t, n);
        }
        MeasurementLine m;
        try {
            m = MeasurementLine.parse(n, FIELDS, "trial");
        } catch (MeasurementLine.Malformed e) {
            return bad(e.getMessage());
        }
        t.lastStep = Math.max(t.lastStep, m.step());
        t.measurements.addAll(m.measurements());
        m.measurements().forEach(t.listener::onEvaluation);
        t.reportedValidationError |= m.reportsValidationError();
        if (m.nonFiniteLoss()) {
            end(t, Status.DIVERGED, null); // SPEC section 7: a non-finite loss is divergence
            t.divergedByLoss = true;
        }
        return true;
    }

    private boolean status(TrialOutput t, JsonNode n) {
        String status = n.get("status").asText("");
        switch (status) {
            case "completed" -> {
                if (n.size() != 2) {
                    return bad("has a status with other fields");
                }
                if (!t.reportedValidationError) { // a trial without its result is not a result of 1.0
                    end(t, Status.FAILED, "the torch engine completed it without reporting a validation_error");
                } else {
                    end(t, Status.COMPLETED, null);
                }
            }
            case "diverged" -> {
                if (n.size() != 2) {
                    return bad("has a status with other fields");
                }
                end(t, Status.DIVERGED, null);
            }
            case "failed" -> {
                JsonNode m = n.get("message");
                if (n.size() > 3 || (n.size() == 3 && m == null)) {
                    return bad("has a status with other fields");
                }
                String text = m == null ? "" : m.asText("");
                end(t, Status.FAILED, "the torch engine failed it: " + (text.isBlank() ? "(no message)"
                        : text.length() > 500 ? text.substring(0, 500) + "…" : text));
            }
            default -> {
                return bad("has a status other than completed, diverged or failed");
            }
        }
        return true;
    }

    private void end(TrialOutput t, Status status, String message) {
        t.status = status;
        t.message = message;
        open--;
    }

    private boolean bad(String why) {
        malformed = "line " + lines + " of the torch engine's output " + why + " (expected JSON lines {\"trial\": id, \"step\":"
                + " N, ...}, {\"trial\": id, \"status\": ...} or {\"provenance\": {...}}, docs/external-trials.md)";
        return false;
    }

    /** Why the output is malformed, null if it is not. */
    String malformed() {
        return malformed;
    }

    /** Whether every trial of the batch has its final status. */
    boolean allEnded() {
        return open == 0;
    }

    TrialOutput trial(String id) {
        return trials.get(id);
    }

    /** The provenance line's fields (values as text), empty when none came. */
    Map<String, String> provenance() {
        return Map.copyOf(provenance);
    }
}
