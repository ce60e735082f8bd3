package dev.optbench.study;

import dev.optbench.train.TrainResult;
import dev.optbench.workload.Workloads;
import java.util.List;
import java.util.Map;

/**
 * The runner a worker uses: a torch study's claims go to the {@link TorchRunner} (K per
 * process), every other claim to {@code djl} (built-in workloads on DJL, external commands), by
 * the study's definition as the worker's {@link ClaimGate} admitted it.
 */
public final class EngineRunner implements TrialRunner {
    private final ClaimGate gate;
    private final TrialRunner djl;
    private final TorchRunner torch;

    public EngineRunner(ClaimGate gate, TrialRunner djl, TorchRunner torch) {
        this.gate = gate;
        this.djl = djl;
        this.torch = torch;
    }

    private StudyDefinition torchStudy(Claim claim) {
        StudyDefinition def = gate.definition(claim.study());
        return def.isTorch() ? def : null;
    }

    @Override
    public int batchLimit(Claim first) {
        StudyDefinition def = torchStudy(first);
        return def != null ? torch.batchLimit(def) : djl.batchLimit(first);
    }

    /** The torch engine runs a batch's trials as one stacked group per update rule, one group after another. */
    @Override
    public boolean batchesOneOptimizerFirst(Claim first) {
        return torchStudy(first) != null;
    }

    @Override
    public int batchLimit(String workload) {
        return djl.batchLimit(workload);
    }

    @Override
    public List<TrainResult> runBatch(List<Claim> claims) {
        return runBatch(claims, TrialProgress.NONE);
    }

    @Override
    public List<TrainResult> runBatch(List<Claim> claims, TrialProgress progress) {
        StudyDefinition def = torchStudy(claims.get(0));
        if (def == null) {
            return djl.runBatch(claims, progress);
        }
        for (Claim c : claims) { // the gate admitted these labels; never import a class it did not
            if (def.isOptimizerClass(c.optimizer()) && !gate.policy().allowsClass(def.torch().optimizerClass(c.optimizer()))) {
                throw new IllegalStateException("study " + def.name() + "'s optimizer class for " + c.optimizer()
                        + " is not allowed on this worker");
            }
        }
        return torch.runBatch(def, claims, progress);
    }

    @Override
    public TrainResult run(Claim claim) {
        return torchStudy(claim) != null ? runBatch(List.of(claim)).get(0) : djl.run(claim);
    }

    @Override
    public Map<String, String> runProvenance(Claim claim) {
        return torch.takeProvenance(claim);
    }

    @Override
    public String workloadDefinition(Claim claim) {
        StudyDefinition def = torchStudy(claim);
        return def != null ? Workloads.get(def.workload()) + "; " + def.torch().describe() : djl.workloadDefinition(claim);
    }

    @Override
    public double targetError(Claim claim) {
        return djl.targetError(claim);
    }

    @Override
    public String workloadDefinition(String workload) {
        return djl.workloadDefinition(workload);
    }

    @Override
    public double targetError(String workload) {
        return djl.targetError(workload);
    }

    @Override
    public String dataDescription(String workload) {
        return djl.dataDescription(workload);
    }
}
