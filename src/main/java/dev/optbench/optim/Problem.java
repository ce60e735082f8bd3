package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** A deterministic problem for optimizer checks: a starting point and full-batch gradients. */
public interface Problem {
    /** Short name for tables (rosenbrock, mlp, ...). */
    String name();

    /** Fresh copies of the starting parameters in {@code manager}, of data type {@code type}. */
    List<NDArray> initialParameters(NDManager manager, DataType type);

    /**
     * The exact (full-batch) gradient at {@code params}, one array per parameter, allocated in
     * {@code manager}. Must not modify {@code params}.
     */
    List<NDArray> gradients(List<NDArray> params, NDManager manager);

    /** The loss at {@code params}. */
    double loss(List<NDArray> params);
}
