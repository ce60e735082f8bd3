package dev.optbench.train;

import dev.optbench.workload.ArraySource;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Speed of training steps, measured on synthetic data of the workload's shapes (uniform [−1, 1]
 * images, random tokens) so no data set is needed and DJL and PyTorch see the same work:
 * forward, cross-entropy, backward and a plain SGD update at a given batch size.
 */
public final class StepBenchmark {
    /** Hyperparameters of the plain SGD that trial-step timings train with, batched or not. */
    static final Map<String, Double> PLAIN_SGD = Map.of("learning_rate", 0.01);
    /** Vocabulary of the synthetic text (the DeepOBS War and Peace vocabulary has 83 symbols). */
    public static final int TEXT_VOCABULARY = 83;

    private StepBenchmark() {}

    /** Median and all blocks' steps/s. */
    public record Timing(String workload, int batch, double median, double[] blocks) {}

    public static Timing time(String workloadName, int batch, int warmup, double blockSeconds, int repeats) {
        return timeTrials(workloadName, batch, 1, warmup, blockSeconds, repeats);
    }

    /**
     * Trial-steps/s of {@code trials} trials trained as one batch on the backend a study would use
     * ({@link TrialLoop#kindFor}; one trial of a workload without a stacked form, or one that does
     * not suit the native passes, times the per-op backend): the same synthetic
     * data and plain SGD as {@link #time}, each block's rate being steps × K per second.
     */
    public static Timing timeTrials(String workloadName, int batch, int trials, int warmup, double blockSeconds,
            int repeats) {
        if (trials < 1) {
            throw new IllegalArgumentException("trials must be at least 1, not " + trials);
        }
        Workload base = Workloads.get(workloadName);
        Workload w = new Workload(base.name(), base.data(), base.architecture(), base.model(), base.loss(),
                base.errorMetric(), batch, base.stepBudget(), base.evalInterval(), base.targetError(), base.gpuOnly());
        DataSplits data = synthetic(w, batch * 4);
        double[] rates = TrialLoop.timeTrialSteps(w, data, trials, warmup, blockSeconds, repeats);
        return new Timing(workloadName, batch, median(rates), rates);
    }

    /** The median of {@code values} (the mean of the middle two for an even count); they are not changed. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Whether {@link #timeTrials} times K trials of {@code w} as a batch: as a study trains them. */
    static boolean timesBatched(Workload w, int trials) {
        return TrialLoop.kindFor(w, ai.djl.Device.cpu(), java.util.Collections.nCopies(trials,
                TrainConfig.of(dev.optbench.optim.OptimizerRegistry.BUILT_IN, "sgd", PLAIN_SGD)), trials, null, true) != Backend.Kind.PER_OP;
    }

    static DataSplits synthetic(Workload w, int examples) {
        SplittableRandom rng = new SplittableRandom(42);
        boolean text = w.data().sequenceLength() > 0;
        long[] shape = switch (w.dataset()) {
            case FASHION_MNIST -> new long[] {1, 28, 28};
            case CIFAR10, CIFAR100 -> new long[] {3, 32, 32};
            case IMAGENET -> new long[] {3, w.data().imageSize(), w.data().imageSize()};
            case TEXT -> new long[] {w.data().sequenceLength()};
        };
        int classes = text ? TEXT_VOCABULARY : w.dataset().classes();
        int per = 1;
        for (long d : shape) {
            per *= (int) d;
        }
        int labelsPer = text ? w.data().sequenceLength() : 1;
        float[] x = new float[examples * per];
        int[] y = new int[examples * labelsPer];
        for (int i = 0; i < x.length; i++) {
            x[i] = text ? rng.nextInt(classes) : (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(classes);
        }
        ArraySource source = new ArraySource(x, y, shape, labelsPer);
        return DataSplits.holdOut(source, examples, examples / 4, source, 1, classes, "synthetic " + w.name());
    }
}
