package dev.optbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.StackedModels;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists the workloads with their data, model, batch size, budget, cadence and target. */
@Command(name = "workloads", mixinStandardHelpOptions = true,
        description = "List the workloads (SPEC section 6) and their -tiny variants.")
final class WorkloadsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON array instead of a table.")
    boolean json;

    /** The engines a workload runs on: both for all; a GPU-only workload is torch in practice. */
    static String engines(Workload w) {
        return w.gpuOnly() ? "torch" : "djl,torch";
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (Workload w : Workloads.all()) {
                array.addObject().put("name", w.name()).put("dataset", w.dataset().id())
                        .put("model", w.model()).put("loss", w.loss()).put("error_metric", w.errorMetric())
                        .put("batch_size", w.batchSize()).put("step_budget", w.stepBudget())
                        .put("eval_interval", w.evalInterval()).put("target_error", w.targetError())
                        .put("gpu_only", w.gpuOnly()).put("batched", StackedModels.supports(w))
                        .put("engines", engines(w))
                        .put("data_files", Datasets.expectedFiles(w.dataset()));
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else {
            String fmt = "%-24s %-13s %6s %8s %7s %7s %7s %-10s  %s%n";
            out.printf(fmt, "workload", "data", "batch", "steps", "every", "target", "trials", "engines", "model");
            for (Workload w : Workloads.all()) {
                out.printf(fmt, w.name(), w.dataset().id(), w.batchSize(), w.stepBudget(), w.evalInterval(),
                        String.format("%.2f", w.targetError()), StackedModels.supports(w) ? "batched" : "1",
                        engines(w), w.model() + (w.gpuOnly() ? " [GPU]" : ""));
            }
            out.println();
            out.println("trials: 'batched' workloads train --batch-trials K trials together as one stacked model; "
                    + "the others one at a time.");
            out.println("engines: djl (this JVM, CPU) and torch (study create --engine torch: the PyTorch engine, cpu or"
                    + " cuda); [GPU] workloads: torch on cuda in practice.");
            out.println("loss: softmax cross-entropy; error: classification error (images), next-character error (text).");
            out.println("Data: Fashion-MNIST from /usr/share/datasets/fashion-mnist, text defaults to "
                    + "the King James Bible (Debian package bible-kjv); CIFAR and ImageNet need --data-dir.");
        }
        out.flush();
        return 0;
    }
}
