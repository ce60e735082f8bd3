package dev.optbench.workload;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Adds a learned position vector to each time step: x[b, t, :] + P[t, :]. */
final class PositionalEmbedding extends AbstractBlock {
    private final Parameter positions;

    PositionalEmbedding(int maxLength, int width) {
        positions = addParameter(Parameter.builder().setName("positions").setType(Parameter.Type.OTHER)
                .optShape(new Shape(maxLength, width)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        long t = x.getShape().get(1);
        NDArray p = store.getValue(positions, x.getDevice(), training);
        NDArray slice = p.get("0:" + t);
        // Ops on a parameter belong to the parameter's manager; move the slice to the batch's
        // so it is freed with the step instead of piling up until the trial ends.
        slice.attach(x.getManager());
        return new NDList(x.add(slice));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
