package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner a worker uses: each claim runs as its study says, through the trainer for a built-in
 * workload or as a process for an external study (SPEC section 10). A worker without --study
 * may take trials of both kinds.
 */
public final class StudyRunners implements TrialRunner {
    private final StudyStore store;
    private final TrainerRunner trainer;
    private final Map<String, StudyDefinition> studies = new ConcurrentHashMap<>();

    private StudyRunners(StudyStore store, TrainerRunner trainer) {
        this.store = store;
        this.trainer = trainer;
    }

    /** Built-in workloads on {@code device} with data in {@code dataDir}; external studies by their command. */
    public static TrialRunner forStore(StudyStore store, Path dataDir, String device) {
        return new StudyRunners(store, new TrainerRunner(dataDir, device));
    }

    private StudyDefinition definition(Claim claim) {
        return studies.computeIfAbsent(claim.study(), store::study);
    }

    @Override
    public TrainResult run(Claim claim) {
        StudyDefinition def = definition(claim);
        return def.isExternal() ? new ExternalRunner(def.external()).run(claim) : trainer.run(claim);
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
