package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The state one optimizer keeps for one parameter: a few arrays shaped like the parameter. */
interface ParamState {
    /** The state arrays (possibly none), for bookkeeping of their memory. */
    List<NDArray> arrays();
}
