package dev.optbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.platform.NativeSetup;
import dev.optbench.workload.DataSplits;
import dev.optbench.workload.Datasets;
import dev.optbench.workload.Workload;
import dev.optbench.workload.Workloads;

/**
 * Turns (workload, optimizer, hyperparameters, seed) into a measured curve (SPEC section 7) on
 * the per-op reference backend: an entry point to {@link TrialLoop}, which owns the loop. Also
 * the data loading and device choice every run shares. Thread-safe: each call owns its
 * NDManager, closed on every exit path.
 */
public final class Trainer {
    /** A run diverges when its minibatch loss exceeds this multiple of the first one (or is NaN/∞). */
    public static final double DIVERGENCE_FACTOR = 100;

    static {
        NativeSetup.state(); // before the first tensor: see its Javadoc
    }

    private Trainer() {}

    /**
     * One trial through {@link TrialLoop} on the per-op reference backend, unless
     * {@code request.backend()} names another. Throws what the run throws.
     */
    public static TrainResult train(TrainRequest request, TrainListener listener) {
        TrainRequest r = request.backend() == null ? request.withBackend(Backend.Kind.PER_OP) : request;
        return TrialLoop.alone(r, listener, true);
    }

    /**
     * The data of {@code w}, read while libtorch loads on another thread: the two take about
     * 1.8 s and 0.7 s for Fashion-MNIST on the development machine, one core each.
     */
    static DataSplits loadData(Workload w, java.nio.file.Path dataDir) {
        java.util.concurrent.CompletableFuture<Void> engine = java.util.concurrent.CompletableFuture.runAsync(
                () -> Engine.getEngine("PyTorch"));
        DataSplits data = Datasets.load(w.data(), dataDir);
        try {
            engine.join();
        } catch (java.util.concurrent.CompletionException e) {
            // the same failure the first NDManager would raise, on this thread
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return data;
    }

    /**
     * Starts reading the data of built-in workload {@code workload} on a daemon thread, so that it
     * overlaps what a command does before its first trial (opening the store, loading libtorch,
     * choosing a layout); the trials then find it in {@link Datasets}' cache. A failure is left
     * for the first trial to raise and report. Nothing happens for a workload optbench does not know.
     */
    public static void prefetch(String workload, java.nio.file.Path dataDir) {
        if (!Workloads.isBuiltIn(workload)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                Datasets.load(Workloads.get(workload).data(), dataDir);
            } catch (RuntimeException e) {
                // the first trial reads it again and reports the problem
            }
        }, "optbench-data-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** The DJL device for "cpu" or "gpu"; InputException when no GPU is visible, before any work starts. */
    public static Device device(String name) {
        if ("gpu".equals(name)) {
            if (Engine.getInstance().getGpuCount() == 0) {
                throw new InputException("--device gpu: no GPU visible to DJL's PyTorch (optbench ships its CPU build);"
                        + " to train on a GPU create the study with --engine torch --device cuda, or use --device cpu");
            }
            return Device.gpu();
        }
        if (!"cpu".equals(name)) {
            throw new InputException("unknown device '" + Messages.quote(name) + "': choose cpu or gpu");
        }
        return Device.cpu();
    }
}
