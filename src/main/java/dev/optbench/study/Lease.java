package dev.optbench.study;

/** A running trial's lease: who holds it and how long until it ends (negative: already over, not yet reclaimed). */
public record Lease(String optimizer, int index, String worker, long remainingMillis) {}
