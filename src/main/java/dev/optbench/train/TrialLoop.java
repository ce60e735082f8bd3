package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Schedules;
import dev.optbench.platform.NativeSetup;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Examples;
import dev.optbench.workload.Networks;
import dev.optbench.workload.StackedModels;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * The one training loop (SPEC sections 7 and 10), for K ≥ 1 trials of one workload: each trial's
 * seeded data order ({@link DataOrder}), schedule, label smoothing and l2, the divergence check
 * (NaN/∞ or more than {@link Trainer#DIVERGENCE_FACTOR} × its first loss: the trial stops, the
 * others go on), evaluations on train_eval, validation and test every interval and at the last
 * step in chunks, per-trial failure isolation and the listeners. The numbers come from a
 * {@link Backend}: {@link PerOpBackend} (the reference; one trial), {@link StackedBackend} or
 * {@link NativeBackend} (K stacked trials), chosen by {@link #kindFor}.
 *
 * <p>{@link TrainResult#seconds()} of a trial is its share of the wall time (the time of each step
 * divided among the trials in the batch at that step), so seconds summed over trials is the wall
 * time spent; stepsPerSecond is steps over its share of training time.
 */
public final class TrialLoop {
    static {
        NativeSetup.state(); // before the first tensor: see its Javadoc
    }

    private TrialLoop() {}

    /**
     * The backend for {@code k} trials of {@code w} (null: not a built-in workload) with
     * {@code configs}: {@code forced} when not null (an IllegalArgumentException when the
     * workload has no form for it); else the native passes where they suit, the stacked network
     * for K &gt; 1 where the workload has one, and otherwise the per-op reference. {@code allowNative}
     * false never picks the native passes (tests).
     */
    static Backend.Kind kindFor(Workload w, Device device, List<TrainConfig> configs, int k, Backend.Kind forced,
            boolean allowNative) {
        boolean stacked = w != null && StackedModels.supports(w);
        boolean onNative = stacked && allowNative && NativeNet.suits(w, device, configs);
        if (forced == null) {
            return onNative ? Backend.Kind.NATIVE : stacked && k > 1 ? Backend.Kind.STACKED : Backend.Kind.PER_OP;
        }
        if (forced == Backend.Kind.STACKED && !stacked || forced == Backend.Kind.NATIVE && !onNative) {
            String why = !stacked ? "it has no stacked form (Networks declares it DJL-only)"
                    : "the native passes take no dropout, only the CPU, and must be loaded (" + NativeNet.status() + ")";
            throw new IllegalArgumentException("backend " + forced + " cannot train "
                    + (w == null ? "this workload" : w.name()) + ": " + why);
        }
        return forced;
    }

    /**
     * Trains {@code requests} (one workload, step count, data directory, device and backend)
     * together and returns their results in order; {@code listeners.get(k)} hears trial k. See
     * {@link BatchedTrainer#train(List, List)} for what one failing trial does to the others.
     */
    static List<TrainResult> train(List<TrainRequest> requests, List<TrainListener> listeners, boolean allowNative) {
        if (requests.isEmpty() || requests.size() != listeners.size()) {
            throw new IllegalArgumentException(requests.size() + " requests and " + listeners.size() + " listeners");
        }
        TrainRequest first = requests.get(0);
        for (TrainRequest r : requests) {
            if (!r.workload().equals(first.workload()) || r.steps() != first.steps()
                    || !Objects.equals(r.dataDir(), first.dataDir()) || !r.device().equals(first.device())
                    || r.backend() != first.backend()) {
                throw new IllegalArgumentException("a batch needs one workload, step count, data directory, device "
                        + "and backend: " + first + " vs " + r);
            }
        }
        if (requests.size() == 1) {
            return List.of(alone(first, listeners.get(0), allowNative));
        }
        TrainResult[] results = new TrainResult[requests.size()];
        List<LoopTrial> valid = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int k = 0; k < requests.size(); k++) {
            TrainRequest r = requests.get(k);
            long begin = System.nanoTime();
            try { // a bad value fails here, alone, before anything is built
                TrainConfig config = TrainConfig.of(r.optimizers(), r.optimizer(), r.hparams());
                r.optimizers().check(config.optimizer(), config.optimizerHparams());
                LoopTrial t = new LoopTrial(r, stepsOf(r), listeners.get(k)); // and its schedule
                valid.add(t);
                positions.add(k);
            } catch (Throwable e) {
                results[k] = failed(e, 0, List.of(), begin);
            }
        }
        Workload w = Workloads.isBuiltIn(first.workload()) ? Workloads.get(first.workload()) : null;
        Backend.Kind kind = valid.size() < 2 ? Backend.Kind.PER_OP : kindFor(w, Trainer.device(first.device()),
                valid.stream().map(t -> t.config).toList(), valid.size(), first.backend(), allowNative);
        if (kind != Backend.Kind.PER_OP) {
            run(first, valid, kind);
        }
        for (int i = 0; i < valid.size(); i++) {
            LoopTrial t = valid.get(i);
            int k = positions.get(i);
            if (kind != Backend.Kind.PER_OP && !t.rerun) {
                results[k] = t.result();
                continue;
            }
            long begin = System.nanoTime();
            try {
                TrainResult solo = alone(t.request, t.listener, allowNative);
                // its share of an abandoned batch counts too: seconds summed over trials stay the wall time
                results[k] = new TrainResult(solo.status(), solo.stepsRun(), solo.measurements(),
                        solo.seconds() + t.shareNanos / 1e9, solo.stepsPerSecond(), solo.failure());
            } catch (Throwable e) {
                results[k] = failed(e, 0, List.of(), begin - (long) t.shareNanos);
            }
        }
        return List.of(results);
    }

    /** One trial on its own, a batch of one; throws what its run throws. */
    static TrainResult alone(TrainRequest r, TrainListener listener, boolean allowNative) {
        LoopTrial trial = new LoopTrial(r, stepsOf(r), listener);
        Workload w = Workloads.isBuiltIn(r.workload()) ? Workloads.get(r.workload()) : null;
        Backend.Kind kind = kindFor(w, Trainer.device(r.device()), List.of(trial.config), 1, r.backend(),
                allowNative);
        run(r, List.of(trial), kind);
        if (trial.failure != null) { // a batch of one has no one else to protect: the run's own exception
            throw unchecked(trial.failure);
        }
        return trial.result();
    }

    /** The steps a run of {@code r} takes. */
    static long stepsOf(TrainRequest r) {
        return r.steps() > 0 ? r.steps() : Workloads.get(r.workload()).stepBudget();
    }

    /** Trains {@code trials} on one backend; each ends with its result or its failure in its LoopTrial. */
    private static void run(TrainRequest first, List<LoopTrial> trials, Backend.Kind kind) {
        Workload w = Workloads.get(first.workload());
        long total = stepsOf(first);
        Device device = Trainer.device(first.device());
        DataSplits data = Trainer.loadData(w, first.dataDir());
        if (kind == Backend.Kind.PER_OP || trials.stream().anyMatch(t -> t.config.dropoutRate() > 0)) {
            // seeds PyTorch's generator for dropout; the weights themselves come from Initialization
            Engine.getInstance().setRandomSeed((int) (first.seed() ^ (first.seed() >>> 32)));
        }
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
            Autograd.record(false); // a fresh thread records by default: stacking would make non-leaf parameters
            try (Run run = new Run(w, data, manager, trials, total, kind)) {
                run.execute(start);
            }
        }
    }

    /**
     * Group {@code trials}' step threw {@code e}: unless it is a failure no trial may swallow, each
     * records it, and leaves after this step (failed if alone in its group, else to rerun alone:
     * nothing tells which member broke a shared step).
     */
    static void broke(List<LoopTrial> trials, Throwable e) {
        rethrowUnlessOwn(e);
        for (LoopTrial t : trials) {
            t.failure = e;
            t.rerun = trials.size() > 1;
        }
    }

    /** Rethrows {@code e} unless it is a trial's own failure; otherwise a failed result after {@code steps} steps. */
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
    static RuntimeException unchecked(Throwable e) {
        if (e instanceof Error err) {
            throw err;
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }

    /**
     * Trial-steps/s of K trials of {@code w} on {@code data} (no evaluation, plain SGD, seeds 0..K−1)
     * on the backend a study would use ({@link #kindFor}; the per-op backend times one trial):
     * {@code warmup} untimed steps, then {@code repeats} timed blocks of about {@code blockSeconds}.
     */
    static double[] timeTrialSteps(Workload w, DataSplits data, int k, int warmup, double blockSeconds, int repeats) {
        TrainConfig sgd = TrainConfig.of(OptimizerRegistry.BUILT_IN, "sgd", StepBenchmark.PLAIN_SGD);
        Backend.Kind kind = kindFor(w, Device.cpu(), java.util.Collections.nCopies(k, sgd), k, null, true);
        int trials = kind == Backend.Kind.PER_OP ? 1 : k;
        List<LoopTrial> runs = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            runs.add(new LoopTrial(new TrainRequest(w.name(), "sgd", StepBenchmark.PLAIN_SGD, i, Long.MAX_VALUE,
                    null), Long.MAX_VALUE, TrainListener.NONE));
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Autograd.record(false);
            try (Run run = new Run(w, data, manager, runs, Long.MAX_VALUE, kind)) {
                long t = 0;
                for (int i = 0; i < warmup; i++) {
                    run.step(t++);
                }
                double[] rates = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long begin = System.nanoTime();
                    int done = 0;
                    while (done == 0 || System.nanoTime() - begin < (long) (blockSeconds * 1e9)) {
                        run.step(t++);
                        done++;
                    }
                    rates[r] = (double) done * trials / ((System.nanoTime() - begin) / 1e9);
                }
                return rates;
            }
        }
    }

    /** The trials still training (trial axis position i is active.get(i)) and their backend. */
    private static final class Run implements AutoCloseable {
        private final Workload w;
        private final DataSplits data;
        private final long total;
        private final List<LoopTrial> active = new ArrayList<>();
        private final int evalBatch;
        private final HostBuffer featureBuffer;
        private final HostBuffer labelBuffer;
        private final int[] positions;
        private final int[] evalPositions;
        private final Backend backend;

        Run(Workload w, DataSplits data, NDManager manager, List<LoopTrial> trials, long total, Backend.Kind kind) {
            this.w = w;
            this.data = data;
            this.total = total;
            // trials of one update rule side by side: they share one batched optimizer
            java.util.Map<String, List<LoopTrial>> byRule = new java.util.LinkedHashMap<>();
            for (LoopTrial t : trials) {
                t.order = new DataOrder(t.request.seed(), data.train().size());
                byRule.computeIfAbsent(t.config.optimizer(), r -> new ArrayList<>()).add(t);
            }
            byRule.values().forEach(active::addAll);
            int featureSize = data.train().source().featureSize();
            // A chunk of 1000 examples where that is at most 4M floats. The stacked NDArray form
            // divides it among the K trials that each see it, so the activations of one chunk
            // (K × chunk × width; ~100 MB per trial for 2c2d at 1000) stay the size of one trial's.
            // The native passes evaluate one trial at a time in a scratch whose size does not grow
            // with K: there the chunk is a batch of one's, so a batched trial's evaluations add up
            // in the same order as its solo run's, to the bit.
            int single = featureSize * 1000L <= 4_000_000L ? Math.max(1000, w.batchSize()) : w.batchSize();
            this.evalBatch = kind == Backend.Kind.STACKED ? Math.max(w.batchSize(), single / trials.size()) : single;
            int rows = Math.max(evalBatch, w.batchSize() * trials.size());
            this.featureBuffer = new HostBuffer(manager, rows * featureSize);
            this.labelBuffer = new HostBuffer(manager, rows * data.labelsPerExample());
            this.positions = new int[w.batchSize() * trials.size()];
            this.evalPositions = new int[evalBatch];
            BackendSetup setup = new BackendSetup(w, Networks.of(w), data, manager, featureBuffer, labelBuffer,
                    evalBatch);
            this.backend = switch (kind) {
                case PER_OP -> {
                    if (active.size() != 1) {
                        throw new IllegalArgumentException("the per-op backend trains one trial at a time");
                    }
                    yield new PerOpBackend(setup, active.get(0));
                }
                case STACKED -> new StackedBackend(setup, active);
                case NATIVE -> new NativeBackend(setup, active);
            };
        }

        void execute(long start) {
            double setup = (System.nanoTime() - start) / (double) active.size();
            for (LoopTrial t : active) {
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
                    LoopTrial t = active.get(i);
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
                    for (LoopTrial t : active) {
                        t.record(new Measurement(step, Split.TRAIN, t.lossSum / t.lossCount, Double.NaN));
                        t.lossSum = 0;
                        t.lossCount = 0;
                    }
                    evaluate(step, Split.TRAIN_EVAL, data.trainEval());
                    evaluate(step, Split.VALIDATION, data.validation());
                    evaluate(step, Split.TEST, data.test());
                }
                double share = (System.nanoTime() - t0) / (double) active.size();
                for (LoopTrial t : active) {
                    t.shareNanos += share;
                }
            }
        }

        /** Drops every trial not at positions {@code keep} of {@link #active}, here and in the backend. */
        private void retain(int[] keep, long t0, int before) {
            double share = (System.nanoTime() - t0) / (double) before;
            List<LoopTrial> kept = new ArrayList<>();
            for (int i = 0; i < active.size(); i++) {
                if (java.util.Arrays.binarySearch(keep, i) >= 0) {
                    kept.add(active.get(i));
                } else {
                    active.get(i).shareNanos += share; // its part of the step that ended it
                }
            }
            active.clear();
            active.addAll(kept);
            backend.retain(keep);
        }

        /** One training step t of every active trial on its next batch; returns each one's minibatch data loss. */
        float[] step(long t) {
            int k = active.size();
            int b = w.batchSize();
            for (int i = 0; i < k; i++) {
                active.get(i).order.next(positions, i * b, b);
            }
            int[] rows = k * b == positions.length ? positions : java.util.Arrays.copyOf(positions, k * b);
            data.train().fill(rows, featureBuffer.floatView(), labelBuffer.intView());
            double[] rates = new double[k];
            double[] smoothing = new double[k];
            float[] l2Half = new float[k];
            float[] dropout = new float[k];
            for (int i = 0; i < k; i++) {
                LoopTrial trial = active.get(i);
                rates[i] = trial.schedule.rate(t);
                smoothing[i] = trial.config.labelSmoothing();
                l2Half[i] = (float) (trial.config.l2() / 2);
                dropout[i] = (float) trial.config.dropoutRate();
            }
            return backend.step(t, rates, new Backend.Objective(smoothing, l2Half, dropout));
        }

        /** Plain cross-entropy and error of every active trial over all of {@code split}, in chunks. */
        private void evaluate(long step, Split split, Examples examples) {
            int perExample = data.labelsPerExample();
            int k = active.size();
            double[] lossSum = new double[k];
            double[] wrong = new double[k];
            int n = examples.size();
            for (int from = 0; from < n; from += evalBatch) {
                int count = Math.min(evalBatch, n - from);
                int[] rows = count == evalPositions.length ? evalPositions : new int[count];
                for (int i = 0; i < count; i++) {
                    rows[i] = from + i;
                }
                // straight into the buffers PyTorch wraps: no per-chunk arrays (1.5 MB each for
                // fmnist_mlp, which the garbage collector treats as humongous)
                examples.fill(rows, featureBuffer.floatView(), labelBuffer.intView());
                backend.evaluate(count, lossSum, wrong);
            }
            double denominator = (double) n * perExample;
            for (int i = 0; i < k; i++) {
                active.get(i).record(new Measurement(step, split, lossSum[i] / denominator, wrong[i] / denominator));
            }
        }

        @Override
        public void close() {
            backend.close();
        }
    }
}
