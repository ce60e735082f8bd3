package dev.optbench.train;

/** Progress of a training run; every method defaults to doing nothing. Called on the training thread. */
public interface TrainListener {
    TrainListener NONE = new TrainListener() {};

    /** Before the first step: data loaded and model built. */
    default void onStart(String workload, long totalSteps) {}

    /** After training step {@code step} (1-based) of {@code total}, with its minibatch loss. */
    default void onStep(long step, long total, double loss) {}

    /** After each measurement (TRAIN mean loss and the three evaluated splits). */
    default void onEvaluation(Measurement measurement) {}
}
