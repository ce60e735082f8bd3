package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** A {@link TestFunction} from a starting point: one parameter, the array [x, y]. */
public record FunctionProblem(TestFunction function, double x0, double y0) implements Problem {
    @Override
    public String name() {
        return function.cliName();
    }

    @Override
    public List<NDArray> initialParameters(NDManager manager, DataType type) {
        return List.of(manager.create(new double[] {x0, y0}).toType(type, false));
    }

    @Override
    public List<NDArray> gradients(List<NDArray> params, NDManager manager) {
        NDArray xy = params.get(0);
        try (NDManager scope = manager.newSubManager()) {
            xy.tempAttach(scope);
            NDArray grad = function.gradient(xy);
            grad.attach(manager);
            return List.of(grad);
        }
    }

    /** The elements of a float32 or float64 array as doubles, without allocating an NDArray. */
    static double[] values(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public double loss(List<NDArray> params) {
        double[] xy = values(params.get(0));
        return function.value(xy[0], xy[1]);
    }
}
