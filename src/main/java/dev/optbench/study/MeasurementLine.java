package dev.optbench.study;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One measurement line of a trial process's output, as the external protocol ({@link ExternalOutput})
 * and the torch engine's tagged one ({@link TaggedOutput}) both write it: {@code step} and any of
 * {@code train_loss}, {@code <split>_loss}, {@code <split>_error} for the splits the protocol
 * allows. The store keeps no ±Infinity, so a non-finite value is stored as missing (NaN); a
 * non-finite loss means the run diverged (SPEC section 7).
 *
 * @param measurements in split order: train, train_eval, validation, test
 * @param reportsValidationError whether it gives a finite validation_error (a completed trial must)
 * @param nonFiniteLoss whether one of its losses is NaN or ±Infinity
 */
record MeasurementLine(long step, List<Measurement> measurements, boolean reportsValidationError, boolean nonFiniteLoss) {
    /** An evaluated split's loss and error field names. */
    private static final Map<Split, List<String>> EVALUATED = Map.of(
            Split.TRAIN_EVAL, List.of("train_eval_loss", "train_eval_error"),
            Split.VALIDATION, List.of("validation_loss", "validation_error"),
            Split.TEST, List.of("test_loss", "test_error"));
    private static final List<Split> ORDER = List.of(Split.TRAIN_EVAL, Split.VALIDATION, Split.TEST);

    /** Why a line is not a measurement line; its message completes "line N of … <message>". */
    static final class Malformed extends Exception {
        Malformed(String why) {
            super(why, null, false, false);
        }
    }

    /**
     * Reads {@code n}, whose every field but {@code tag} (null: none) must be one of {@code fields}
     * and numeric.
     */
    static MeasurementLine parse(JsonNode n, Set<String> fields, String tag) throws Malformed {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!fields.contains(e.getKey())) {
                throw new Malformed("has unknown field '" + dev.optbench.Messages.quote(e.getKey()) + "'");
            }
            if (!e.getKey().equals(tag) && !e.getValue().isNumber()) {
                throw new Malformed("has a non-numeric " + e.getKey());
            }
        }
        JsonNode step = n.get("step");
        if (step == null || !step.canConvertToExactIntegral() || !step.canConvertToLong() || step.asLong() < 0) {
            throw new Malformed("needs \"step\", a whole number ≥ 0");
        }
        long s = step.asLong();
        List<Measurement> out = new ArrayList<>();
        boolean nonFiniteLoss = false;
        if (n.has("train_loss")) {
            double loss = value(n, "train_loss");
            out.add(new Measurement(s, Split.TRAIN, finite(loss), Double.NaN));
            nonFiniteLoss = !Double.isFinite(loss);
        }
        for (Split split : ORDER) {
            String lossKey = EVALUATED.get(split).get(0);
            String errorKey = EVALUATED.get(split).get(1);
            if (n.has(lossKey) || n.has(errorKey)) {
                double loss = value(n, lossKey);
                out.add(new Measurement(s, split, finite(loss), finite(value(n, errorKey))));
                nonFiniteLoss |= n.has(lossKey) && !Double.isFinite(loss);
            }
        }
        boolean validationError = n.has("validation_error") && Double.isFinite(value(n, "validation_error"));
        return new MeasurementLine(s, List.copyOf(out), validationError, nonFiniteLoss);
    }

    private static double value(JsonNode n, String key) {
        return n.has(key) ? n.get(key).asDouble() : Double.NaN;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }
}
