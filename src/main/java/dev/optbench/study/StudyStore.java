package dev.optbench.study;

import java.util.List;
import java.util.Optional;

/**
 * The persistent study store (SQLite or PostgreSQL, one schema). The read side and import are
 * the contract the analysis and report use; the worker side (claim, heartbeat, complete) is
 * the study package's own business. Implementations are opened from a URL by the study package.
 */
public interface StudyStore extends AutoCloseable {
    /**
     * Creates the study and its pending trials, their points resolved by {@code optimizers}' rules;
     * InputException if the name is taken.
     */
    void createStudy(StudyDefinition definition, dev.optbench.optim.OptimizerRegistry optimizers);

    /** {@link #createStudy(StudyDefinition, dev.optbench.optim.OptimizerRegistry)} of a study of built-in optimizers. */
    default void createStudy(StudyDefinition definition) {
        createStudy(definition, dev.optbench.optim.OptimizerRegistry.BUILT_IN);
    }

    Optional<StudyDefinition> findStudy(String name);

    /** The study, or InputException naming the unknown study and how to list the known ones. */
    StudyDefinition study(String name);

    List<StudyDefinition> studies();

    /** Every trial of the study, ordered by optimizer then index; curves only when asked. */
    List<Trial> trials(String study, boolean withCurves);

    /**
     * Stores finished trials made elsewhere (with their curves, if any) into an existing study,
     * all or nothing: on any error nothing is written.
     */
    void importTrials(String study, List<Trial> trials);

    @Override
    void close();
}
