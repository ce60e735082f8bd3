package dev.optbench.train;

import dev.optbench.optim.Optimizers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conformance suite's one door into the training backends of {@link TrialLoop}: per-op is
 * {@link Trainer} (DJL autograd over blocks; its update rules run as fused kernels where they
 * load), stacked and native are {@link BatchedTrainer} with K trials forced onto the stacked
 * NDArray backend or {@link NativeNet}'s passes ({@link dev.optbench.train.Backend.Kind}). {@code OPTBENCH_NATIVE=off} turns every
 * native part off (the fused update kernels too), which CI's second run does.
 */
final class ConformanceBackends {
    private ConformanceBackends() {}

    enum Backend {
        PER_OP, STACKED, NATIVE;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** One trial's minibatch losses (index = step − 1) and validation losses by evaluation step. */
    record Trajectory(double[] losses, Map<Long, Double> validation) {
        double lossAt(long step) {
            return losses[(int) step - 1];
        }
    }

    /** Why {@code backend} cannot train {@code workload} here, or null when it can. */
    static String unavailable(Backend backend, String workload) {
        return switch (backend) {
            case PER_OP -> null;
            case STACKED -> BatchedTrainer.supports(workload) ? null : "no stacked form";
            case NATIVE -> !BatchedTrainer.supports(workload) ? "no native form"
                    : !NativeNet.available() ? NativeNet.status() : null;
        };
    }

    /** How the update rules ran in this process (fused kernels or NDArray ops), for the table. */
    static String updateKernels() {
        return Optimizers.updateKernels();
    }

    /**
     * Trains {@code requests} (one workload and step count) on {@code backend}; the stacked and
     * native backends train them as one batch of K = requests.size() ≥ 2 trials.
     */
    static List<Trajectory> train(Backend backend, List<TrainRequest> requests) {
        List<Recorder> recorders = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            recorders.add(new Recorder(requests.get(i).steps()));
        }
        List<TrainResult> results;
        switch (backend) {
            case PER_OP -> {
                results = new ArrayList<>();
                for (int i = 0; i < requests.size(); i++) {
                    results.add(Trainer.train(requests.get(i), recorders.get(i)));
                }
            }
            case STACKED, NATIVE -> {
                if (requests.size() < 2) {
                    throw new IllegalArgumentException("a stacked batch needs K >= 2; K = 1 trains per-op");
                }
                // forced, so a backend that cannot run here fails the test instead of falling back
                dev.optbench.train.Backend.Kind kind = backend == Backend.NATIVE
                        ? dev.optbench.train.Backend.Kind.NATIVE : dev.optbench.train.Backend.Kind.STACKED;
                results = BatchedTrainer.train(requests.stream().map(r -> r.withBackend(kind)).toList(),
                        Collections.unmodifiableList(recorders));
            }
            default -> throw new IllegalStateException(backend.toString());
        }
        List<Trajectory> out = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            TrainResult r = results.get(i);
            if (r.status() != RunStatus.COMPLETED) {
                throw new AssertionError(backend.label() + " " + requests.get(i) + " ended " + r.status()
                        + (r.failure() == null ? "" : ": " + r.failure()));
            }
            out.add(recorders.get(i).trajectory());
        }
        return out;
    }

    /** Hears one trial's steps and validation evaluations. */
    private static final class Recorder implements TrainListener {
        private final double[] losses;
        private final Map<Long, Double> validation = new TreeMap<>();
        private int seen;

        Recorder(long steps) {
            this.losses = new double[(int) steps];
        }

        @Override
        public void onStep(long step, long total, double loss) {
            losses[(int) step - 1] = loss;
            seen++;
        }

        @Override
        public void onEvaluation(Measurement m) {
            if (m.split() == Split.VALIDATION) {
                validation.put(m.step(), m.loss());
            }
        }

        Trajectory trajectory() {
            if (seen != losses.length) {
                throw new AssertionError("heard " + seen + " of " + losses.length + " steps");
            }
            return new Trajectory(losses, Map.copyOf(validation));
        }
    }
}
