package dev.optbench.optim;

/**
 * A built-in rule's one-pass native form ({@link FusedUpdates}): the same arithmetic as its
 * {@link UpdateRule#update} on NDArrays, op for op, in one loop over the parameter instead of a
 * dozen tensor passes. The NDArray form stays the definition (GPU, float64, plug-ins run it);
 * {@code FusedUpdatesTest} holds the two to agreement for every rule.
 */
interface FusedRule {
    /** The native function that applies this rule. */
    FusedUpdates.Kernel kernel();

    /**
     * Trial {@code h}'s coefficients, the same record the NDArray form reads; the kernel receives
     * {@link StepCoefficients#values()}, each cast to float (as {@link RuleStep#coef} casts), then
     * the weight-decay rate.
     */
    StepCoefficients coefficients(TrialValues h);
}
