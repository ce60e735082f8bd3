package dev.optbench.optim;

import java.util.List;

/**
 * An elementwise update rule over explicit state (SPEC section 2), in the style of Optax: the
 * rule is a small function of (parameter, gradient, state, hyperparameters, step); the
 * bookkeeping — state allocation, temporaries, decoupled weight decay, stacking of K trials — is
 * {@link StackedOptimizer}'s. A rule is written once for K trials whose parameters carry a
 * leading trial axis; one unbatched trial is the case K = 1 without that axis. Hyperparameters
 * therefore reach the rule as arrays ({@link RuleStep#coef}) that broadcast along the parameter,
 * never as Java doubles. This is also the public interface of plug-in optimizers.
 */
public interface UpdateRule {
    /** Canonical name, lower case (e.g. "adam"). */
    String name();

    /** The rule's own hyperparameters in canonical order, learning_rate first, with defaults and ranges. */
    List<HyperparameterSpec> hyperparameters();

    /** The update as one line of text, shown by {@code optbench optimizers}. */
    String formula();

    /** The state arrays kept per parameter, in order, each with its start value. */
    List<StateInit> state();

    /**
     * Applies one step to one parameter in place: update the state arrays in place
     * ({@code muli}, {@code addi}, ...) and then {@code param}. Temporaries need no closing.
     */
    void update(RuleStep s);
}
