package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two-dimensional test functions for optimizer paths, with analytic gradients evaluated on DJL
 * NDArrays (in the parameter's own data type) and plain-double values for plots and the loss.
 */
public enum TestFunction {
    /** f = (1−x)² + 100(y−x²)²; minimum 0 at (1, 1). */
    ROSENBROCK(-2, 2, -1, 3, 1, 1) {
        @Override
        public double value(double x, double y) {
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
        }

        @Override
        NDArray gradient(NDArray x, NDArray y) {
            // ∂f/∂x = −2(1−x) − 400x(y−x²); ∂f/∂y = 200(y−x²)
            NDArray r = y.sub(x.square());
            NDArray dx = x.sub(1).muli(2).subi(x.mul(r).muli(400));
            NDArray dy = r.mul(200);
            return NDArrays.stack(new NDList(dx, dy));
        }
    },
    /** f = (1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²; minimum 0 at (3, 0.5). */
    BEALE(-4.5, 4.5, -4.5, 4.5, 3, 0.5) {
        @Override
        public double value(double x, double y) {
            double a = 1.5 - x + x * y;
            double b = 2.25 - x + x * y * y;
            double c = 2.625 - x + x * y * y * y;
            return a * a + b * b + c * c;
        }

        @Override
        NDArray gradient(NDArray x, NDArray y) {
            // with a, b, c the three terms:
            // ∂f/∂x = 2a(y−1) + 2b(y²−1) + 2c(y³−1); ∂f/∂y = 2a·x + 2b·2xy + 2c·3xy²
            NDArray y2 = y.square();
            NDArray y3 = y2.mul(y);
            NDArray a = x.mul(y).subi(x).addi(1.5);
            NDArray b = x.mul(y2).subi(x).addi(2.25);
            NDArray c = x.mul(y3).subi(x).addi(2.625);
            NDArray dx = a.mul(y.sub(1)).addi(b.mul(y2.sub(1))).addi(c.mul(y3.sub(1))).muli(2);
            NDArray dy = a.mul(x).addi(b.mul(x.mul(y)).muli(2)).addi(c.mul(x.mul(y2)).muli(3)).muli(2);
            return NDArrays.stack(new NDList(dx, dy));
        }
    },
    /** f = 0.5(x² + 10y²); minimum 0 at (0, 0), condition number 10. */
    QUADRATIC(-3, 3, -3, 3, 0, 0) {
        @Override
        public double value(double x, double y) {
            return 0.5 * (x * x + 10 * y * y);
        }

        @Override
        NDArray gradient(NDArray x, NDArray y) {
            return NDArrays.stack(new NDList(x.duplicate(), y.mul(10)));
        }
    };

    private final double xMin;
    private final double xMax;
    private final double yMin;
    private final double yMax;
    private final double[] minimum;

    TestFunction(double xMin, double xMax, double yMin, double yMax, double xStar, double yStar) {
        this.minimum = new double[] {xStar, yStar};
        this.xMin = xMin;
        this.xMax = xMax;
        this.yMin = yMin;
        this.yMax = yMax;
    }

    /** f(x, y) in double precision. */
    public abstract double value(double x, double y);

    abstract NDArray gradient(NDArray x, NDArray y);

    /** ∇f at {@code xy} (shape [2]), same data type; temporaries go to xy's manager. */
    public NDArray gradient(NDArray xy) {
        return gradient(xy.get(0), xy.get(1));
    }

    /** The region plotted by default: {xMin, xMax, yMin, yMax}. */
    public double[] defaultView() {
        return new double[] {xMin, xMax, yMin, yMax};
    }

    /** The global minimum {x, y} (where f = 0). */
    public double[] minimum() {
        return minimum.clone();
    }

    /** Lower-case name as on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The function called {@code name} (rosenbrock, beale, quadratic). */
    public static TestFunction parse(String name) {
        for (TestFunction f : values()) {
            if (f.cliName().equals(name)) {
                return f;
            }
        }
        throw new InputException("unknown function '" + Messages.quote(name) + "': choose one of "
                + String.join(", ", Arrays.stream(values()).map(TestFunction::cliName).toList()));
    }
}
