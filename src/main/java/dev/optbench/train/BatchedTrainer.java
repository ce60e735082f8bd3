package dev.optbench.train;

import dev.optbench.workload.StackedModels;
import dev.optbench.workload.Workloads;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * K trials of one workload trained together (SPEC section 10): an entry point to
 * {@link TrialLoop}, which picks the backend (the native passes where they suit, the stacked
 * network for K &gt; 1, the per-op reference otherwise) unless the requests name one. Each trial
 * keeps its own seed, initialization, data order, label smoothing, l2, weight decay, update rule
 * and its hyperparameters (trials of one rule share one batched optimizer) and learning-rate
 * schedule, so trial k gives trial k's {@link Trainer} curve up to float32 rounding.
 */
public final class BatchedTrainer {
    /** K when nothing else is chosen, for the MLPs (per-op overhead dominates; bmm scales well). */
    public static final int DEFAULT_TRIALS = 8;

    /** K when nothing else is chosen, for the convolutional networks (grouped convolution gains less). */
    public static final int DEFAULT_CONV_TRIALS = 4;

    private BatchedTrainer() {}

    /** Whether {@code workload} trains batched; the others run one trial at a time. */
    public static boolean supports(String workload) {
        // an external study's workload is no built-in one: it runs one trial at a time
        return Workloads.isBuiltIn(workload) && StackedModels.supports(Workloads.get(workload));
    }

    /**
     * The K that {@code --batch-trials auto} uses for {@code workload}: {@link #DEFAULT_TRIALS}
     * for the MLPs, {@link #DEFAULT_CONV_TRIALS} for the other batched workloads, 1 otherwise
     * (rough picks from trial-steps/s measured on a loaded 2-core machine). The one place a
     * measured layout choice ({@link StepBenchmark#timeTrials}) plugs in.
     */
    public static int autoTrials(String workload) {
        if (!supports(workload)) {
            return 1;
        }
        return Workloads.get(workload).architecture() == dev.optbench.workload.Architecture.MLP
                ? DEFAULT_TRIALS : DEFAULT_CONV_TRIALS;
    }

    public static List<TrainResult> train(List<TrainRequest> requests) {
        return train(requests, Collections.nCopies(requests.size(), TrainListener.NONE));
    }

    /**
     * Trains {@code requests} (one workload, step count, data directory, device and backend)
     * together and returns their results in order. A workload without a stacked form runs on the
     * per-op backend one trial at a time, and so does a single request unless it suits the
     * native passes. {@code listeners.get(k)} hears trial k.
     *
     * <p>One bad trial fails only itself. A single request throws as {@link Trainer} does. Of
     * several, a trial whose hyperparameters are bad (checked before the batch is built), or whose
     * run throws, ends {@link RunStatus#FAILED} with the reason in words; the others go on as
     * they would without it. Inside a stacked batch the trials of one update rule share one
     * optimizer, so when a group's step throws (a plug-in's Exception, or an Error such as
     * StackOverflowError) nothing tells which member broke it: the group leaves the batch (the
     * other groups' parameters, state and data are their own, so they go on exactly as before),
     * a group of one ends failed, and each member of a larger group reruns alone, as a study runs
     * a single trial, so the broken one fails alone and the others complete as their solo runs
     * (their listeners hear the rerun from its start). What a trial may not take down with it is
     * a failure of the process or of the whole batch: {@link OutOfMemoryError} and the other
     * {@link VirtualMachineError}s but StackOverflowError (which only unwinds this thread's
     * stack), {@link ThreadDeath}, cancellation, and anything outside the per-trial parts (data
     * that cannot be read) propagate.
     *
     * @throws CancellationException when the calling thread is interrupted
     */
    public static List<TrainResult> train(List<TrainRequest> requests, List<TrainListener> listeners) {
        return TrialLoop.train(requests, listeners, true);
    }

    /** {@link #train(List, List)}; {@code nativeNet} false never picks the native passes (for tests). */
    static List<TrainResult> train(List<TrainRequest> requests, List<TrainListener> listeners, boolean nativeNet) {
        return TrialLoop.train(requests, listeners, nativeNet);
    }

    /**
     * Whether one trial trains as a batch of one on {@link NativeNet}: where it suits, that is
     * faster than the per-op backend's autograd over DJL blocks (an MLP's steps about twice; a
     * CNN's evaluations 6×, and two workers of a CNN scale), and it is what {@code bench trials}
     * measures for K = 1.
     */
    static boolean aloneOnNative(TrainRequest r) {
        return TrialLoop.kindFor(Workloads.get(r.workload()), Trainer.device(r.device()),
                List.of(TrainConfig.of(r.optimizers(), r.optimizer(), r.hparams())), 1, r.backend(), true) == Backend.Kind.NATIVE;
    }
}
