package dev.optbench.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
 * The cost of one small PyTorch op through DJL: an in-place add on n floats (PyTorch splits an
 * elementwise op over threads only above 32,768 elements, so n = 16 is pure JNI + dispatch
 * overhead and n = 65,536 pays one OpenMP fork/join), and the sgemm of fmnist_mlp's first layer
 * (128×784 by 784×256). Run under OPTBENCH_THREADS=1 and 2 with bench/jmh.sh OpOverheadBenchmark
 * to see what waking the second thread costs per op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OpOverheadBenchmark {
    @State(Scope.Benchmark)
    public static class Arrays {
        @Param({"16", "32768", "65536", "262144"})
        public int n;

        NDManager manager;
        NDArray a;
        NDArray b;
        NDArray x;
        NDArray w;

        @Setup(Level.Trial)
        public void setUp() {
            manager = NDManager.newBaseManager();
            a = manager.zeros(new Shape(n), DataType.FLOAT32);
            b = manager.ones(new Shape(n), DataType.FLOAT32).muli(1e-6f);
            x = manager.ones(new Shape(128, 784), DataType.FLOAT32);
            w = manager.ones(new Shape(784, 256), DataType.FLOAT32);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    @Benchmark
    public NDArray addInPlace(Arrays s) {
        return s.a.addi(s.b);
    }

    /** Allocates its result in a sub-manager closed at once, as the trainer's steps do. */
    @Benchmark
    public long matMulFirstLayer(Arrays s) {
        if (s.n != 16) {
            return 0; // one size is enough for the sgemm
        }
        try (NDManager step = s.manager.newSubManager()) {
            NDArray y = s.x.matMul(s.w);
            y.attach(step);
            return y.getShape().get(1);
        }
    }
}
