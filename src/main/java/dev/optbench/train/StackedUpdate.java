package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.Optimizers;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer of a stacked batch: parameters carry a leading trial axis, {@code rates[k]} is
 * trial k's scheduled rate, and {@link #retain} drops trials from the state. Temporary form
 * until the batched optimizer core lands: one {@link Optimizer} per trial stepping its slice,
 * then decoupled weight decay as {@link Trainer} applies it (θ ← θ − η_t λ θ after the update).
 */
interface StackedUpdate extends AutoCloseable {
    void step(List<NDArray> params, List<NDArray> grads, long t, double[] rates);

    /** Keeps trials {@code keep} (ascending positions), in that order. */
    void retain(int[] keep);

    @Override
    void close();

    static StackedUpdate create(List<TrainConfig> configs) {
        return new PerTrial(configs);
    }

    /** One scalar optimizer per trial slice. */
    final class PerTrial implements StackedUpdate {
        private final List<Optimizer> optimizers = new ArrayList<>();
        private final List<TrainConfig> configs = new ArrayList<>();

        PerTrial(List<TrainConfig> configs) {
            for (TrainConfig c : configs) {
                optimizers.add(Optimizers.create(c.optimizer(), c.optimizerHparams()));
                this.configs.add(c);
            }
        }

        @Override
        public void step(List<NDArray> params, List<NDArray> grads, long t, double[] rates) {
            for (int k = 0; k < optimizers.size(); k++) {
                try (NDManager scope = params.get(0).getManager().newSubManager()) {
                    List<NDArray> p = new ArrayList<>();
                    List<NDArray> g = new ArrayList<>();
                    for (int i = 0; i < params.size(); i++) {
                        NDArray pk = params.get(i).get(k);
                        pk.attach(scope);
                        NDArray gk = grads.get(i).get(k);
                        gk.attach(scope);
                        p.add(pk);
                        g.add(gk);
                    }
                    optimizers.get(k).step(p, g, t, rates[k]);
                    double wd = configs.get(k).weightDecay();
                    for (int i = 0; i < params.size(); i++) {
                        NDArray pk = p.get(i);
                        if (wd > 0) {
                            NDArray decay = pk.mul((float) (rates[k] * wd));
                            decay.attach(scope);
                            pk.subi(decay);
                        }
                        params.get(i).set(new NDIndex("{}", k), pk);
                    }
                }
            }
        }

        @Override
        public void retain(int[] keep) {
            List<Optimizer> o = new ArrayList<>();
            List<TrainConfig> c = new ArrayList<>();
            for (int k : keep) {
                o.add(optimizers.get(k));
                c.add(configs.get(k));
            }
            for (int k = 0; k < optimizers.size(); k++) {
                if (!o.contains(optimizers.get(k))) {
                    optimizers.get(k).close();
                }
            }
            optimizers.clear();
            optimizers.addAll(o);
            configs.clear();
            configs.addAll(c);
        }

        @Override
        public void close() {
            optimizers.forEach(Optimizer::close);
        }
    }
}
