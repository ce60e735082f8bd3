package dev.optbench.train;

import ai.djl.Device;
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
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.Optimizers;
import dev.optbench.optim.Schedule;
import dev.optbench.optim.Schedules;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Models;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conformance suite's reference: {@link Trainer}'s per-op computation (the same DJL blocks,
 * initial weights, data order, loss, label smoothing, L2, schedule and update rule) in float64.
 * Why this and not an independent plain-Java network: it covers every workload, the LSTM and the
 * Transformer included, and what it checks is float32 rounding, which is the only thing it
 * changes; the rules' and networks' math is held to independent values by UpdateRulesTest,
 * ModelsTest and StackedModelsTest. The weights start from the float32 run's values (widened
 * exactly) and the inputs are the same float32 values, so the two differ by rounding alone.
 */
final class Float64Reference {
    private Float64Reference() {}

    static ConformanceBackends.Trajectory train(TrainRequest r) {
        Workload w = Workloads.get(r.workload());
        TrainConfig config = TrainConfig.of(r.optimizers(), r.optimizer(), r.hparams());
        long total = r.steps();
        Schedule schedule = Schedules.create(config.scheduleKind(), config.learningRate(), config.scheduleHparams(),
                total);
        DataSplits data = Datasets.load(w.data(), r.dataDir());
        Shape shape = Models.inputShape(w.batchSize(), data.featureShape());
        int featureSize = data.train().source().featureSize();
        double[] losses = new double[(int) total];
        Map<Long, Double> validation = new TreeMap<>();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                Optimizer optimizer = Optimizers.create(config.optimizer(), config.optimizerHparams())) {
            Block block = float64Block(w, data, manager, shape, r.seed());
            List<NDArray> params = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    params.add(p.getValue().getArray());
                }
            }
            ParameterStore store = new ParameterStore(manager, false);
            DataOrder order = new DataOrder(r.seed(), data.train().size());
            int[] positions = new int[w.batchSize()];
            float[] features = new float[positions.length * featureSize];
            int[] labels = new int[positions.length * data.labelsPerExample()];
            for (long t = 0; t < total; t++) {
                order.next(positions, 0, positions.length);
                data.train().fill(positions, features, labels);
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(features, shape).toType(DataType.FLOAT64, false);
                    NDArray y = scope.create(labels);
                    NDArray dataLoss;
                    Autograd.record(true);
                    try {
                        NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
                        dataLoss = Losses.meanCrossEntropy(logits, y, config.labelSmoothing());
                        NDArray objective = dataLoss;
                        if (config.l2() > 0) {
                            NDArray sum = scope.zeros(new Shape(), DataType.FLOAT64);
                            for (NDArray p : params) {
                                sum = sum.add(p.square().sum());
                            }
                            objective = dataLoss.add(Losses.times(sum, (float) (config.l2() / 2)));
                        }
                        Autograd.backward(objective, scope);
                    } finally {
                        Autograd.record(false);
                    }
                    losses[(int) t] = dataLoss.toDoubleArray()[0];
                    List<NDArray> grads = new ArrayList<>();
                    for (NDArray p : params) {
                        grads.add(Autograd.gradient(p, scope));
                    }
                    optimizer.step(params, grads, t, schedule.rate(t));
                    for (NDArray p : params) {
                        Autograd.zeroGradient(p);
                    }
                }
                long step = t + 1;
                if (step % w.evalInterval() == 0 || step == total) {
                    validation.put(step, validationLoss(block, store, data, manager));
                }
            }
        }
        return new ConformanceBackends.Trajectory(losses, Map.copyOf(validation));
    }

    /**
     * The sum over {@code w}'s weight matrices and kernels of their fan-in (inputs per output,
     * the length of each dot product): the length of the longest chain of float32 sums one
     * forward pass makes, which the conformance bound scales with.
     */
    static long fanInSum(Workload w, DataSplits data) {
        Shape shape = Models.inputShape(w.batchSize(), data.featureShape());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block block = Models.build(w, data.classes(), 0);
            block.setInitializer(Initializer.ZEROS, p -> true);
            block.initialize(manager, DataType.FLOAT32, shape);
            long sum = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                long[] dims = p.getValue().getArray().getShape().getShape();
                if (p.getValue().getType() == Parameter.Type.WEIGHT && dims.length >= 2) {
                    long fanIn = dims[1];
                    for (int i = 2; i < dims.length; i++) {
                        fanIn *= dims[i];
                    }
                    sum += fanIn;
                }
            }
            return sum;
        }
    }

    /** {@code w}'s block in float64 with the float32 run's initial weights of seed {@code seed}, widened. */
    private static Block float64Block(Workload w, DataSplits data, NDManager manager, Shape shape, long seed) {
        Block wide = widenInputs(w, data.classes(), Models.build(w, data.classes(), 0));
        wide.setInitializer(Initializer.ZEROS, p -> true);
        wide.initialize(manager, DataType.FLOAT64, shape);
        try (NDManager scratch = manager.newSubManager()) {
            Block narrow = Models.build(w, data.classes(), 0);
            narrow.setInitializer(Initializer.ZEROS, p -> true);
            narrow.initialize(scratch, DataType.FLOAT32, shape);
            Initialization.apply(narrow, seed);
            var from = narrow.getParameters().values();
            var to = wide.getParameters().values();
            for (int i = 0; i < from.size(); i++) {
                float[] f = from.get(i).getArray().toFloatArray();
                double[] d = new double[f.length];
                for (int j = 0; j < f.length; j++) {
                    d[j] = f[j];
                }
                to.get(i).getArray().set(DoubleBuffer.wrap(d));
            }
        }
        return wide;
    }

    /**
     * The text networks start with a one-hot block that makes float32 whatever the weights are,
     * and DJL's LSTM starts from float32 zero states unless given some: the reference's one-hot
     * makes float64 and hands an LSTM float64 zero states (no parameters change, so the others
     * keep their order).
     */
    private static Block widenInputs(Workload w, int vocabulary, Block block) {
        if (w.data().kind() != dev.optbench.workload.DatasetKind.TEXT) {
            return block;
        }
        List<Block> children = ((ai.djl.nn.SequentialBlock) block).getChildren().values();
        Block next = children.get(1);
        ai.djl.nn.SequentialBlock wide = new ai.djl.nn.SequentialBlock().add(new ai.djl.nn.LambdaBlock(in -> {
            NDArray x = in.singletonOrThrow().toType(DataType.INT64, false).oneHot(vocabulary, DataType.FLOAT64);
            if (!(next instanceof ai.djl.nn.recurrent.LSTM)) {
                return new NDList(x);
            }
            long layers = 0;
            long units = 0;
            for (Pair<String, Parameter> p : next.getParameters()) {
                if (p.getKey().contains("h2h") && p.getValue().getType() == Parameter.Type.WEIGHT) {
                    if (!p.getValue().isInitialized()) {
                        return new NDList(x); // shape inference at initialization: the LSTM makes its own states
                    }
                    layers++;
                    units = p.getValue().getArray().getShape().get(1);
                }
            }
            Shape state = new Shape(layers, x.getShape().get(0), units); // batch first
            return new NDList(x, x.getManager().zeros(state, DataType.FLOAT64),
                    x.getManager().zeros(state, DataType.FLOAT64));
        }, "one_hot64"));
        return wide.addAll(children.subList(1, children.size()));
    }

    /** Plain cross-entropy over the validation split, as Trainer evaluates it. */
    private static double validationLoss(Block block, ParameterStore store, DataSplits data, NDManager manager) {
        var examples = data.validation();
        int featureSize = data.train().source().featureSize();
        int n = examples.size();
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        float[] features = new float[n * featureSize];
        int[] labels = new int[n * data.labelsPerExample()];
        examples.fill(positions, features, labels);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(features, Models.inputShape(n, data.featureShape())).toType(DataType.FLOAT64,
                    false);
            NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
            double sum = Losses.sums(logits, scope.create(labels)).lossSum().toDoubleArray()[0];
            return sum / ((double) n * data.labelsPerExample());
        }
    }
}
