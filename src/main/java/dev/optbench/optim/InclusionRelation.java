package dev.optbench.optim;

import java.util.List;

/**
 * "subset ⊆ superset": some setting, or limit of settings, of the superset's hyperparameters
 * reproduces the subset's updates (SPEC section 4). {@link #DIRECT} lists the relations the
 * spec states; transitive ones follow from them.
 */
public record InclusionRelation(String subset, String superset) {
    public static final List<InclusionRelation> DIRECT = List.of(
            new InclusionRelation("sgd", "momentum"),
            new InclusionRelation("sgd", "nesterov"),
            new InclusionRelation("momentum", "rmsprop"),
            new InclusionRelation("momentum", "adam"),
            new InclusionRelation("nesterov", "nadam"));

    /** SPEC section 4's relations plus those {@code optimizers}' plug-ins declare (SPEC section 10). */
    public static List<InclusionRelation> direct(OptimizerRegistry optimizers) {
        List<InclusionRelation> out = new java.util.ArrayList<>(DIRECT);
        for (String name : optimizers.names()) {
            if (!optimizers.builtInNames().contains(name)) {
                for (DeclaredInclusion d : DeclaredInclusion.of(optimizers.rule(name))) {
                    out.add(new InclusionRelation(d.subset(), name));
                }
            }
        }
        return out;
    }

    /** Direct and transitive relations (sgd ⊆ rmsprop, sgd ⊆ adam, sgd ⊆ nadam too). */
    public static List<InclusionRelation> all(OptimizerRegistry optimizers) {
        java.util.LinkedHashSet<InclusionRelation> out = new java.util.LinkedHashSet<>(direct(optimizers));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (InclusionRelation a : List.copyOf(out)) {
                for (InclusionRelation b : List.copyOf(out)) {
                    if (a.superset().equals(b.subset())) {
                        grew |= out.add(new InclusionRelation(a.subset(), b.superset()));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return subset + " ⊆ " + superset;
    }
}
