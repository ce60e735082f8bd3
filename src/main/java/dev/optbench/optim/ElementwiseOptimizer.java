package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared bookkeeping of the elementwise optimizers: one {@link ParamState} per parameter, created
 * on the first step in a manager owned by this optimizer (freed by {@link #close()}), and a
 * sub-manager per parameter update that owns every temporary the update creates, so memory does
 * not grow from step to step. Subclasses write only the rule for one parameter.
 */
abstract class ElementwiseOptimizer<S extends ParamState> implements Optimizer {
    private final String name;
    private final Map<String, Double> hyperparameters;
    private final List<S> states = new ArrayList<>();
    private NDManager stateManager;
    private boolean closed;

    ElementwiseOptimizer(String name, Map<String, Double> hyperparameters) {
        this.name = name;
        this.hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /** Fresh state for {@code param}, allocated in {@code manager}. */
    abstract S initState(NDArray param, NDManager manager);

    /**
     * Applies the rule to one parameter in place. Every array it creates is freed after the step,
     * so temporaries need no closing; state arrays must be updated in place.
     */
    abstract void update(NDArray param, NDArray grad, S state, long t, double learningRate);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Map<String, Double> hyperparameters() {
        return hyperparameters;
    }

    @Override
    public final void step(List<NDArray> params, List<NDArray> grads, long t, double learningRate) {
        if (closed) {
            throw new IllegalStateException(name + " optimizer is closed");
        }
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(
                    params.size() + " parameters but " + grads.size() + " gradients");
        }
        if (t < 0) {
            throw new IllegalArgumentException("step t = " + t + " must be >= 0");
        }
        if (!states.isEmpty() && states.size() != params.size()) {
            throw new IllegalArgumentException(name + " was stepped with " + states.size()
                    + " parameters before, now " + params.size() + ": pass the same list every step");
        }
        if (params.isEmpty()) {
            return;
        }
        if (stateManager == null) {
            NDArray first = params.get(0);
            stateManager = NDManager.newBaseManager(
                    first.getDevice(), first.getManager().getEngine().getEngineName());
        }
        for (int i = 0; i < params.size(); i++) {
            NDArray param = params.get(i);
            NDArray grad = grads.get(i);
            checkMatch(i, param, grad);
            if (states.size() == i) {
                states.add(initState(param, stateManager));
            }
            S state = states.get(i);
            // One scope per parameter, so peak extra memory is a few copies of the largest
            // parameter, not of the whole model.
            try (NDManager scope = stateManager.newSubManager()) {
                // Results of an op belong to its operand's manager: attaching the operands to the
                // scope for the update puts every temporary there; they return to their owners
                // when the scope closes.
                scope.tempAttachAll(param, grad);
                for (NDArray a : state.arrays()) {
                    if (!a.getShape().equals(param.getShape()) || a.getDataType() != param.getDataType()) {
                        throw new IllegalArgumentException("parameter " + i + " changed from "
                                + a.getShape() + " " + a.getDataType() + " to " + param.getShape()
                                + " " + param.getDataType() + ": pass the same list every step");
                    }
                    a.tempAttach(scope);
                }
                update(param, grad, state, t, learningRate);
            }
        }
    }

    private static void checkMatch(int i, NDArray param, NDArray grad) {
        if (!param.getShape().equals(grad.getShape())) {
            throw new IllegalArgumentException("parameter " + i + " has shape " + param.getShape()
                    + " but its gradient " + grad.getShape());
        }
        if (param.getDataType() != grad.getDataType()) {
            throw new IllegalArgumentException("parameter " + i + " is " + param.getDataType()
                    + " but its gradient " + grad.getDataType());
        }
    }

    /** The state of parameter {@code i} (for tests and inspection); empty before the first step. */
    final List<S> states() {
        return Collections.unmodifiableList(states);
    }

    /** Arrays held by this optimizer's state manager right now (0 once closed). */
    final int stateArrayCount() {
        return stateManager == null ? 0 : stateManager.getManagedArrays().size();
    }

    @Override
    public final void close() {
        closed = true;
        states.clear();
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
    }
}
