package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import java.util.function.ToDoubleFunction;

/**
 * One parameter of one step, for all K trials at once. Coefficients are arrays of the
 * parameter's data type shaped to broadcast along it: [K, 1, ..., 1] with a trial axis, a scalar
 * without. Results of arithmetic on {@code param}, {@code grad} or the state are freed after the
 * update.
 */
public interface RuleStep {
    NDArray param();

    NDArray grad();

    /** State array i, in the order of {@link UpdateRule#state()}; update it in place. */
    NDArray state(int i);

    long t();

    /** The per-trial values of hyperparameter {@code hparam}. */
    NDArray coef(String hparam);

    /**
     * A derived per-trial coefficient, computed in double precision for each trial and then cast
     * once, e.g. {@code s.coef(h -> h.lr() * bias(h))}. Pass a non-capturing lambda (or a
     * constant): coefficients are cached per step by function identity.
     */
    NDArray coef(ToDoubleFunction<TrialValues> f);
}
