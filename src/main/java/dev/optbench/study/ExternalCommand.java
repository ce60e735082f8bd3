package dev.optbench.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;

/**
 * How an external study runs a trial (SPEC section 10): {@code command} through {@code /bin/sh -c}
 * in the worker's directory, told to run {@code steps} steps, killed after {@code timeoutSeconds}
 * (0: no time-out). Stored with the study, so every worker runs the same command.
 */
public record ExternalCommand(String command, long steps, double timeoutSeconds) {
    /** The step count an external trial is told when the study does not give one. */
    public static final long DEFAULT_STEPS = 1000;

    /** The workload name an external study records (its analyses know no target error for it). */
    public static final String WORKLOAD = "external";

    public ExternalCommand {
        if (command == null || command.isBlank()) {
            throw new InputException("--command is empty: give the command that runs one trial, e.g. --command 'python3 train.py'");
        }
        dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_STEPS);
        if (!(timeoutSeconds >= 0) || Double.isInfinite(timeoutSeconds)) {
            throw new InputException("--trial-timeout must be a number of seconds ≥ 0 (0: none), not " + timeoutSeconds);
        }
    }

    String toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("command", command).put("steps", steps).put("timeout_seconds", timeoutSeconds);
        return n.toString();
    }

    /** null for a study of a built-in workload (no external column, or NULL in it). */
    static ExternalCommand fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            return new ExternalCommand(n.get("command").asText(), n.get("steps").asLong(), n.get("timeout_seconds").asDouble());
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalStateException("corrupt external command in store: " + json, e);
        }
    }

    /** What a trial's provenance records as its workload. */
    String describe() {
        return "external command: " + command + " (OPTBENCH_STEPS " + steps + ", time-out "
                + (timeoutSeconds == 0 ? "none" : timeoutSeconds + " s") + ")";
    }
}
