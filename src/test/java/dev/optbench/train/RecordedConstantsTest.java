package dev.optbench.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cause of issue 9's "sometimes garbage or NaN" gradients: DJL's arithmetic with a Java
 * number ({@code a.mul(0.9f)}) wraps the number's direct buffer without copying and closes the
 * array right away; autograd keeps that tensor for the backward pass, and a garbage collection in
 * between frees the buffer under it. Recorded paths therefore use constants libtorch owns
 * ({@link Losses#times}). Found by ConformanceTest (a float64 reference whose loss jumped by 25%
 * at a random step) and made to happen at once by a thread calling System.gc() every 5 ms: 1 of
 * the first 2 runs of lm_transformer-tiny diverged before the fix, 0 of 24 after; on
 * cifar10_3c3d-tiny with label smoothing and L2, every one of 6 repeats per thread count (1 and 2)
 * differed or diverged before, none after.
 */
class RecordedConstantsTest {
    /** Arithmetic with a Java number literal or cast: the DJL overloads that close their constant at once. */
    private static final Pattern NUMBER_OPERAND = Pattern.compile(
            "\\.(mul|div|add|sub|pow|maximum|minimum)i?\\(\\s*(\\((float|double|int|long)\\)|-?[0-9][0-9.]*(e-?[0-9]+)?[fFdDL]?\\s*\\))");

    @Test
    void noForwardPassComputesWithAJavaNumber() throws IOException {
        List<String> found = new ArrayList<>();
        for (String pkg : List.of("train", "workload")) {
            try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/optbench", pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (NUMBER_OPERAND.matcher(lines.get(i)).find()) {
                            found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertThat(found).as("use Losses.times or manager.full for constants on recorded paths").isEmpty();
    }

    @Test
    void theSchemeFindsTheOldForm() {
        assertThat(NUMBER_OPERAND.matcher("return picked.mean().mul((float) (1 - smoothing))").find()).isTrue();
        assertThat(NUMBER_OPERAND.matcher("x.mul(-1e9f)").find()).isTrue();
        assertThat(NUMBER_OPERAND.matcher("Losses.times(x, (float) s)").find()).isFalse();
    }

    @Test
    void timesKeepsItsConstantAliveThroughTheBackwardPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            x.setRequiresGradient(true);
            try (NDManager scope = m.newSubManager()) {
                Autograd.record(true);
                NDArray y;
                try {
                    y = Losses.times(x, 0.25f).sum();
                    System.gc(); // frees what nothing holds; the constant is libtorch's
                    Autograd.backward(y, scope);
                } finally {
                    Autograd.record(false);
                }
                assertThat(Autograd.gradient(x, scope).toFloatArray()).containsExactly(0.25f, 0.25f, 0.25f);
                assertThat(y.getFloat()).isEqualTo(1.5f);
            }
        }
    }
}
