package dev.optbench.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EngineSetupTest {
    private static int inNewThread() throws InterruptedException {
        AtomicInteger seen = new AtomicInteger();
        Thread t = new Thread(() -> seen.set(JniUtils.getNumThreads()));
        t.start();
        t.join();
        return seen.get();
    }

    /** A layout's thread count holds for workers started afterwards, even once the engine runs. */
    @Test
    void appliedThreadsHoldInThreadsStartedLater() throws InterruptedException {
        String before = System.getProperty(EngineSetup.NUM_THREADS);
        ai.djl.engine.Engine.getEngine("PyTorch");
        int original = JniUtils.getNumThreads();
        try {
            assertThat(EngineSetup.applyThreads(1)).isEqualTo(1);
            assertThat(inNewThread()).isEqualTo(1);
            assertThat(System.getProperty(EngineSetup.NUM_THREADS)).isEqualTo("1");
            if (Runtime.getRuntime().availableProcessors() > 1) {
                assertThat(EngineSetup.applyThreads(2)).isEqualTo(2);
                assertThat(inNewThread()).isEqualTo(2);
            }
        } finally {
            EngineSetup.applyThreads(original);
            if (before == null) {
                System.clearProperty(EngineSetup.NUM_THREADS);
            } else {
                System.setProperty(EngineSetup.NUM_THREADS, before);
            }
        }
    }
}
