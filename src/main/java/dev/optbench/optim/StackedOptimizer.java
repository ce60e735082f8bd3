package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Runs an {@link UpdateRule} for K trials, with or without a leading trial axis on the
 * parameters, and applies decoupled weight decay (SPEC section 2) for every rule:
 * <pre>
 *   θ ← θ − α_t λ θ_old − (the rule's step)
 * </pre>
 * with both terms computed from θ before the step. State arrays live in a manager owned by this
 * optimizer (freed by {@link #close()}); each parameter update runs in a sub-manager that owns
 * every temporary, so memory does not grow from step to step. A built-in rule on float32 host
 * arrays runs as its one-pass native form ({@link FusedUpdates}), the same arithmetic.
 */
final class StackedOptimizer implements BatchedOptimizer {
    private final UpdateRule rule;
    private final boolean trialAxis;
    /** The rule's native form when it has one and the kernels are loaded and allowed; else null. */
    private final FusedRule fused;
    private List<Map<String, Double>> hparams;
    private final List<List<NDArray>> states = new ArrayList<>();
    /** Coefficients of plain hyperparameters, by name and parameter rank, kept until K changes. */
    private final Map<String, NDArray> constants = new HashMap<>();
    private NDManager stateManager;
    private boolean closed;
    /** Per parameter: the host memory the native path writes, for the array last seen there. */
    private final List<Memory> memories = new ArrayList<>();
    /** Parameter updates the native kernel made, so a test can tell a silent fall-back to NDArray ops. */
    private long nativeUpdates;

    /**
     * The memory of one parameter and its state; {@code p == null}: not writable in place, so the
     * NDArray path. It stays valid while the same array comes back: every update is in place.
     */
    private record Memory(NDArray param, ByteBuffer p, ByteBuffer s0, ByteBuffer s1) {}

    /**
     * @param hparams each trial's full, checked hyperparameters (the rule's and weight_decay)
     * @param trialAxis whether parameters carry a leading trial axis (false needs exactly one trial)
     */
    StackedOptimizer(UpdateRule rule, List<Map<String, Double>> hparams, boolean trialAxis) {
        this(rule, hparams, trialAxis, true);
    }

    /** @param nativeKernels whether a built-in rule may run its native form (false: always NDArray ops; for tests) */
    StackedOptimizer(UpdateRule rule, List<Map<String, Double>> hparams, boolean trialAxis, boolean nativeKernels) {
        if (hparams.isEmpty() || (!trialAxis && hparams.size() != 1)) {
            throw new IllegalArgumentException("need one trial without a trial axis, at least one with; got "
                    + hparams.size());
        }
        this.rule = rule;
        this.trialAxis = trialAxis;
        this.fused = nativeKernels && FusedUpdates.available() && rule instanceof FusedRule f ? f : null;
        List<Map<String, Double>> copy = new ArrayList<>();
        for (Map<String, Double> h : hparams) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(h)));
        }
        this.hparams = List.copyOf(copy);
    }

    @Override
    public String name() {
        return rule.name();
    }

    @Override
    public int trials() {
        return hparams.size();
    }

    @Override
    public List<Map<String, Double>> hyperparameters() {
        return hparams;
    }

    @Override
    public void step(List<NDArray> params, List<NDArray> grads, long t, double[] rates) {
        if (closed) {
            throw new IllegalStateException(rule.name() + " optimizer is closed");
        }
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        if (rates.length != hparams.size()) {
            throw new IllegalArgumentException(rates.length + " learning rates for " + hparams.size() + " trials");
        }
        if (t < 0) {
            throw new IllegalArgumentException("step t = " + t + " must be >= 0");
        }
        if (!states.isEmpty() && states.size() != params.size()) {
            throw new IllegalArgumentException(rule.name() + " was stepped with " + states.size()
                    + " parameters before, now " + params.size() + ": pass the same list every step");
        }
        if (params.isEmpty()) {
            return;
        }
        if (stateManager == null) {
            NDArray first = params.get(0);
            stateManager = NDManager.newBaseManager(first.getDevice(), first.getManager().getEngine().getEngineName());
        }
        boolean decay = hparams.stream().anyMatch(h -> h.getOrDefault(Optimizers.WEIGHT_DECAY, 0.0) > 0);
        float[] fusedCoefficients = fused == null ? null : fusedCoefficients(t, rates, decay);
        try (NDManager stepScope = stateManager.newSubManager()) {
            Map<Object, NDArray> derived = new HashMap<>();
            for (int i = 0; i < params.size(); i++) {
                NDArray param = params.get(i);
                NDArray grad = grads.get(i);
                checkMatch(i, param, grad);
                if (states.size() == i) {
                    states.add(initState(param));
                }
                List<NDArray> state = states.get(i);
                Memory memory = fused == null ? null : memory(i, param, state, stepScope);
                if (memory != null && memory.p() != null) {
                    // A copy DJL makes of a non-contiguous gradient lands in the step's scope.
                    grad.tempAttach(stepScope);
                    int k = hparams.size();
                    FusedUpdates.run(fused.kernel(), memory.p(), FusedUpdates.memory(grad), memory.s0(), memory.s1(),
                            k, param.size() / k, fusedCoefficients, decay);
                    nativeUpdates++;
                    continue;
                }
                // One scope per parameter, so peak extra memory is a few copies of the largest
                // parameter, not of the whole model.
                try (NDManager scope = stateManager.newSubManager()) {
                    // Results of an op belong to its first operand's manager: attaching every
                    // operand to the scope puts each temporary there; they return when it closes.
                    scope.tempAttachAll(param, grad);
                    for (NDArray a : state) {
                        if (!a.getShape().equals(param.getShape()) || a.getDataType() != param.getDataType()) {
                            throw new IllegalArgumentException("parameter " + i + " changed from "
                                    + a.getShape() + " " + a.getDataType() + " to " + param.getShape() + " "
                                    + param.getDataType() + ": pass the same list every step");
                        }
                        a.tempAttach(scope);
                    }
                    Step s = new Step(param, grad, state, t, rates, scope, stepScope, derived);
                    NDArray decayTerm = decay ? param.mul(s.coef(WEIGHT_DECAY_RATE)) : null;
                    rule.update(s);
                    if (decayTerm != null) {
                        param.subi(decayTerm);
                    }
                }
            }
        }
    }

    /**
     * The memory the native kernel writes for parameter i and its state, looked up once per
     * parameter array (its memory does not move: every update is in place).
     */
    private Memory memory(int i, NDArray param, List<NDArray> state, NDManager stepScope) {
        while (memories.size() <= i) {
            memories.add(null);
        }
        Memory m = memories.get(i);
        if (m == null || m.param() != param) {
            param.tempAttach(stepScope); // copies DJL makes of a non-contiguous array land in the step's scope
            ByteBuffer p = FusedUpdates.ownMemory(param);
            ByteBuffer s0 = state.isEmpty() ? null : FusedUpdates.ownMemory(state.get(0));
            ByteBuffer s1 = state.size() < 2 ? null : FusedUpdates.ownMemory(state.get(1));
            boolean ok = p != null && (state.isEmpty() || s0 != null) && (state.size() < 2 || s1 != null);
            m = ok ? new Memory(param, p, s0, s1) : new Memory(param, null, null, null);
            memories.set(i, m);
        }
        return m;
    }

    /** Each trial's kernel coefficients at step t, then its weight-decay rate: K rows, row-major. */
    private float[] fusedCoefficients(long t, double[] rates, boolean decay) {
        int k = hparams.size();
        float[] out = null;
        int width = 0;
        for (int j = 0; j < k; j++) {
            TrialValues h = values(hparams.get(j), rates[j], t);
            double[] c = fused.coefficients(h).values();
            if (out == null) {
                width = c.length + 1;
                out = new float[k * width];
            }
            for (int x = 0; x < c.length; x++) {
                out[j * width + x] = (float) c[x];
            }
            out[j * width + c.length] = decay ? (float) WEIGHT_DECAY_RATE.applyAsDouble(h) : 0f;
        }
        return out;
    }

    /** Trial values of one trial at one step, for derived coefficients. */
    private TrialValues values(Map<String, Double> h, double lr, long t) {
        return new TrialValues() {
            @Override
            public double get(String name) {
                Double value = h.get(name);
                if (value == null) {
                    throw new IllegalArgumentException(rule.name() + " has no hyperparameter '" + name + "'");
                }
                return value;
            }

            @Override
            public double lr() {
                return lr;
            }

            @Override
            public long t() {
                return t;
            }
        };
    }

    /** α_t · λ, the decoupled weight decay's coefficient. */
    private static final ToDoubleFunction<TrialValues> WEIGHT_DECAY_RATE =
            h -> h.lr() * h.get(Optimizers.WEIGHT_DECAY);

    private List<NDArray> initState(NDArray param) {
        List<NDArray> out = new ArrayList<>();
        for (StateInit init : rule.state()) {
            out.add(stateManager.full(param.getShape(), (float) init.value(), param.getDataType()));
        }
        return out;
    }

    private void checkMatch(int i, NDArray param, NDArray grad) {
        if (!param.getShape().equals(grad.getShape())) {
            throw new IllegalArgumentException("parameter " + i + " has shape " + param.getShape()
                    + " but its gradient " + grad.getShape());
        }
        if (param.getDataType() != grad.getDataType()) {
            throw new IllegalArgumentException("parameter " + i + " is " + param.getDataType()
                    + " but its gradient " + grad.getDataType());
        }
        if (trialAxis && (param.getShape().dimension() == 0 || param.getShape().get(0) != hparams.size())) {
            throw new IllegalArgumentException("parameter " + i + " has shape " + param.getShape()
                    + ": its leading axis must be the " + hparams.size() + " trials");
        }
    }

    @Override
    public void retain(int[] keep) {
        if (!trialAxis) {
            throw new IllegalStateException("an optimizer without a trial axis has one trial");
        }
        for (int j = 0; j < keep.length; j++) {
            if (keep[j] < 0 || keep[j] >= hparams.size() || (j > 0 && keep[j] <= keep[j - 1])) {
                throw new IllegalArgumentException("retain needs ascending trial indices below " + hparams.size());
            }
        }
        List<Map<String, Double>> kept = new ArrayList<>();
        for (int k : keep) {
            kept.add(hparams.get(k));
        }
        hparams = List.copyOf(kept);
        memories.clear();
        constants.values().forEach(NDArray::close);
        constants.clear();
        for (List<NDArray> state : states) {
            for (int i = 0; i < state.size(); i++) {
                NDArray old = state.get(i);
                NDArray slim = keep.length == 0 ? old.get("0:0") : pick(old, keep);
                slim.attach(stateManager);
                state.set(i, slim);
                old.close();
            }
        }
    }

    private static NDArray pick(NDArray a, int[] keep) {
        NDList rows = new NDList();
        for (int k : keep) {
            rows.add(a.get(k));
        }
        return NDArrays.stack(rows);
    }

    /** Parameter updates made by the native kernel so far (the others ran as NDArray ops); for tests. */
    long nativeUpdates() {
        return nativeUpdates;
    }

    /** State arrays held by this optimizer right now (0 once closed); for tests. */
    int stateArrayCount() {
        return stateManager == null ? 0 : stateManager.getManagedArrays().size() - constants.size();
    }

    /** State arrays per parameter (for tests and inspection). */
    int stateArraysPerParameter() {
        return rule.state().size();
    }

    @Override
    public void close() {
        closed = true;
        states.clear();
        memories.clear();
        constants.clear();
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
    }

    /** Views of the optimizer's step for one parameter. */
    private final class Step implements RuleStep {
        private final NDArray param;
        private final NDArray grad;
        private final List<NDArray> state;
        private final long t;
        private final double[] rates;
        private final NDManager scope;
        private final NDManager stepScope;
        private final Map<Object, NDArray> derived;
        private final Set<NDArray> attached = Collections.newSetFromMap(new IdentityHashMap<>());

        Step(NDArray param, NDArray grad, List<NDArray> state, long t, double[] rates, NDManager scope,
                NDManager stepScope, Map<Object, NDArray> derived) {
            this.param = param;
            this.grad = grad;
            this.state = state;
            this.t = t;
            this.rates = rates;
            this.scope = scope;
            this.stepScope = stepScope;
            this.derived = derived;
        }

        @Override
        public NDArray param() {
            return param;
        }

        @Override
        public NDArray grad() {
            return grad;
        }

        @Override
        public NDArray state(int i) {
            return state.get(i);
        }

        @Override
        public long t() {
            return t;
        }

        @Override
        public NDArray coef(String hparam) {
            String key = hparam + "@" + param.getShape().dimension() + param.getDataType();
            NDArray c = constants.get(key);
            if (c == null) {
                double[] v = new double[hparams.size()];
                for (int k = 0; k < v.length; k++) {
                    Double value = hparams.get(k).get(hparam);
                    if (value == null) {
                        throw new IllegalArgumentException(rule.name() + " has no hyperparameter '" + hparam + "'");
                    }
                    v[k] = value;
                }
                c = create(stateManager, v);
                constants.put(key, c);
            }
            return attach(c);
        }

        @Override
        public NDArray coef(ToDoubleFunction<TrialValues> f) {
            List<Object> key = List.of(f, param.getShape().dimension(), param.getDataType());
            NDArray c = derived.get(key);
            if (c == null) {
                double[] v = new double[hparams.size()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = f.applyAsDouble(values(hparams.get(k), rates[k], t));
                }
                c = create(stepScope, v);
                derived.put(key, c);
            }
            return attach(c);
        }

        /** Lends a shared coefficient to this update's scope, so results computed from it land there. */
        private NDArray attach(NDArray c) {
            if (attached.add(c)) {
                c.tempAttach(scope);
            }
            return c;
        }

        private NDArray create(NDManager manager, double[] v) {
            Shape shape;
            if (trialAxis) {
                long[] dims = new long[param.getShape().dimension()];
                java.util.Arrays.fill(dims, 1);
                dims[0] = v.length;
                shape = new Shape(dims);
            } else {
                shape = new Shape();
            }
            if (param.getDataType() == DataType.FLOAT64) {
                return manager.create(v, shape);
            }
            float[] f = new float[v.length];
            for (int k = 0; k < v.length; k++) {
                f[k] = (float) v[k];
            }
            NDArray c = manager.create(f, shape);
            return param.getDataType() == DataType.FLOAT32 ? c : c.toType(param.getDataType(), false);
        }
    }
}
