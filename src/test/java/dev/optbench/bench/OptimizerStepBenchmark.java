package dev.optbench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.Optimizers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One step of each optimizer on a 1M-element (2^20) float32 parameter, next to plain copies of
 * the same 4 MiB (the memory-bandwidth floor). Run with bench/jmh.sh, which also prints ns per
 * element.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OptimizerStepBenchmark {
    public static final int ELEMENTS = 1 << 20;

    @State(Scope.Benchmark)
    public static class Step {
        @Param({"sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam"})
        public String optimizer;

        NDManager manager;
        NDArray param;
        NDArray grad;
        Optimizer opt;
        long t;

        @Setup(Level.Trial)
        public void setUp() {
            manager = NDManager.newBaseManager();
            param = manager.randomNormal(new Shape(ELEMENTS)).toType(DataType.FLOAT32, false);
            grad = manager.randomNormal(new Shape(ELEMENTS)).toType(DataType.FLOAT32, false).muli(1e-3);
            // a tiny rate keeps the parameter finite over millions of steps
            opt = Optimizers.create(optimizer, Map.of("learning_rate", 1e-9));
            opt.step(List.of(param), List.of(grad), t++, 1e-9); // state allocated outside timing
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            opt.close();
            manager.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Copy {
        NDManager manager;
        NDArray target;
        NDArray source;
        FloatBuffer buffer;
        float[] from;
        float[] to;

        @Setup(Level.Trial)
        public void setUp() {
            manager = NDManager.newBaseManager();
            source = manager.randomNormal(new Shape(ELEMENTS)).toType(DataType.FLOAT32, false);
            target = manager.zeros(new Shape(ELEMENTS), DataType.FLOAT32);
            buffer = ByteBuffer.allocateDirect(ELEMENTS * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            from = new float[ELEMENTS];
            to = new float[ELEMENTS];
            for (int i = 0; i < ELEMENTS; i++) {
                from[i] = i * 1e-6f;
                buffer.put(i, from[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public void step(Step s) {
        s.opt.step(List.of(s.param), List.of(s.grad), s.t++, 1e-9);
    }

    /** Baseline: 4 MiB from a direct buffer into an existing NDArray (param.set(buffer)). */
    @Benchmark
    public void copyIntoNdArray(Copy c) {
        c.buffer.rewind();
        c.target.set(c.buffer);
    }

    /** Baseline: a fresh NDArray copy of 4 MiB (allocation + copy), freed again. */
    @Benchmark
    public void duplicateNdArray(Copy c) {
        c.source.duplicate().close();
    }

    /** Baseline: System.arraycopy of 4 MiB on the Java heap. */
    @Benchmark
    public float[] copyJavaArray(Copy c) {
        System.arraycopy(c.from, 0, c.to, 0, ELEMENTS);
        return c.to;
    }
}
