package dev.optbench.study;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.workload.Workload;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * The job file a worker gives the torch engine ($OPTBENCH_JOB, docs/external-trials.md "The torch
 * engine", protocol 1): the device, the workload's record and the data path Java's Datasets
 * would read, and one entry per claimed trial (id = its label, optimizer, seed, canonical
 * resolved hyperparameters, and its optimizer class or null). {@code init} and {@code order}
 * (tests only, null otherwise) give every trial the same initial weights and batch order;
 * {@code lossEvery} (tests only, 0: the engine's default) asks for train_loss every N steps.
 */
public record TorchJob(String device, Workload workload, Path dataPath, List<Trial> trials, int threads, Path init,
        Path order, int lossEvery) {
    /** The protocol version this optbench writes. */
    public static final int PROTOCOL = 1;

    /** One trial of the job; {@code optimizerClass} null for a built-in rule. */
    public record Trial(String id, String optimizer, long seed, java.util.Map<String, Double> hparams, String optimizerClass) {
        public Trial {
            hparams = java.util.Map.copyOf(hparams);
        }
    }

    public TorchJob {
        trials = List.copyOf(trials);
    }

    /** The job for {@code claims} of study {@code def} (a torch study). */
    static TorchJob of(StudyDefinition def, Workload workload, Path dataPath, List<Claim> claims, int threads) {
        List<Trial> trials = claims.stream().map(c -> new Trial(c.label(), c.optimizer(), c.seed(), c.hparams(),
                def.torch().optimizerClass(c.optimizer()))).toList();
        return new TorchJob(def.torch().device(), def.torch().budgeted(workload), dataPath, trials, threads, null, null, 0);
    }

    /** The job as the engine reads it. */
    public String toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("protocol", PROTOCOL).put("device", device).put("layout", "auto").put("deterministic", true)
                .put("threads", threads);
        ObjectNode w = n.putObject("workload");
        w.put("name", workload.name()).put("architecture", workload.architecture().name()).put("tiny", workload.tiny())
                .put("classes", workload.dataset().classes()).put("batch_size", workload.batchSize())
                .put("steps", workload.stepBudget()).put("eval_interval", workload.evalInterval())
                .put("target_error", workload.targetError()).put("error_metric", workload.errorMetric());
        ObjectNode d = w.putObject("data");
        d.put("kind", workload.dataset().name()).put("tiny", workload.data().tiny())
                .put("sequence_length", workload.data().sequenceLength()).put("image_size", workload.data().imageSize())
                .put("path", dataPath.toString());
        ArrayNode ts = n.putArray("trials");
        for (Trial t : trials) {
            ObjectNode o = ts.addObject();
            o.put("id", t.id()).put("optimizer", t.optimizer()).put("seed", t.seed());
            ObjectNode h = o.putObject("hparams");
            new TreeMap<>(t.hparams()).forEach(h::put);
            if (t.optimizerClass() == null) {
                o.putNull("optimizer_class");
            } else {
                o.put("optimizer_class", t.optimizerClass());
            }
        }
        if (init == null) {
            n.putNull("init");
        } else {
            n.put("init", init.toString());
        }
        if (order == null) {
            n.putNull("order");
        } else {
            n.put("order", order.toString());
        }
        if (lossEvery > 0) { // optional addition to protocol 1 (tests): train_loss every N steps
            n.put("loss_every", lossEvery);
        }
        return n.toString();
    }
}
