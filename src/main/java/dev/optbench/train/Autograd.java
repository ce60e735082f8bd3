package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Backpropagation straight through PyTorch's autograd. DJL's GradientCollector allows only one
 * open collector per process (a static flag), which would serialize the trial threads of one
 * worker; PyTorch's own grad mode is per thread, so using it directly lets threads train at once.
 */
final class Autograd {
    private Autograd() {}

    /** Turns gradient recording on or off for the calling thread. */
    static void record(boolean on) {
        JniUtils.setGradMode(on);
    }

    /** d(loss)/dθ accumulated into every parameter that requires a gradient. */
    static void backward(NDArray loss, NDManager scope) {
        NDArray ones = scope.ones(loss.getShape(), loss.getDataType(), loss.getDevice());
        JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
    }

    /**
     * A fresh leaf sharing {@code param}'s memory, owned by {@code scope}. Backward hands its
     * gradient buffer to a leaf that has none instead of adding it into an old one, so nothing
     * needs zeroing (PyTorch's {@code zero_grad(set_to_none=True)}); updates of {@code param}
     * in place are what the next step's leaf sees.
     */
    static NDArray freshLeaf(NDArray param, NDManager scope) {
        NDArray leaf = param.stopGradient();
        leaf.attach(scope);
        leaf.setRequiresGradient(true);
        return leaf;
    }

    /** The gradient of {@code param}, owned by {@code scope}. */
    static NDArray gradient(NDArray param, NDManager scope) {
        NDArray g = param.getGradient();
        g.attach(scope);
        return g;
    }

    static void zeroGradient(NDArray param) {
        JniUtils.zeroGrad((PtNDArray) param);
    }
}
