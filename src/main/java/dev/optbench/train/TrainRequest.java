package dev.optbench.train;

import dev.optbench.optim.OptimizerRegistry;
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
 * @param optimizers the rules {@code optimizer} is looked up in: the run's plug-ins as well as the
 *     built-ins (the shorter constructors know the built-ins only)
 */
public record TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
        long steps, Path dataDir, String device, Backend.Kind backend, OptimizerRegistry optimizers) {

    public TrainRequest {
        hparams = Map.copyOf(hparams);
        java.util.Objects.requireNonNull(optimizers, "optimizers");
        if (!"cpu".equals(device) && !"gpu".equals(device)) {
            throw new dev.optbench.InputException("unknown device '" + dev.optbench.Messages.quote(device) + "': choose cpu or gpu");
        }
    }

    /** A run of a built-in optimizer on {@code backend} (null: chosen). */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir, String device, Backend.Kind backend) {
        this(workload, optimizer, hparams, seed, steps, dataDir, device, backend, OptimizerRegistry.BUILT_IN);
    }

    /** A run of a built-in optimizer whose backend {@link TrialLoop} chooses. */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir, String device) {
        this(workload, optimizer, hparams, seed, steps, dataDir, device, null);
    }

    /** A CPU run of a built-in optimizer. */
    public TrainRequest(String workload, String optimizer, Map<String, Double> hparams, long seed,
            long steps, Path dataDir) {
        this(workload, optimizer, hparams, seed, steps, dataDir, "cpu");
    }

    /** This run on {@code kind} (null: chosen). */
    public TrainRequest withBackend(Backend.Kind kind) {
        return new TrainRequest(workload, optimizer, hparams, seed, steps, dataDir, device, kind, optimizers);
    }

    /** This run with its optimizer looked up in {@code registry} (say, one with the run's plug-ins). */
    public TrainRequest withOptimizers(OptimizerRegistry registry) {
        return new TrainRequest(workload, optimizer, hparams, seed, steps, dataDir, device, backend, registry);
    }
}
