package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One reusable direct buffer for copying batches into PyTorch. Creating arrays from heap arrays
 * makes DJL allocate a fresh direct buffer every step, which is freed only when the garbage
 * collector happens to run, so resident memory climbs for minutes; reusing one buffer keeps it
 * flat. PyTorch wraps the buffer without copying, so an array made here must be closed before
 * the buffer is filled again (each step's scope is).
 */
final class HostBuffer {
    private final ByteBuffer buffer;

    HostBuffer(int values) {
        buffer = ByteBuffer.allocateDirect(values * 4).order(ByteOrder.nativeOrder());
    }

    NDArray floats(NDManager manager, float[] data, int count, Shape shape) {
        buffer.clear();
        buffer.asFloatBuffer().put(data, 0, count);
        buffer.limit(count * 4);
        return manager.create(buffer.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32);
    }

    NDArray ints(NDManager manager, int[] data, int count) {
        buffer.clear();
        buffer.asIntBuffer().put(data, 0, count);
        buffer.limit(count * 4);
        return manager.create(buffer.slice().order(ByteOrder.nativeOrder()), new Shape(count), DataType.INT32);
    }
}
