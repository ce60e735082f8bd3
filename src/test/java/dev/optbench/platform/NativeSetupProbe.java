package dev.optbench.platform;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Child-process main for NativeSetupTest: applies the settings, starts the engine, prints what is in effect. */
public final class NativeSetupProbe {
    private NativeSetupProbe() {}

    public static void main(String[] args) {
        NativeSetup.State s = NativeSetup.state();
        try (NDManager m = NDManager.newBaseManager()) {
            m.ones(new Shape(64, 64)).matMul(m.ones(new Shape(64, 64))).close();
        }
        System.gc(); // the dispatch library must survive a collection of its loader's objects
        System.out.println("allocator=" + s.allocatorTuned());
        System.out.println("dispatch=" + s.mklDispatch());
        System.out.println("path=" + NativeSetup.mklCodePath().orElse("none"));
    }
}
