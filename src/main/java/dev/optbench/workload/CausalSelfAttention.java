package dev.optbench.workload;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head self-attention with a causal mask, for the decoder-only language model (DJL only
 * ships a bidirectional BERT encoder). Input and output [batch, time, width]:
 * softmax(q kᵀ/√d_h + M) v per head, M = −∞ above the diagonal, then an output projection.
 */
final class CausalSelfAttention extends AbstractBlock {
    private final int width;
    private final int heads;
    private final Linear qkv;
    private final Linear projection;

    CausalSelfAttention(int width, int heads) {
        this.width = width;
        this.heads = heads;
        this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).build());
        this.projection = addChildBlock("projection", Linear.builder().setUnits(width).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int dh = width / heads;
        NDArray all = qkv.forward(store, new NDList(x), training).singletonOrThrow();
        // [b, t, 3, heads, dh] -> [3, b, heads, t, dh]
        NDArray split = all.reshape(b, t, 3, heads, dh).transpose(2, 0, 3, 1, 4);
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDManager m = x.getManager();
        // the scale as an array libtorch owns: a Java number's buffer may be freed before the
        // backward pass reads it (see Losses.times in the train package)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(m.full(new Shape(), (float) Math.sqrt(dh), x.getDataType()));
        NDArray positions = m.arange((int) t);
        NDArray future = positions.reshape(1, t).gt(positions.reshape(t, 1));
        NDArray masked = scores.add(future.toType(DataType.FLOAT32, false).mul(m.full(new Shape(), -1e9f)));
        NDArray attention = masked.softmax(-1).matMul(v);
        NDArray merged = attention.transpose(0, 2, 1, 3).reshape(b, t, width);
        return projection.forward(store, new NDList(merged), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes[0]);
        projection.initialize(manager, dataType, inputShapes[0]);
    }
}
