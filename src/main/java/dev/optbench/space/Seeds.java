package dev.optbench.space;

/** Seed derivation: SplitMix64's finalizer applied to (seed, index), so nearby inputs give unrelated seeds. */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit seed for item {@code index} of a stream seeded by {@code seed}. */
    public static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed of trial {@code index} of a study (initialization and data order derive from it). */
    public static long trialSeed(long studySeed, int index) {
        return mix(studySeed ^ 0x5EEDL, index) & Long.MAX_VALUE;
    }
}
