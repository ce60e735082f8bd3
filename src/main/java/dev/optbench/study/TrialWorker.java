package dev.optbench.study;

/** A worker loop over one store: {@link Worker} (one trial at a time) or {@link BatchWorker}. */
public interface TrialWorker {
    String id();

    /** Runs trials until none is left to claim or run, or until stopped; returns how many it stored. */
    int run();

    /** Asks the worker to stop: running trials are cancelled and released; nothing new is claimed. */
    void stop();

    boolean isDone();
}
