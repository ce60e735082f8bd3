package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.study.BatchWorker;
import dev.optbench.study.BatchedTrainerRunner;
import dev.optbench.study.SqlStudyStore;
import dev.optbench.study.TrainerRunner;
import dev.optbench.study.TrialWorker;
import dev.optbench.study.Worker;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How trials run, shared by every command that runs them: study run, worker, reproduce, demo. */
final class TrialOptions {
    @Option(names = "--data-dir", description = "Where the data sets are (default: each data set's usual place).")
    Path dataDir;

    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu or gpu (gpu needs the build with -Pcuda; default ${DEFAULT-VALUE}).")
    String device = "cpu";

    @Option(names = "--lease-seconds", hidden = true)
    Double leaseSeconds;

    @Option(names = "--batch-trials", paramLabel = "K|auto", defaultValue = "auto",
            description = "Train up to K trials of a study together as one stacked model (workloads with a batched "
                    + "form, see 'optbench workloads'); auto: the K found fastest for the workload (default ${DEFAULT-VALUE}).")
    String batchTrials = "auto";

    /** The device name, checked now: "gpu" without a visible GPU is an input error before any trial is claimed. */
    String checkedDevice() {
        dev.optbench.train.Trainer.device(device);
        return device;
    }

    long leaseMillis() {
        return Leases.millis(leaseSeconds);
    }

    /** K ≥ 1, or {@link BatchedTrainerRunner#AUTO}; an InputException for anything else. */
    int batchTrialsValue() {
        if ("auto".equals(batchTrials)) {
            return BatchedTrainerRunner.AUTO;
        }
        try {
            int k = Integer.parseInt(batchTrials.trim());
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new InputException("--batch-trials " + batchTrials + ": give a whole number K >= 1 or auto");
    }

    /** These options with K trials per batch (the layout's choice for --batch-trials auto). */
    TrialOptions withBatchTrials(int k) {
        TrialOptions t = new TrialOptions();
        t.dataDir = dataDir;
        t.device = device;
        t.leaseSeconds = leaseSeconds;
        t.batchTrials = Integer.toString(k);
        return t;
    }

    /** The worker these options ask for: batched trials unless --batch-trials 1. */
    TrialWorker worker(SqlStudyStore store, String study, String id, long leaseMillis, Worker.Listener listener) {
        int k = batchTrialsValue();
        String device = checkedDevice();
        if (k == 1) {
            return new Worker(store, new TrainerRunner(dataDir, device), study, id, leaseMillis, listener);
        }
        return new BatchWorker(store, new BatchedTrainerRunner(dataDir, device, k), study, id, leaseMillis, listener);
    }
}
