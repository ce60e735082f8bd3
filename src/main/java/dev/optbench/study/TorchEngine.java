package dev.optbench.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A study that trains on the PyTorch engine ({@code python/optbench_torch}, run as one process
 * per claimed batch, docs/external-trials.md "The torch engine") instead of DJL: on {@code device}
 * (cpu or cuda), with {@code optimizerClasses} mapping a study label to the
 * {@code package.module:Class} of a user's {@code torch.optim.Optimizer} (imported code: run only
 * where the worker's operator allowed that exact string, see {@link CommandPolicy}), and
 * {@code steps} the trials' step budget (0: the workload's; {@code study create --steps}, e.g. to fit
 * a study into one GPU session), and {@code timeoutSeconds} how long one claimed batch's process
 * may run before it is killed and its unfinished trials fail (0: no limit; {@code study create
 * --trial-timeout}, so that a hung GPU process cannot hold its trials for ever). Stored with the
 * study; a study without one is a DJL study.
 */
public record TorchEngine(String device, Map<String, String> optimizerClasses, long steps, double timeoutSeconds) {
    /** The engine names 'study create --engine' takes. */
    public static final String DJL = "djl";
    public static final String TORCH = "torch";

    private static final String CLASS_PATTERN = "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*";

    public TorchEngine {
        if (!"cpu".equals(device) && !"cuda".equals(device)) {
            throw new InputException("--device " + Messages.quote(String.valueOf(device))
                    + ": the torch engine runs on cpu or cuda; give --device cpu or --device cuda");
        }
        optimizerClasses = Map.copyOf(optimizerClasses);
        optimizerClasses.forEach((label, cls) -> checkClass(cls, label));
        if (steps != 0) {
            dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_STEPS);
        }
        if (!(timeoutSeconds >= 0) || Double.isInfinite(timeoutSeconds)) {
            throw new InputException("--trial-timeout must be a number of seconds ≥ 0 (0: none), not " + timeoutSeconds);
        }
    }

    /** No time limit. */
    public TorchEngine(String device, Map<String, String> optimizerClasses, long steps) {
        this(device, optimizerClasses, steps, 0);
    }

    /** The workload's own step budget, no time limit. */
    public TorchEngine(String device, Map<String, String> optimizerClasses) {
        this(device, optimizerClasses, 0);
    }

    /** {@code w} with this study's step budget, evaluated at most every {@code steps} (and at the last step). */
    public dev.optbench.workload.Workload budgeted(dev.optbench.workload.Workload w) {
        if (steps == 0 || steps == w.stepBudget()) {
            return w;
        }
        return new dev.optbench.workload.Workload(w.name(), w.data(), w.architecture(), w.model(), w.loss(), w.errorMetric(),
                w.batchSize(), steps, Math.min(w.evalInterval(), steps), w.targetError(), w.gpuOnly());
    }

    /** Checks {@code cls} is a {@code package.module:Class} string; {@code label} names it in the message. */
    public static String checkClass(String cls, String label) {
        if (cls == null || !cls.matches(CLASS_PATTERN)) {
            throw new InputException("--optimizer-class " + label + "=" + Messages.quote(String.valueOf(cls))
                    + ": give a Python class as package.module:Class, e.g. lion=my_optim.lion:Lion");
        }
        return cls;
    }

    /** The class of study label {@code label}, null when it is one of the engine's built-in rules. */
    public String optimizerClass(String label) {
        return optimizerClasses.get(label);
    }

    String toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("engine", TORCH).put("device", device);
        ObjectNode classes = n.putObject("optimizer_classes");
        new TreeMap<>(optimizerClasses).forEach(classes::put);
        if (steps != 0) { // absent otherwise, so studies stored before --steps keep their fingerprints
            n.put("steps", steps);
        }
        if (timeoutSeconds != 0) { // likewise
            n.put("timeout_seconds", timeoutSeconds);
        }
        return n.toString();
    }

    /** null for a DJL study (no engine column, or NULL in it). */
    static TorchEngine fromJson(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            if (!TORCH.equals(n.get("engine").asText())) {
                throw new IllegalStateException("unknown engine in store: " + json);
            }
            Map<String, String> classes = new TreeMap<>();
            JsonNode c = n.get("optimizer_classes");
            if (c != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    classes.put(e.getKey(), e.getValue().asText());
                }
            }
            return new TorchEngine(n.get("device").asText(), classes, n.path("steps").asLong(0),
                    n.path("timeout_seconds").asDouble(0));
        } catch (JsonProcessingException | NullPointerException | InputException e) {
            throw new IllegalStateException("corrupt engine in store: " + json, e);
        }
    }

    /** What a trial's provenance records as its engine. */
    String describe() {
        return "torch engine on " + device + (steps == 0 ? "" : ", " + steps + " steps")
                + (timeoutSeconds == 0 ? "" : ", batches killed after " + ExternalRunner.seconds(timeoutSeconds) + " s")
                + (optimizerClasses.isEmpty() ? ""
                : ", optimizer classes " + new TreeMap<>(optimizerClasses));
    }
}
