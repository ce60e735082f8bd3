package dev.optbench.train;

/** One evaluation: after {@code step} training steps, the loss and error on {@code split}. */
public record Measurement(long step, Split split, double loss, double error) {}
