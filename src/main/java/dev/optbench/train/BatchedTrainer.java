package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.optbench.optim.BatchedOptimizer;
import dev.optbench.optim.Optimizers;
import dev.optbench.optim.Schedule;
import dev.optbench.optim.Schedules;
import dev.optbench.platform.NativeSetup;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Examples;
import dev.optbench.workload.Models;
import dev.optbench.workload.StackedModels;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * K trials of one workload trained as one stacked model (SPEC section 10): each trial keeps its
 * own seed, initialization (exactly {@link Trainer}'s, copied into its slice), data order
 * ({@link DataOrder}), label smoothing, l2, weight decay, update rule and its hyperparameters
 * (trials of one rule share one {@link BatchedOptimizer}) and learning-rate schedule, so trial k gives trial k's {@link Trainer} curve up to float32
 * rounding. The objective is Σ_k [ℓ_k + l2_k/2 · ‖θ_k‖²], whose gradient in θ_k is trial k's
 * own. Divergence is trial k's own (NaN/∞ or more than {@link Trainer#DIVERGENCE_FACTOR} × its
 * first loss); a diverged trial is sliced out of the parameters and the optimizer state and the
 * others go on unchanged. Evaluations run at Trainer's steps, all trials in one forward pass.
 *
 * <p>Dropout draws independent per-trial masks from PyTorch's generator on the stacked
 * activations, so with dropout &gt; 0 a trial's random stream differs from its unbatched run
 * (same distribution, different draws); every other part is the same computation.
 *
 * <p>{@link TrainResult#seconds()} of a batched trial is its share of the batch's wall time (the
 * time of each step divided among the trials in the batch at that step), so seconds summed over
 * trials is the wall time spent; stepsPerSecond is steps over its share of training time.
 */
public final class BatchedTrainer {
    /** K when nothing else is chosen, for the MLPs (per-op overhead dominates; bmm scales well). */
    public static final int DEFAULT_TRIALS = 8;

    /** K when nothing else is chosen, for the convolutional networks (grouped convolution gains less). */
    public static final int DEFAULT_CONV_TRIALS = 4;

    static {
        NativeSetup.state(); // before the first tensor: see its Javadoc
    }

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
     * Trains {@code requests} (one workload, step count, data directory and device) together and
     * returns their results in order. A workload without a stacked form runs through
     * {@link Trainer} one trial at a time, and so does a single request unless it suits
     * {@link NativeNet}. {@code listeners.get(k)} hears trial k.
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
        return train(requests, listeners, true);
    }

    /** {@link #train(List, List)}; {@code nativeNet} false keeps every stacked net on NDArray ops (for tests). */
    static List<TrainResult> train(List<TrainRequest> requests, List<TrainListener> listeners, boolean nativeNet) {
        if (requests.isEmpty() || requests.size() != listeners.size()) {
            throw new IllegalArgumentException(requests.size() + " requests and " + listeners.size() + " listeners");
        }
        TrainRequest first = requests.get(0);
        for (TrainRequest r : requests) {
            if (!r.workload().equals(first.workload()) || r.steps() != first.steps()
                    || !Objects.equals(r.dataDir(), first.dataDir()) || !r.device().equals(first.device())) {
                throw new IllegalArgumentException("a batch needs one workload, step count, data directory and device: "
                        + first + " vs " + r);
            }
        }
        if (requests.size() == 1) {
            return List.of(alone(first, listeners.get(0), nativeNet));
        }
        TrainResult[] results = new TrainResult[requests.size()];
        List<Integer> valid = new ArrayList<>();
        for (int k = 0; k < requests.size(); k++) {
            TrainRequest r = requests.get(k);
            long begin = System.nanoTime();
            try { // a bad value fails here, alone, before anything is built
                TrainConfig config = TrainConfig.of(r.optimizer(), r.hparams());
                Optimizers.check(config.optimizer(), config.optimizerHparams());
                Schedules.create(config.scheduleKind(), config.learningRate(), config.scheduleHparams(), stepsOf(r));
                valid.add(k);
            } catch (Throwable e) {
                results[k] = failed(e, 0, List.of(), begin);
            }
        }
        if (!supports(first.workload()) || valid.size() == 1) {
            for (int k : valid) {
                long begin = System.nanoTime();
                try {
                    results[k] = alone(requests.get(k), listeners.get(k), nativeNet);
                } catch (Throwable e) {
                    results[k] = failed(e, 0, List.of(), begin);
                }
            }
            return List.of(results);
        }
        List<TrialRun> trials = new ArrayList<>();
        for (int k : valid) {
            trials.add(new TrialRun(requests.get(k), stepsOf(first), listeners.get(k)));
        }
        stacked(first, trials, nativeNet);
        for (int i = 0; i < valid.size(); i++) {
            TrialRun t = trials.get(i);
            int k = valid.get(i);
            if (!t.rerun) {
                results[k] = t.result();
                continue;
            }
            long begin = System.nanoTime();
            try {
                TrainResult solo = alone(t.request, t.listener, nativeNet);
                // its share of the abandoned batch counts too: seconds summed over trials stay the wall time
                results[k] = new TrainResult(solo.status(), solo.stepsRun(), solo.measurements(),
                        solo.seconds() + t.shareNanos / 1e9, solo.stepsPerSecond(), solo.failure());
            } catch (Throwable e) {
                results[k] = failed(e, 0, List.of(), begin - (long) t.shareNanos);
            }
        }
        return List.of(results);
    }

    /** The steps a run of {@code r} takes. */
    private static long stepsOf(TrainRequest r) {
        return r.steps() > 0 ? r.steps() : Workloads.get(r.workload()).stepBudget();
    }

    /**
     * One trial the way a study runs a single one ({@code TrainerRunner}): a batch of one on
     * {@link NativeNet} where it suits, else {@link Trainer}. Throws what the run throws.
     */
    private static TrainResult alone(TrainRequest r, TrainListener listener, boolean nativeNet) {
        if (!supports(r.workload()) || !(nativeNet && aloneOnNative(r))) {
            return Trainer.train(r, listener);
        }
        TrialRun trial = new TrialRun(r, stepsOf(r), listener);
        stacked(r, List.of(trial), true);
        if (trial.failure != null) { // a batch of one has no one else to protect: the run's own exception
            throw unchecked(trial.failure);
        }
        return trial.result();
    }

    /** Trains {@code trials} as one stacked batch; each ends with its result or its failure in its TrialRun. */
    private static void stacked(TrainRequest first, List<TrialRun> trials, boolean nativeNet) {
        Workload w = Workloads.get(first.workload());
        long total = stepsOf(first);
        Device device = Trainer.device(first.device());
        DataSplits data = Trainer.loadData(w, first.dataDir());
        if (trials.stream().anyMatch(t -> t.config.dropoutRate() > 0)) {
            Engine.getInstance().setRandomSeed((int) (first.seed() ^ (first.seed() >>> 32)));
        }
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Autograd.record(false); // a fresh thread records by default: stacking would make non-leaf parameters
            try (Batch batch = new Batch(w, data, manager, trials, total, nativeNet)) {
                batch.execute(start);
            }
        }
    }

    /**
     * Rethrows {@code e} unless it is a trial's own failure (see {@link #train(List, List)}), and
     * otherwise describes it as a failed result after {@code steps} steps.
     */
    private static TrainResult failed(Throwable e, long steps, List<Measurement> curve, long beginNanos) {
        rethrowUnlessOwn(e);
        return TrainResult.failed(dev.optbench.Messages.describe(e), steps, curve, (System.nanoTime() - beginNanos) / 1e9);
    }

    /** Rethrows what no single trial may swallow: VM failures but a stack overflow, ThreadDeath, cancellation. */
    private static void rethrowUnlessOwn(Throwable e) {
        boolean vm = e instanceof VirtualMachineError && !(e instanceof StackOverflowError);
        if (vm || e instanceof ThreadDeath || e instanceof CancellationException
                || Thread.currentThread().isInterrupted()) {
            throw unchecked(e);
        }
    }

    /** Throws {@code e} itself if it is an Error; else returns it, wrapped unless unchecked, for the caller to throw. */
    private static RuntimeException unchecked(Throwable e) {
        if (e instanceof Error err) {
            throw err;
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }

    /**
     * Whether one trial trains as a batch of one on {@link NativeNet}: where it suits, that is
     * faster than {@link Trainer}'s autograd over DJL blocks (an MLP's steps about twice; a CNN's
     * evaluations 6×, and two workers of a CNN scale), and it is what {@code bench trials}
     * measures for K = 1.
     */
    static boolean aloneOnNative(TrainRequest r) {
        return NativeNet.suits(Workloads.get(r.workload()), Trainer.device(r.device()),
                List.of(TrainConfig.of(r.optimizer(), r.hparams())));
    }

    /**
     * Trial-steps/s of K trials training batched on {@code data} (no evaluation, plain SGD):
     * {@code warmup} untimed steps, then {@code repeats} timed blocks of about {@code blockSeconds}.
     */
    static double[] timeTrialSteps(Workload w, DataSplits data, int k, int warmup, double blockSeconds, int repeats) {
        List<TrialRun> trials = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            trials.add(new TrialRun(new TrainRequest(w.name(), "sgd", StepBenchmark.PLAIN_SGD, i, Long.MAX_VALUE,
                    null), Long.MAX_VALUE, TrainListener.NONE));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Autograd.record(false);
            try (Batch batch = new Batch(w, data, manager, trials, Long.MAX_VALUE, true)) {
                long t = 0;
                for (int i = 0; i < warmup; i++) {
                    batch.step(t++);
                }
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long begin = System.nanoTime();
                    int done = 0;
                    while (done == 0 || System.nanoTime() - begin < (long) (blockSeconds * 1e9)) {
                        batch.step(t++);
                        done++;
                    }
                    rates[r] = (double) done * k / ((System.nanoTime() - begin) / 1e9);
                }
                return rates;
            }
        }
    }

    /** One trial's own settings and curve. */
    private static final class TrialRun {
        final TrainRequest request;
        final TrainConfig config;
        final Schedule schedule;
        final TrainListener listener;
        final List<Measurement> curve = new ArrayList<>();
        DataOrder order;
        double firstLoss = Double.NaN;
        double lossSum;
        long lossCount;
        long steps;
        RunStatus status = RunStatus.COMPLETED;
        /** What its group's step threw (the trial failed, or reruns alone when {@link #rerun}). */
        Throwable failure;
        /** It left the batch with a group of several whose step threw: it trains again alone. */
        boolean rerun;
        double shareNanos;
        double trainShareNanos;

        TrialRun(TrainRequest request, long total, TrainListener listener) {
            this.request = request;
            this.config = TrainConfig.of(request.optimizer(), request.hparams());
            this.schedule = Schedules.create(config.scheduleKind(), config.learningRate(), config.scheduleHparams(),
                    total);
            this.listener = listener;
        }

        void record(Measurement m) {
            curve.add(m);
            listener.onEvaluation(m);
        }

        TrainResult result() {
            if (failure != null) {
                return TrainResult.failed(dev.optbench.Messages.describe(failure), steps, curve, shareNanos / 1e9);
            }
            double stepsPerSecond = trainShareNanos > 0 ? steps / (trainShareNanos / 1e9) : 0;
            return new TrainResult(status, steps, curve, shareNanos / 1e9, stepsPerSecond);
        }
    }

    /**
     * The trials of one update rule: their parameters as leaf arrays [K_g, ...] and one batched
     * optimizer over them. A batch of several rules concatenates the groups' parameters along
     * the trial axis for the forward pass; each group's gradient lands in its own leaves.
     */
    private static final class Group {
        final List<TrialRun> trials = new ArrayList<>();
        final List<NDArray> params = new ArrayList<>();
        BatchedOptimizer optimizer;
        /** Native path: gradient arrays written each step, and both sets' addresses (null: look up again). */
        private List<NDArray> grads;
        private NativeNet.Layers paramLayers;
        private NativeNet.Layers gradLayers;

        /** The parameters' addresses for the native passes. */
        NativeNet.Layers paramLayers() {
            if (paramLayers == null) {
                paramLayers = NativeNet.Layers.of(params);
            }
            return paramLayers;
        }

        /** Arrays the native passes write the gradients into, made in {@code manager} on first use. */
        List<NDArray> grads(NDManager manager) {
            if (grads == null) {
                grads = new ArrayList<>();
                for (NDArray p : params) {
                    grads.add(manager.zeros(p.getShape()));
                }
                gradLayers = NativeNet.Layers.of(grads);
            }
            return grads;
        }

        /** The addresses of {@link #grads}. */
        NativeNet.Layers gradLayers(NDManager manager) {
            grads(manager);
            return gradLayers;
        }

        /** Forgets the gradients and addresses after the parameters were replaced. */
        void invalidate() {
            if (grads != null) {
                grads.forEach(NDArray::close);
            }
            grads = null;
            paramLayers = null;
            gradLayers = null;
        }
    }

    /** The stacked model and the trials still in it (trial axis position k is active.get(k)). */
    private static final class Batch implements AutoCloseable {
        private final Workload w;
        private final DataSplits data;
        private final NDManager manager;
        private final long total;
        private final List<TrialRun> active = new ArrayList<>();
        private final List<Group> groups = new ArrayList<>();
        private final int featureSize;
        private final int evalBatch;
        private final HostBuffer featureBuffer;
        private final HostBuffer labelBuffer;
        private final int[] positions;
        private final int[] evalPositions;
        /** Native forward and backward (NativeNet): the net, its scratch and the rows it holds; null on NDArray ops. */
        private final NativeNet.Net net;
        private final java.nio.ByteBuffer scratch;
        private final int scratchRows;

        Batch(Workload w, DataSplits data, NDManager manager, List<TrialRun> trials, long total,
                boolean nativeNet) {
            this.w = w;
            this.data = data;
            this.manager = manager;
            this.total = total;
            java.util.Map<String, Group> byRule = new java.util.LinkedHashMap<>();
            for (TrialRun t : trials) {
                t.order = new DataOrder(t.request.seed(), data.train().size());
                byRule.computeIfAbsent(t.config.optimizer(), r -> new Group()).trials.add(t);
            }
            groups.addAll(byRule.values());
            for (Group g : groups) {
                active.addAll(g.trials);
                stackInitialWeights(g);
                g.optimizer = Optimizers.createBatched(g.trials.get(0).config.optimizer(),
                        g.trials.stream().map(t -> t.config.optimizerHparams()).toList());
            }
            this.featureSize = data.train().source().featureSize();
            boolean onNative = nativeNet
                    && NativeNet.suits(w, manager.getDevice(), trials.stream().map(t -> t.config).toList());
            // On NDArray ops, Trainer's evaluation chunk divided among the K trials that each see it,
            // so the activations of one chunk (K × chunk × width; ~100 MB per trial for 2c2d at 1000)
            // stay the size of an unbatched run's. The native passes evaluate one trial at a time in
            // a scratch whose size does not grow with K: there the chunk is a batch of one's, so a
            // batched trial's evaluations add up in the same order as its solo run's, to the bit.
            int single = featureSize * 1000L <= 4_000_000L ? Math.max(1000, w.batchSize()) : w.batchSize();
            this.evalBatch = onNative ? single : Math.max(w.batchSize(), single / trials.size());
            int rows = Math.max(evalBatch, w.batchSize() * trials.size());
            this.featureBuffer = new HostBuffer(manager, rows * featureSize);
            this.labelBuffer = new HostBuffer(manager, rows * data.labelsPerExample());
            this.positions = new int[w.batchSize() * trials.size()];
            this.evalPositions = new int[evalBatch];
            if (onNative) {
                this.net = NativeNet.Net.of(w, data.featureShape(), groups.get(0).params);
                // an MLP evaluates a whole chunk at once; a CNN's activations (~190 KB per 2c2d
                // example) are evaluated a training batch at a time
                this.scratchRows = net.convs() == 0 ? Math.max(evalBatch, w.batchSize()) : w.batchSize();
                this.scratch = dev.optbench.platform.HostMemory.allocate(manager, net.scratchFloats(scratchRows) * 4);
            } else {
                this.net = null;
                this.scratch = null;
                this.scratchRows = 0;
            }
        }

        /** Builds each trial's unbatched block with Trainer's initialization and stacks parameter i of the group. */
        private void stackInitialWeights(Group group) {
            List<TrialRun> trials = group.trials;
            List<List<NDArray>> perTrial = new ArrayList<>();
            try (NDManager scratch = manager.newSubManager()) {
                for (TrialRun t : trials) {
                    Block block = Models.build(w, data.classes(), 0);
                    block.setInitializer(Initializer.ZEROS, p -> true);
                    block.initialize(scratch, DataType.FLOAT32, Models.inputShape(w.batchSize(), data.featureShape()));
                    Initialization.apply(block, t.request.seed());
                    List<NDArray> own = new ArrayList<>();
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        own.add(p.getValue().getArray());
                    }
                    perTrial.add(own);
                }
                for (int i = 0; i < perTrial.get(0).size(); i++) {
                    NDList slices = new NDList();
                    for (List<NDArray> own : perTrial) {
                        slices.add(StackedModels.stackedLayout(own.get(i)));
                    }
                    NDArray stacked = NDArrays.stack(slices);
                    stacked.attach(manager);
                    group.params.add(stacked);
                }
            }
        }

        void execute(long start) {
            double setup = (System.nanoTime() - start) / (double) active.size();
            for (TrialRun t : active) {
                t.shareNanos = setup;
                t.listener.onStart(w.name(), total);
            }
            long step = 0;
            while (step < total && !active.isEmpty()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("training of " + w.name() + " cancelled at step " + step);
                }
                long t0 = System.nanoTime();
                int k = active.size();
                float[] losses = step(step);
                step++;
                long t1 = System.nanoTime();
                List<Integer> keep = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    TrialRun t = active.get(i);
                    double loss = losses[i];
                    t.steps = step;
                    t.trainShareNanos += (t1 - t0) / (double) k;
                    if (t.failure != null) { // its group's step threw: step t did not happen for it
                        t.steps = step - 1;
                        continue;
                    }
                    if (Double.isNaN(t.firstLoss)) {
                        t.firstLoss = loss;
                    }
                    if (!Double.isFinite(loss) || loss > Trainer.DIVERGENCE_FACTOR * t.firstLoss) {
                        t.status = RunStatus.DIVERGED;
                        t.record(new Measurement(step, Split.TRAIN, loss, Double.NaN));
                        continue;
                    }
                    keep.add(i);
                    t.lossSum += loss;
                    t.lossCount++;
                    t.listener.onStep(step, total, loss);
                }
                if (keep.size() < k) {
                    retain(keep.stream().mapToInt(Integer::intValue).toArray(), t0, k);
                }
                if (!active.isEmpty() && (step % w.evalInterval() == 0 || step == total)) {
                    for (TrialRun t : active) {
                        t.record(new Measurement(step, Split.TRAIN, t.lossSum / t.lossCount, Double.NaN));
                        t.lossSum = 0;
                        t.lossCount = 0;
                    }
                    evaluate(step, Split.TRAIN_EVAL, data.trainEval());
                    evaluate(step, Split.VALIDATION, data.validation());
                    evaluate(step, Split.TEST, data.test());
                }
                double share = (System.nanoTime() - t0) / (double) active.size();
                for (TrialRun t : active) {
                    t.shareNanos += share;
                }
            }
        }

        /** Drops every trial not in {@code keep} (positions in {@link #active}) from params and optimizer state. */
        private void retain(int[] keep, long t0, int before) {
            double share = (System.nanoTime() - t0) / (double) before;
            java.util.Set<TrialRun> kept = new java.util.HashSet<>();
            for (int i = 0; i < active.size(); i++) {
                if (java.util.Arrays.binarySearch(keep, i) >= 0) {
                    kept.add(active.get(i));
                } else {
                    active.get(i).shareNanos += share; // its part of the step that ended it
                }
            }
            active.clear();
            for (java.util.Iterator<Group> it = groups.iterator(); it.hasNext();) {
                Group g = it.next();
                int[] own = java.util.stream.IntStream.range(0, g.trials.size())
                        .filter(i -> kept.contains(g.trials.get(i))).toArray();
                if (own.length == 0) {
                    g.invalidate();
                    g.optimizer.close();
                    g.params.forEach(NDArray::close);
                    it.remove();
                    continue;
                }
                if (own.length < g.trials.size()) {
                    g.optimizer.retain(own);
                    List<TrialRun> left = new ArrayList<>();
                    for (int i : own) {
                        left.add(g.trials.get(i));
                    }
                    g.trials.clear();
                    g.trials.addAll(left);
                    for (int i = 0; i < g.params.size(); i++) {
                        g.params.set(i, slice(g.params.get(i), own));
                    }
                    g.invalidate();
                }
                active.addAll(g.trials);
            }
        }

        /** A fresh leaf [keep.length, ...] holding slices {@code keep} of {@code old}, which is closed. */
        private NDArray slice(NDArray old, int[] keep) {
            NDArray slim;
            try (NDManager scope = manager.newSubManager()) {
                scope.tempAttachAll(old);
                NDList slices = new NDList();
                for (int k : keep) {
                    slices.add(old.get(k));
                }
                slim = NDArrays.stack(slices);
                slim.attach(manager);
            }
            old.close();
            return slim;
        }

        /** Every group's leaves, for attaching to a scope. */
        private NDArray[] leaves() {
            return groups.stream().flatMap(g -> g.params.stream()).toArray(NDArray[]::new);
        }

        /** The groups' parameters themselves (evaluation). */
        private List<NDArray> stacked() {
            return stacked(groups.stream().map(g -> g.params).toList());
        }

        /** Parameter i of the whole batch: the groups' parameter i along the trial axis (in {@code scope}'s lifetime). */
        private static List<NDArray> stacked(List<List<NDArray>> perGroup) {
            if (perGroup.size() == 1) {
                return perGroup.get(0);
            }
            List<NDArray> out = new ArrayList<>();
            for (int i = 0; i < perGroup.get(0).size(); i++) {
                NDList parts = new NDList();
                for (List<NDArray> group : perGroup) {
                    parts.add(group.get(i));
                }
                out.add(NDArrays.concat(parts, 0));
            }
            return out;
        }

        @Override
        public void close() {
            for (Group g : groups) {
                g.optimizer.close();
            }
        }

        /**
         * Group {@code g}'s step threw {@code e}: unless it is a failure no trial may swallow, each
         * member records it, and leaves the batch after this step (failed if alone in its group,
         * else to rerun alone: nothing tells which member broke the shared step).
         */
        private static void broke(Group g, Throwable e) {
            rethrowUnlessOwn(e);
            for (TrialRun t : g.trials) {
                t.failure = e;
                t.rerun = g.trials.size() > 1;
            }
        }

        /** One training step t of every active trial; returns each trial's minibatch data loss. */
        float[] step(long t) {
            int k = active.size();
            int b = w.batchSize();
            for (int i = 0; i < k; i++) {
                active.get(i).order.next(positions, i * b, b);
            }
            int[] rows = k * b == positions.length ? positions : java.util.Arrays.copyOf(positions, k * b);
            data.train().fill(rows, featureBuffer.floatView(), labelBuffer.intView());
            return net != null ? nativeStep(t) : ndArrayStep(t);
        }

        /**
         * The step on NativeNet: each group's forward and backward in one call, into gradient
         * arrays kept from step to step, then its optimizer, as {@link #ndArrayStep}.
         */
        private float[] nativeStep(long t) {
            int b = w.batchSize();
            float[] losses = new float[active.size()];
            int from = 0;
            for (Group g : groups) {
                int kg = g.trials.size();
                float[] smoothing = new float[kg];
                float[] l2half = new float[kg];
                double[] rates = new double[kg];
                for (int i = 0; i < kg; i++) {
                    TrialRun trial = g.trials.get(i);
                    smoothing[i] = (float) trial.config.labelSmoothing();
                    l2half[i] = (float) (trial.config.l2() / 2);
                    rates[i] = trial.schedule.rate(t);
                }
                float[] own = new float[kg];
                try {
                    NativeNet.step(net, kg, b, g.paramLayers(), g.gradLayers(manager),
                            featureBuffer.address() + 4L * from * b * featureSize, labelBuffer.address() + 4L * from * b,
                            smoothing, l2half, own, scratch);
                    System.arraycopy(own, 0, losses, from, kg);
                    g.optimizer.step(g.params, g.grads(manager), t, rates);
                } catch (Throwable e) {
                    broke(g, e);
                }
                from += kg;
            }
            return losses;
        }

        /** The step on NDArray ops: autograd over the stacked model. */
        private float[] ndArrayStep(long t) {
            int k = active.size();
            int b = w.batchSize();
            long[] dims = Models.inputShape(b, data.featureShape()).getShape();
            long[] stackedDims = new long[dims.length + 1];
            stackedDims[0] = k;
            System.arraycopy(dims, 0, stackedDims, 1, dims.length);
            double[] smoothing = new double[k];
            float[] l2 = new float[k];
            float[] dropout = new float[k];
            boolean anyL2 = false;
            double[] rates = new double[k];
            for (int i = 0; i < k; i++) {
                TrialRun trial = active.get(i);
                smoothing[i] = trial.config.labelSmoothing();
                l2[i] = (float) (trial.config.l2() / 2);
                anyL2 |= trial.config.l2() > 0;
                dropout[i] = (float) trial.config.dropoutRate();
                rates[i] = trial.schedule.rate(t);
            }
            try (NDManager scope = manager.newSubManager()) {
                scope.tempAttachAll(leaves());
                NDArray x = featureBuffer.floats(scope, k * b * featureSize, new Shape(stackedDims));
                NDArray y = labelBuffer.ints(scope, k * b).reshape(k, b);
                NDArray dataLoss;
                // Fresh leaves over the parameters' memory: backward hands over its gradient
                // buffers instead of adding them into zeroed old ones (two passes fewer per step).
                List<List<NDArray>> leaves = new ArrayList<>();
                for (Group g : groups) {
                    List<NDArray> own = new ArrayList<>(g.params.size());
                    for (NDArray p : g.params) {
                        own.add(Autograd.freshLeaf(p, scope));
                    }
                    leaves.add(own);
                }
                Autograd.record(true);
                try {
                    List<NDArray> params = stacked(leaves);
                    NDArray logits = StackedModels.forward(w, params, x, false, dropout(scope, dropout));
                    dataLoss = Losses.trialMeanCrossEntropy(logits, y, smoothing);
                    NDArray objective = dataLoss.sum();
                    if (anyL2) {
                        NDArray norms = scope.zeros(new Shape(k));
                        for (NDArray p : params) {
                            norms = norms.add(p.square().reshape(k, -1).sum(new int[] {1}));
                        }
                        objective = objective.add(norms.mul(scope.create(l2)).sum());
                    }
                    Autograd.backward(objective, scope);
                } finally {
                    Autograd.record(false);
                }
                float[] losses = dataLoss.toFloatArray();
                int from = 0;
                for (int j = 0; j < groups.size(); j++) {
                    Group g = groups.get(j);
                    try {
                        List<NDArray> grads = new ArrayList<>(g.params.size());
                        for (NDArray leaf : leaves.get(j)) {
                            grads.add(Autograd.gradient(leaf, scope));
                        }
                        g.optimizer.step(g.params, grads, t,
                                java.util.Arrays.copyOfRange(rates, from, from + g.trials.size()));
                    } catch (Throwable e) {
                        broke(g, e);
                    }
                    from += g.trials.size();
                }
                return losses;
            }
        }

        /** Inverted dropout with trial k's rate on slice k: x · 1[u ≥ p_k] / (1 − p_k), u ~ U(0, 1). */
        private static StackedModels.Dropout dropout(NDManager scope, float[] rates) {
            boolean any = false;
            float[] scale = new float[rates.length];
            for (int i = 0; i < rates.length; i++) {
                any |= rates[i] > 0;
                scale[i] = 1 / (1 - rates[i]);
            }
            if (!any) {
                return x -> x;
            }
            NDArray p = scope.create(rates).reshape(rates.length, 1, 1);
            NDArray s = scope.create(scale).reshape(rates.length, 1, 1);
            return x -> {
                NDArray u = scope.randomUniform(0f, 1f, x.getShape());
                return x.mul(u.gte(p).toType(DataType.FLOAT32, false)).mul(s);
            };
        }

        /** Plain cross-entropy and error of every active trial over all of {@code split}, batched. */
        private void evaluate(long step, Split split, Examples examples) {
            int perExample = data.labelsPerExample();
            int k = active.size();
            double[] lossSum = new double[k];
            double[] wrong = new double[k];
            int n = examples.size();
            NoDropout none = new NoDropout();
            for (int from = 0; from < n; from += evalBatch) {
                int count = Math.min(evalBatch, n - from);
                int[] rows = count == evalPositions.length ? evalPositions : new int[count];
                for (int i = 0; i < count; i++) {
                    rows[i] = from + i;
                }
                // straight into the buffers PyTorch wraps: no per-chunk arrays (1.5 MB each for
                // fmnist_mlp, which the garbage collector treats as humongous)
                examples.fill(rows, featureBuffer.floatView(), labelBuffer.intView());
                if (net != null) {
                    int first = 0;
                    for (Group g : groups) {
                        int kg = g.trials.size();
                        float[] l = new float[kg];
                        float[] e = new float[kg];
                        NativeNet.evaluate(net, kg, count, scratchRows, g.paramLayers(), featureBuffer.address(),
                                labelBuffer.address(), l, e, scratch);
                        for (int i = 0; i < kg; i++) {
                            lossSum[first + i] += l[i];
                            wrong[first + i] += e[i];
                        }
                        first += kg;
                    }
                    continue;
                }
                try (NDManager scope = manager.newSubManager()) {
                    scope.tempAttachAll(leaves());
                    NDArray x = featureBuffer.floats(scope, count * featureSize,
                            Models.inputShape(count, data.featureShape()));
                    NDArray y = labelBuffer.ints(scope, count * perExample);
                    NDArray logits = StackedModels.forward(w, stacked(), x, true, none);
                    Losses.Sums sums = Losses.trialSums(logits, y);
                    float[] l = sums.lossSum().toFloatArray();
                    float[] e = sums.wrong().toFloatArray();
                    for (int i = 0; i < k; i++) {
                        lossSum[i] += l[i];
                        wrong[i] += e[i];
                    }
                }
            }
            double denominator = (double) n * perExample;
            for (int i = 0; i < k; i++) {
                active.get(i).record(new Measurement(step, split, lossSum[i] / denominator, wrong[i] / denominator));
            }
        }
    }

    private static final class NoDropout implements StackedModels.Dropout {
        @Override
        public NDArray apply(NDArray x) {
            return x;
        }
    }
}
