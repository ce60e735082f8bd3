package dev.optbench.train;

import java.nio.file.Path;
import java.util.Map;

/**
 * One training run to make: workload, optimizer, hyperparameters (canonical names), seed.
 *
 * @param steps training steps; {@code <= 0} means the workload's step budget
 * @param dataDir where the data files are; null means the data set's default location
 * @param device "cpu" or "gpu"
 * @param backend the backend to train on; null lets {@link TrialLoop} choose (native where it
 *     suits, stacked for several trials, else per-op). The trials of one batch name the same one.
 */
public record TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
        long steps, Path dataDir, String device, Backend.Kind backend) {

    public TrainRequest {
        hparams = Map.copyOf(hparams);
        if (!"cpu".equals(device) && !"gpu".equals(device)) {
            throw new dev.optbench.InputException("unknown device '" + dev.optbench.Messages.quote(device) + "': choose cpu or gpu");
        }
    }

    /** A run whose backend {@link TrialLoop} chooses. */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir, String device) {
        this(workload, optimizer, hparams, seed, steps, dataDir, device, null);
    }

    /** A CPU run. */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir) {
        this(workload, optimizer, hparams, seed, steps, dataDir, "cpu");
    }

    /** This run on {@code kind} (null: chosen). */
    public TrainRequest withBackend(Backend.Kind kind) {
        return new TrainRequest(workload, optimizer, hparams, seed, steps, dataDir, device, kind);
    }
}
