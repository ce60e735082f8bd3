package dev.optbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.platform.EngineSetup;
import dev.optbench.train.StepBenchmark;
import dev.optbench.workload.Workloads;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One process of a layout measurement (started by {@code bench layout}, whose JVM has its
 * intra-op thread count fixed): for each K and worker count, that many workers each train K
 * stacked trials at once, and their median trial-steps/s are summed. Prints one JSON object per layout.
 */
@Command(name = "probe", hidden = true, mixinStandardHelpOptions = true, description = "One process of 'bench layout' (internal).")
final class BenchProbeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workload", required = true, split = ",") List<String> workloads;

    @Option(names = "--batch", defaultValue = "0", description = "Batch size (0: the workload's).") int batchSize;

    @Option(names = "--workers", split = ",", defaultValue = "1") List<Integer> workers;

    @Option(names = "--batch-trials", split = ",", defaultValue = "1") List<Integer> batchTrials;

    @Option(names = "--warmup", defaultValue = "5") int warmup;

    @Option(names = "--block-seconds", defaultValue = "1.0") double blockSeconds;

    @Option(names = "--repeats", defaultValue = "5") int repeats;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads", EngineSetup.intraOpThreads()));
        ObjectMapper json = new ObjectMapper();
        for (String workload : workloads) {
            int batch = batchSize > 0 ? batchSize : Workloads.get(workload).batchSize();
            for (int k : batchTrials) {
                for (int w : workers) {
                    double sum = concurrent(workload, batch, k, w, warmup, blockSeconds, repeats);
                    out.println(json.writeValueAsString(java.util.Map.of("workload", workload, "workers", w,
                            "threads", threads, "batch_trials", k, "trial_steps_per_second", sum)));
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** Sum of the median trial-steps/s of {@code workers} step benchmarks of K stacked trials running at once. */
    static double concurrent(String workload, int batch, int k, int workers, int warmup, double blockSeconds, int repeats)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            List<Future<StepBenchmark.Timing>> runs = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                runs.add(pool.submit(() -> StepBenchmark.timeTrials(workload, batch, k, warmup, blockSeconds, repeats)));
            }
            double sum = 0;
            for (Future<StepBenchmark.Timing> f : runs) {
                sum += f.get().median();
            }
            return sum;
        } finally {
            pool.shutdownNow();
        }
    }
}
