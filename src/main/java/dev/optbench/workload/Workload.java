package dev.optbench.workload;

/**
 * A workload of SPEC section 6: data, model, loss, error metric, batch size, step budget,
 * evaluation cadence and target error. Immutable; {@link Models#build} makes its network.
 *
 * @param name e.g. fmnist_mlp or fmnist_mlp-tiny
 * @param data what is read (data set, tiny subset, sequence length)
 * @param architecture which network {@link Models} builds
 * @param model one-line description of the network
 * @param loss the training loss (always softmax cross-entropy here)
 * @param errorMetric what "error" means: classification error or next-character error rate
 * @param batchSize examples per training step
 * @param stepBudget training steps of one trial
 * @param evalInterval steps between evaluations (the last step is always evaluated)
 * @param targetError validation error a "steps to target" analysis aims for
 * @param gpuOnly whether the full variant is impractical without a GPU
 */
public record Workload(
        String name,
        DataSpec data,
        Architecture architecture,
        String model,
        String loss,
        String errorMetric,
        int batchSize,
        long stepBudget,
        long evalInterval,
        double targetError,
        boolean gpuOnly) {

    public Workload {
        if (batchSize < 1 || stepBudget < 1 || evalInterval < 1) {
            throw new IllegalArgumentException("workload " + name + ": batch, budget and interval must be positive");
        }
    }

    public DatasetKind dataset() {
        return data.kind();
    }

    public boolean tiny() {
        return data.tiny();
    }
}
