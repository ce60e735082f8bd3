package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.nio.file.Path;

/**
 * The runner a worker uses: each claim runs as its study says, through the trainer for a built-in
 * workload or as a process for an external study (SPEC section 10). A worker without --study
 * may take trials of both kinds. Definitions come from the worker's {@link ClaimGate}, as it
 * admitted them: an external command runs only if the gate's policy allows it.
 */
public final class StudyRunners implements TrialRunner {
    private final ClaimGate gate;
    private final TrainerRunner trainer;

    private StudyRunners(ClaimGate gate, TrainerRunner trainer) {
        this.gate = gate;
        this.trainer = trainer;
    }

    /** Built-in workloads on {@code device} with data in {@code dataDir}; external studies by their command. */
    public static TrialRunner forGate(ClaimGate gate, Path dataDir, String device) {
        return new StudyRunners(gate, new TrainerRunner(dataDir, device, gate.optimizers()));
    }

    private StudyDefinition definition(Claim claim) {
        return gate.definition(claim.study());
    }

    @Override
    public TrainResult run(Claim claim) {
        return run(claim, TrialProgress.NONE);
    }

    @Override
    public java.util.List<TrainResult> runBatch(java.util.List<Claim> claims, TrialProgress progress) {
        return claims.stream().map(c -> run(c, progress)).toList();
    }

    private TrainResult run(Claim claim, TrialProgress progress) {
        StudyDefinition def = definition(claim);
        if (!def.isExternal()) {
            return trainer.runBatch(java.util.List.of(claim), progress).get(0);
        }
        if (!gate.policy().allows(def.external())) { // the gate admits no such study; never run one regardless
            throw new IllegalStateException("study " + def.name() + "'s command is not allowed on this worker");
        }
        return new ExternalRunner(def.external(), gate.policy().passEnv()).run(claim, progress.listener(claim));
    }

    @Override
    public String workloadDefinition(Claim claim) {
        StudyDefinition def = definition(claim);
        return def.isExternal() ? def.external().describe() : trainer.workloadDefinition(claim.workload());
    }

    @Override
    public double targetError(Claim claim) {
        return definition(claim).isExternal() ? Double.NaN : trainer.targetError(claim.workload());
    }

    @Override
    public String workloadDefinition(String workload) {
        return trainer.workloadDefinition(workload);
    }

    @Override
    public double targetError(String workload) {
        return trainer.targetError(workload);
    }

    @Override
    public String dataDescription(String workload) {
        return ExternalCommand.WORKLOAD.equals(workload) ? null : trainer.dataDescription(workload);
    }
}
