package dev.optbench.study;

import dev.optbench.train.TrainResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a runner and counts the trials it finishes, per optimizer#index. */
final class CountingRunner implements TrialRunner {
    final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
    private final TrialRunner inner;

    CountingRunner(TrialRunner inner) {
        this.inner = inner;
    }

    @Override
    public TrainResult run(Claim claim) {
        TrainResult r = inner.run(claim);
        finished.computeIfAbsent(claim.optimizer() + "#" + claim.index(), k -> new AtomicInteger()).incrementAndGet();
        return r;
    }

    @Override
    public String workloadDefinition(String workload) {
        return inner.workloadDefinition(workload);
    }

    @Override
    public double targetError(String workload) {
        return inner.targetError(workload);
    }
}
