package dev.optbench.train;

import dev.optbench.optim.Optimizers;
import dev.optbench.platform.NativeSetup;

/** The bundled native libraries, gathered here because train is the first package that sees them all. */
public final class NativeLibraries {
    private NativeLibraries() {}

    /**
     * Every bundled library with the sha256 of its bytes in the jar and whether it was loaded, or
     * why not, "; "-separated: recorded in every trial's provenance and printed by the bench commands.
     */
    public static String describe() {
        return String.join("; ", NativeSetup.dispatchLibrary(), Optimizers.updateKernelsLibrary(), NativeNet.library());
    }
}
