package dev.optbench.study;

import java.util.Map;

/**
 * A running trial held by one worker. {@code attempt} counts claims of this trial: every store
 * write for the trial names it, so a worker whose lease expired (and whose trial another worker
 * took) can no longer complete, fail or release it.
 */
public record Claim(
        String study,
        String workload,
        String optimizer,
        int index,
        int attempt,
        String worker,
        Map<String, Double> hparams,
        long seed) {

    public Claim {
        hparams = Map.copyOf(hparams);
    }

    public String label() {
        return study + "/" + optimizer + "#" + index;
    }
}
