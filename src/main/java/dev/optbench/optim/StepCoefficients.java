package dev.optbench.optim;

/**
 * A built-in rule's per-step scalars for one trial, declared once as a record: computed in double
 * precision from the trial's hyperparameters, scheduled rate and step, read by name by the rule's
 * NDArray form ({@link UpdateRule#update}, the reference) and handed as {@link #values()} to its
 * fused kernel ({@link FusedRule}), whose documented argument order (src/main/c/fused_updates.c)
 * is the record's component order. {@code RuleDeclarationTest} holds the three together.
 */
interface StepCoefficients {
    /** The components in the record's declaration order: the kernel's coefficient arguments. */
    double[] values();
}
