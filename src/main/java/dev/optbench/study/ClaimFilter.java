package dev.optbench.study;

import dev.optbench.optim.OptimizerRegistry;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The trials a worker may claim, as SQL: for each study it admitted, the optimizers whose trials
 * it can run ({@link ClaimGate}). A study not named here is not claimed at all, so a study that
 * appears after the gate last looked is left alone until the gate has checked it. Refused trials
 * are never claimed, so they stay pending with their attempt count unchanged.
 * {@link #ANY} filters nothing (tools and tests that run trials of their own making).
 *
 * @param optimizers the worker's rules: a fitted study's stage-2 point is resolved by them when claimed
 */
public record ClaimFilter(Map<String, Set<String>> runnable, OptimizerRegistry optimizers) {
    /** No filter: every trial may be claimed (stage-2 points resolved by the built-in rules). */
    public static final ClaimFilter ANY = new ClaimFilter(null, OptimizerRegistry.BUILT_IN);

    public ClaimFilter {
        java.util.Objects.requireNonNull(optimizers, "optimizers");
        if (runnable != null) {
            Map<String, Set<String>> copy = new TreeMap<>();
            runnable.forEach((study, names) -> {
                if (!names.isEmpty()) {
                    copy.put(study, Set.copyOf(new TreeSet<>(names)));
                }
            });
            runnable = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** This filter narrowed to {@code optimizer}'s trials of {@code study} (admitting none if this one does not admit them). */
    ClaimFilter only(String study, String optimizer) {
        boolean admitted = runnable == null || runnable.getOrDefault(study, Set.of()).contains(optimizer);
        return new ClaimFilter(admitted ? Map.of(study, Set.of(optimizer)) : Map.of(), optimizers);
    }

    /** " AND (...)" on table trials, or "" for {@link #ANY}; bind its values with {@link #bind}. */
    String sql() {
        if (runnable == null) {
            return "";
        }
        if (runnable.isEmpty()) {
            return " AND 1 = 0";
        }
        StringBuilder b = new StringBuilder(" AND (");
        String or = "";
        for (Set<String> optimizers : runnable.values()) {
            b.append(or).append("(study = ? AND optimizer IN (").append(String.join(", ",
                    java.util.Collections.nCopies(optimizers.size(), "?"))).append("))");
            or = " OR ";
        }
        return b.append(')').toString();
    }

    /** Binds {@link #sql()}'s values from parameter {@code first} on; returns the next free index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        if (runnable != null) {
            for (Map.Entry<String, Set<String>> e : runnable.entrySet()) {
                ps.setString(i++, e.getKey());
                for (String o : List.copyOf(new TreeSet<>(e.getValue()))) {
                    ps.setString(i++, o);
                }
            }
        }
        return i;
    }
}
