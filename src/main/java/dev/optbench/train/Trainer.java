package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.Optimizers;
import dev.optbench.optim.Schedule;
import dev.optbench.optim.Schedules;
import dev.optbench.platform.NativeSetup;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Examples;
import dev.optbench.workload.Models;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Turns (workload, optimizer, hyperparameters, seed) into a measured curve (SPEC section 7):
 * a fixed step budget, seeded initialization and data order, the optimizer and schedule of the
 * core, L2 / weight decay / label smoothing / dropout when asked, evaluations on train_eval,
 * validation and test every interval and at the last step, and early stop on divergence.
 * Thread-safe: each call owns its NDManager, closed on every exit path.
 */
public final class Trainer {
    /** A run diverges when its minibatch loss exceeds this multiple of the first one (or is NaN/∞). */
    public static final double DIVERGENCE_FACTOR = 100;

    static {
        NativeSetup.state(); // before the first tensor: see its Javadoc
    }

    private Trainer() {}

    public static TrainResult train(TrainRequest request, TrainListener listener) {
        Workload w = Workloads.get(request.workload());
        TrainConfig config = TrainConfig.of(request.optimizer(), request.hparams());
        long total = request.steps() > 0 ? request.steps() : w.stepBudget();
        Schedule schedule = Schedules.create(config.scheduleKind(), config.learningRate(),
                config.scheduleHparams(), total);
        Device device = device(request.device());
        DataSplits data = loadData(w, request.dataDir());
        // Seeds PyTorch's generator for dropout; the weights themselves come from Initialization.
        Engine.getInstance().setRandomSeed((int) (request.seed() ^ (request.seed() >>> 32)));
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager(device, "PyTorch");
                Optimizer optimizer = Optimizers.create(config.optimizer(), config.optimizerHparams())) {
            Run run = new Run(w, config, data, manager, optimizer, schedule, total, request.seed(), listener);
            return run.execute(start);
        }
    }

    /**
     * The data of {@code w}, read while libtorch loads on another thread: the two take about
     * 1.8 s and 0.7 s for Fashion-MNIST on the development machine, one core each.
     */
    static DataSplits loadData(Workload w, java.nio.file.Path dataDir) {
        java.util.concurrent.CompletableFuture<Void> engine = java.util.concurrent.CompletableFuture.runAsync(
                () -> Engine.getEngine("PyTorch"));
        DataSplits data = Datasets.load(w.data(), dataDir);
        try {
            engine.join();
        } catch (java.util.concurrent.CompletionException e) {
            // the same failure the first NDManager would raise, on this thread
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return data;
    }

    /**
     * Starts reading the data of built-in workload {@code workload} on a daemon thread, so that it
     * overlaps what a command does before its first trial (opening the store, loading libtorch,
     * choosing a layout); the trials then find it in {@link Datasets}' cache. A failure is left
     * for the first trial to raise and report. Nothing happens for a workload optbench does not know.
     */
    public static void prefetch(String workload, java.nio.file.Path dataDir) {
        if (!Workloads.isBuiltIn(workload)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Datasets.load(Workloads.get(workload).data(), dataDir);
            } catch (RuntimeException e) {
                // the first trial reads it again and reports the problem
            }
        }, "optbench-data-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** The DJL device for "cpu" or "gpu"; InputException when no GPU is visible, before any work starts. */
    public static Device device(String name) {
        if ("gpu".equals(name)) {
            if (Engine.getInstance().getGpuCount() == 0) {
                throw new InputException("--device gpu: no GPU visible to DJL's PyTorch (optbench ships its CPU build);"
                        + " to train on a GPU create the study with --engine torch --device cuda, or use --device cpu");
            }
            return Device.gpu();
        }
        if (!"cpu".equals(name)) {
            throw new InputException("unknown device '" + Messages.quote(name) + "': choose cpu or gpu");
        }
        return Device.cpu();
    }

    /**
     * Times training steps of {@code w} on {@code data} (no evaluation): {@code warmup} untimed
     * steps, then {@code repeats} timed blocks, each as many steps as fit in {@code blockSeconds}
     * (at least one); returns steps/s of each block.
     */
    static double[] timeSteps(Workload w, DataSplits data, TrainConfig config, int warmup, double blockSeconds,
            int repeats, long seed) {
        Schedule schedule = Schedules.create("constant", config.learningRate(), java.util.Map.of(), 1);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Optimizer optimizer = Optimizers.create(config.optimizer(), config.optimizerHparams())) {
            Run run = new Run(w, config, data, manager, optimizer, schedule, Long.MAX_VALUE, seed, TrainListener.NONE);
            int batch = w.batchSize();
            Shape shape = Models.inputShape(batch, data.featureShape());
            int[] positions = new int[batch];
            long t = 0;
            for (int i = 0; i < warmup; i++) {
                run.trainStep(t++, positions, shape);
            }
            double[] rates = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                long budget = (long) (blockSeconds * 1e9);
                int done = 0;
                while (done == 0 || System.nanoTime() - start < budget) {
                    run.trainStep(t++, positions, shape);
                    done++;
                }
                rates[r] = done / ((System.nanoTime() - start) / 1e9);
            }
            return rates;
        }
    }

    /** The mutable state of one run; lives only inside {@link #train}. */
    private static final class Run {
        private final Workload w;
        private final TrainConfig config;
        private final DataSplits data;
        private final NDManager manager;
        private final Optimizer optimizer;
        private final Schedule schedule;
        private final long total;
        private final TrainListener listener;
        private final Block block;
        private final List<NDArray> params = new ArrayList<>();
        private final ParameterStore store;
        private final DataOrder order;
        private final List<Measurement> curve = new ArrayList<>();
        private final HostBuffer featureBuffer;
        private final HostBuffer labelBuffer;
        private final int evalBatch;

        Run(Workload w, TrainConfig config, DataSplits data, NDManager manager, Optimizer optimizer,
                Schedule schedule, long total, long seed, TrainListener listener) {
            this.w = w;
            this.config = config;
            this.data = data;
            this.manager = manager;
            this.optimizer = optimizer;
            this.schedule = schedule;
            this.total = total;
            this.listener = listener;
            this.block = Models.build(w, data.classes(), config.dropoutRate());
            block.setInitializer(Initializer.ZEROS, p -> true);
            block.initialize(manager, DataType.FLOAT32, Models.inputShape(w.batchSize(), data.featureShape()));
            Initialization.apply(block, seed);
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params.add(p.getValue().getArray());
                }
            }
            this.store = new ParameterStore(manager, false);
            int featureSize = data.train().source().featureSize();
            this.evalBatch = featureSize * 1000L <= 4_000_000L ? Math.max(1000, w.batchSize()) : w.batchSize();
            int rows = Math.max(evalBatch, w.batchSize());
            this.featureBuffer = new HostBuffer(manager, rows * featureSize);
            this.labelBuffer = new HostBuffer(manager, rows * data.labelsPerExample());
            this.order = new DataOrder(seed, data.train().size());
        }

        TrainResult execute(long start) {
            listener.onStart(w.name(), total);
            int batch = w.batchSize();
            Shape shape = Models.inputShape(batch, data.featureShape());
            int[] positions = new int[batch];
            double firstLoss = Double.NaN;
            double lossSum = 0;
            long lossCount = 0;
            long trainNanos = 0;
            RunStatus status = RunStatus.COMPLETED;
            long step = 0;
            while (step < total) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("training of " + w.name() + " cancelled at step " + step);
                }
                long t0 = System.nanoTime();
                nextBatch(positions);
                data.train().fill(positions, featureBuffer.floatView(), labelBuffer.intView());
                double loss = step(step, positions.length, shape);
                trainNanos += System.nanoTime() - t0;
                step++;
                if (Double.isNaN(firstLoss)) {
                    firstLoss = loss;
                }
                if (!Double.isFinite(loss) || loss > DIVERGENCE_FACTOR * firstLoss) {
                    status = RunStatus.DIVERGED;
                    record(new Measurement(step, Split.TRAIN, loss, Double.NaN));
                    break;
                }
                lossSum += loss;
                lossCount++;
                listener.onStep(step, total, loss);
                if (step % w.evalInterval() == 0 || step == total) {
                    record(new Measurement(step, Split.TRAIN, lossSum / lossCount, Double.NaN));
                    lossSum = 0;
                    lossCount = 0;
                    evaluate(step, Split.TRAIN_EVAL, data.trainEval());
                    evaluate(step, Split.VALIDATION, data.validation());
                    evaluate(step, Split.TEST, data.test());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double stepsPerSecond = trainNanos > 0 ? step / (trainNanos / 1e9) : 0;
            return new TrainResult(status, step, curve, seconds, stepsPerSecond);
        }

        /** Draws the next batch and runs one step t; used by {@link StepBenchmark}. */
        double trainStep(long t, int[] positions, Shape shape) {
            nextBatch(positions);
            data.train().fill(positions, featureBuffer.floatView(), labelBuffer.intView());
            return step(t, positions.length, shape);
        }

        private void record(Measurement m) {
            curve.add(m);
            listener.onEvaluation(m);
        }

        /** Seeded data order: a fresh permutation of the training rows each epoch ({@link DataOrder}). */
        private void nextBatch(int[] positions) {
            order.next(positions, 0, positions.length);
        }

        /**
         * One training step t (0-based) on the {@code rows} examples just filled into the buffers;
         * returns the minibatch data loss (with label smoothing).
         */
        private double step(long t, int rows, Shape shape) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = featureBuffer.floats(scope, rows * data.train().source().featureSize(), shape);
                NDArray y = labelBuffer.ints(scope, rows * data.labelsPerExample());
                NDArray dataLoss;
                List<NDArray> grads = new ArrayList<>(params.size());
                Autograd.record(true);
                try {
                    NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
                    dataLoss = Losses.meanCrossEntropy(logits, y, config.labelSmoothing());
                    NDArray objective = dataLoss;
                    if (config.l2() > 0) {
                        objective = dataLoss.add(squaredNorm(scope).mul((float) (config.l2() / 2)));
                    }
                    Autograd.backward(objective, scope);
                } finally {
                    Autograd.record(false);
                }
                double loss = dataLoss.getFloat();
                if (!Double.isFinite(loss)) {
                    return loss;
                }
                for (NDArray p : params) {
                    grads.add(Autograd.gradient(p, scope));
                }
                double rate = schedule.rate(t);
                optimizer.step(params, grads, t, rate);
                for (NDArray p : params) {
                    Autograd.zeroGradient(p);
                }
                return loss;
            }
        }

        /** ‖θ‖² over all trainable parameters, owned by {@code scope}. */
        private NDArray squaredNorm(NDManager scope) {
            NDArray sum = scope.zeros(new Shape());
            for (NDArray p : params) {
                NDArray sq = p.square().sum();
                sq.attach(scope);
                sum = sum.add(sq);
            }
            return sum;
        }

        /** Plain cross-entropy (no smoothing, no L2) and error over all of {@code split}, batched. */
        private void evaluate(long step, Split split, Examples examples) {
            int featureSize = data.train().source().featureSize();
            int perExample = data.labelsPerExample();
            double lossSum = 0;
            double wrong = 0;
            int n = examples.size();
            for (int from = 0; from < n; from += evalBatch) {
                int count = Math.min(evalBatch, n - from);
                int[] positions = new int[count];
                for (int i = 0; i < count; i++) {
                    positions[i] = from + i;
                }
                examples.fill(positions, featureBuffer.floatView(), labelBuffer.intView());
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = featureBuffer.floats(scope, count * featureSize,
                            Models.inputShape(count, data.featureShape()));
                    NDArray y = labelBuffer.ints(scope, count * perExample);
                    NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
                    Losses.Sums sums = Losses.sums(logits, y);
                    lossSum += sums.lossSum().getFloat();
                    wrong += sums.wrong().getFloat();
                }
            }
            double denominator = (double) n * perExample;
            record(new Measurement(step, split, lossSum / denominator, wrong / denominator));
        }
    }
}
