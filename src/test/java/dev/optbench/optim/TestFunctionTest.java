package dev.optbench.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestFunctionTest {
    @Test
    void valuesAtKnownPoints() {
        assertThat(TestFunction.ROSENBROCK.value(-1.5, 2)).isEqualTo(12.5); // 6.25 + 100·0.0625
        assertThat(TestFunction.BEALE.value(3, 0.5)).isEqualTo(0.0);
        assertThat(TestFunction.BEALE.value(0, 0)).isEqualTo(1.5 * 1.5 + 2.25 * 2.25 + 2.625 * 2.625);
        assertThat(TestFunction.QUADRATIC.value(2, 1)).isEqualTo(7.0);
        for (TestFunction f : TestFunction.values()) {
            double[] m = f.minimum();
            assertThat(f.value(m[0], m[1])).isEqualTo(0.0);
        }
    }

    @Test
    void ndarrayGradientsMatchCentralDifferencesInBothPrecisions() {
        double[][] points = {{-1.5, 2}, {0.3, -0.7}, {2.2, 1.1}, {-0.4, 0.9}};
        try (NDManager manager = NDManager.newBaseManager()) {
            for (TestFunction f : TestFunction.values()) {
                for (double[] p : points) {
                    double h = 1e-6;
                    double dx = (f.value(p[0] + h, p[1]) - f.value(p[0] - h, p[1])) / (2 * h);
                    double dy = (f.value(p[0], p[1] + h) - f.value(p[0], p[1] - h)) / (2 * h);
                    NDArray xy = manager.create(p);
                    double[] g = f.gradient(xy).toDoubleArray(); // float64 in, float64 out
                    String what = f + " at " + p[0] + "," + p[1];
                    assertThat(g[0]).as(what).isCloseTo(dx, within(1e-5 * (1 + Math.abs(dx))));
                    assertThat(g[1]).as(what).isCloseTo(dy, within(1e-5 * (1 + Math.abs(dy))));
                    NDArray g32 = f.gradient(xy.toType(DataType.FLOAT32, false));
                    assertThat(g32.getDataType()).isEqualTo(DataType.FLOAT32);
                    float[] gf = g32.toFloatArray();
                    assertThat((double) gf[0]).as(what).isCloseTo(dx, within(1e-4 * (1 + Math.abs(dx))));
                    assertThat((double) gf[1]).as(what).isCloseTo(dy, within(1e-4 * (1 + Math.abs(dy))));
                }
            }
        }
    }

    @Test
    void functionProblemLeavesNothingBehindInTheParameterManager() {
        FunctionProblem problem = new FunctionProblem(TestFunction.BEALE, 1, 1.5);
        try (NDManager manager = NDManager.newBaseManager(); NDManager grads = manager.newSubManager()) {
            List<NDArray> params = problem.initialParameters(manager, DataType.FLOAT64);
            int before = manager.getManagedArrays().size();
            for (int i = 0; i < 100; i++) {
                problem.gradients(params, grads).get(0).close();
                problem.loss(params);
            }
            assertThat(manager.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void unknownFunctionNamesTheChoices() {
        assertThat(TestFunction.parse("beale")).isEqualTo(TestFunction.BEALE);
        assertThatThrownBy(() -> TestFunction.parse("himmelblau"))
                .hasMessage("unknown function 'himmelblau': choose one of rosenbrock, beale, quadratic");
    }
}
