package dev.optbench.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * One training run to make: workload, optimizer, hyperparameters (canonical names), seed.
 *
 * @param steps training steps; {@code <= 0} means the workload's step budget
 * @param dataDir where the data files are; null means the data set's default location
 * @param device "cpu" or "gpu"
 */
public record TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
        long steps, Path dataDir, String device) {

    public TrainRequest {
        hparams = Map.copyOf(hparams);
        if (!"cpu".equals(device) && !"gpu".equals(device)) {
            throw new dev.optbench.InputException("unknown device '" + dev.optbench.Messages.quote(device) + "': choose cpu or gpu");
        }
    }

    /** A CPU run. */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir) {
        this(workload, optimizer, hparams, seed, steps, dataDir, "cpu");
    }
}
