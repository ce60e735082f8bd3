package dev.optbench.platform;

import java.util.Map;
import java.util.Optional;

/**
 * Process-wide settings that must be in place before DJL or SLF4J start: offline mode, thread
 * counts and log levels. Each is a system property, so a user's own -D flag always wins.
 */
public final class EngineSetup {
    private EngineSetup() {}

    public static void configure(boolean verbose) {
        dev.optbench.platform.NativeSetup.state(); // allocator and oneMKL settings, before the engine loads
        setDefault("ai.djl.offline", "true");
        // One inter-op thread and as many intra-op threads as cores: 1.9x faster than DJL's
        // defaults for a small CNN on 2 cores. OPTBENCH_THREADS overrides the intra-op count.
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        if (System.getProperty(NUM_THREADS) == null) {
            // optbench's own choice: a layout (study run, reproduce, demo) may change it before the engine starts
            System.setProperty(NUM_THREADS, intraOpThreads());
            System.setProperty(THREADS_CHOSEN_HERE, Boolean.toString(System.getenv("OPTBENCH_THREADS") == null
                    || !intraOpThreads().equals(System.getenv("OPTBENCH_THREADS"))));
        }
        setDefault("ai.djl.pytorch.graph_optimizer", "false");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        setDefault("org.slf4j.simpleLogger.log.ai.djl", verbose ? "info" : "error");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    }

    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
    private static final String THREADS_CHOSEN_HERE = "optbench.threads.default";

    /** The intra-op thread count the user fixed (OPTBENCH_THREADS or -Dai.djl.pytorch.num_threads) and how; empty: optbench's to choose. */
    public static Optional<Map.Entry<Integer, String>> fixedThreads() {
        String value = System.getProperty(NUM_THREADS);
        if (value == null || !value.matches("\\d+") || Boolean.parseBoolean(System.getProperty(THREADS_CHOSEN_HERE))) {
            return Optional.empty();
        }
        String env = System.getenv("OPTBENCH_THREADS");
        return Optional.of(Map.entry(Integer.parseInt(value),
                value.equals(env) ? "OPTBENCH_THREADS" : "-D" + NUM_THREADS));
    }

    /**
     * Makes PyTorch use {@code n} intra-op threads: set before the engine starts, it is what the
     * engine starts with; if the engine already runs (several commands in one JVM, as in tests),
     * at::set_num_threads sets it again, and threads started afterwards (the workers) use it.
     * Returns the count now in effect.
     */
    public static int applyThreads(int n) {
        System.setProperty(NUM_THREADS, Integer.toString(n));
        ai.djl.engine.Engine.getEngine("PyTorch");
        if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != n) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
        }
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    public static String intraOpThreads() {
        String env = System.getenv("OPTBENCH_THREADS");
        if (env != null && env.matches("\\d+") && Integer.parseInt(env) > 0) {
            return env;
        }
        return Integer.toString(Runtime.getRuntime().availableProcessors());
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
