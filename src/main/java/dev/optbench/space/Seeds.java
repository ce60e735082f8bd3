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

    /**
     * The seed of repeat {@code repeat} of point {@code point} (seed repeats): repeat 0 has the
     * seed a one-seed study gives trial {@code point}, {@link #trialSeed}(studySeed, point); repeat
     * r > 0 mixes that seed with r. So (point, repeat) pairs get distinct seeds, reproducibly, and
     * a one-seed study keeps the seeds it had before repeats existed.
     */
    public static long repeatSeed(long studySeed, int point, int repeat) {
        long base = trialSeed(studySeed, point);
        return repeat == 0 ? base : mix(base ^ 0x5E1EC7L, repeat) & Long.MAX_VALUE;
    }
}
