package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.optbench.optim.BatchedOptimizer;
import dev.optbench.workload.Models;
import dev.optbench.workload.StackedModels;
import java.util.ArrayList;
import java.util.List;

/**
 * The stacked parameters of K trials, shared by the {@link StackedBackend} and the
 * {@link NativeBackend}: the trials of one update rule form a group with leaf arrays [K_g, ...]
 * and one batched optimizer. Each trial's slice starts as exactly the weights its own DJL block
 * gets ({@link PerOpBackend}'s initialization); a trial that leaves is sliced out of its group's
 * parameters and optimizer state, and the others go on unchanged.
 */
abstract class StackedGroups implements Backend {
    final BackendSetup s;
    final List<Group> groups = new ArrayList<>();

    /** The trials of one update rule: their stacked parameters and one batched optimizer over them. */
    static final class Group {
        final List<LoopTrial> trials = new ArrayList<>();
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

    /** {@code trials} in the loop's order: those of one update rule consecutive. */
    StackedGroups(BackendSetup s, List<LoopTrial> trials) {
        this.s = s;
        for (LoopTrial t : trials) {
            LoopTrial last = groups.isEmpty() ? null : groups.get(groups.size() - 1).trials.get(0);
            if (last == null || !last.config.optimizer().equals(t.config.optimizer())
                    || last.request.optimizers() != t.request.optimizers()) { // same name, another plug-in
                groups.add(new Group());
            }
            groups.get(groups.size() - 1).trials.add(t);
        }
        for (Group g : groups) {
            stackInitialWeights(g);
            g.optimizer = g.trials.get(0).request.optimizers().createBatched(g.trials.get(0).config.optimizer(),
                    g.trials.stream().map(t -> t.config.optimizerHparams()).toList());
        }
    }

    /** Builds each trial's own block with its initialization and stacks parameter i of the group. */
    private void stackInitialWeights(Group group) {
        List<List<NDArray>> perTrial = new ArrayList<>();
        try (NDManager scratch = s.manager().newSubManager()) {
            for (LoopTrial t : group.trials) {
                Block block = s.net().block(s.data().classes(), 0);
                block.setInitializer(Initializer.ZEROS, p -> true);
                block.initialize(scratch, DataType.FLOAT32,
                        Models.inputShape(s.w().batchSize(), s.data().featureShape()));
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
                stacked.attach(s.manager());
                group.params.add(stacked);
            }
        }
    }

    @Override
    public void retain(int[] keep) {
        int from = 0;
        for (java.util.Iterator<Group> it = groups.iterator(); it.hasNext();) {
            Group g = it.next();
            int size = g.trials.size();
            final int first = from;
            int[] own = java.util.Arrays.stream(keep).filter(i -> i >= first && i < first + size)
                    .map(i -> i - first).toArray();
            from += size;
            if (own.length == 0) {
                g.invalidate();
                g.optimizer.close();
                g.params.forEach(NDArray::close);
                it.remove();
                continue;
            }
            if (own.length < size) {
                g.optimizer.retain(own);
                List<LoopTrial> left = new ArrayList<>();
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
        }
    }

    /** A fresh leaf [keep.length, ...] holding slices {@code keep} of {@code old}, which is closed. */
    private NDArray slice(NDArray old, int[] keep) {
        NDArray slim;
        try (NDManager scope = s.manager().newSubManager()) {
            scope.tempAttachAll(old);
            NDList slices = new NDList();
            for (int k : keep) {
                slices.add(old.get(k));
            }
            slim = NDArrays.stack(slices);
            slim.attach(s.manager());
        }
        old.close();
        return slim;
    }

    /** Every group's leaves, for attaching to a scope. */
    NDArray[] leaves() {
        return groups.stream().flatMap(g -> g.params.stream()).toArray(NDArray[]::new);
    }

    /** Parameter i of the whole batch: the groups' parameter i along the trial axis (in {@code scope}'s lifetime). */
    static List<NDArray> stacked(List<List<NDArray>> perGroup) {
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
}
