package dev.optbench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * One reusable direct buffer for copying batches into PyTorch. Creating arrays from heap arrays
 * makes DJL allocate a fresh direct buffer every step, which is freed only when the garbage
 * collector happens to run, so resident memory climbs for minutes; reusing one buffer keeps it
 * flat. PyTorch wraps the buffer without copying, so an array made here must be closed before
 * the buffer is filled again (each step's scope is).
 */
final class HostBuffer {
    private final ByteBuffer buffer;
    private final long address;

    /** Room for {@code values} floats or ints, freed when {@code owner} closes. */
    HostBuffer(NDManager owner, int values) {
        buffer = dev.optbench.platform.HostMemory.allocate(owner, values * 4L);
        address = dev.optbench.platform.HostMemory.address(buffer);
    }

    /** The buffer emptied, as floats to fill from the start. */
    FloatBuffer floatView() {
        return buffer.clear().asFloatBuffer();
    }

    /** The buffer emptied, as ints to fill from the start. */
    IntBuffer intView() {
        return buffer.clear().asIntBuffer();
    }

    /** The first {@code count} floats written through {@link #floatView()}, as a float32 array of {@code shape}. */
    NDArray floats(NDManager manager, int count, Shape shape) {
        return manager.create(slice(count), shape, DataType.FLOAT32);
    }

    /** The first {@code count} ints written through {@link #intView()}, as an int32 array [count]. */
    NDArray ints(NDManager manager, int count) {
        return manager.create(slice(count), new Shape(count), DataType.INT32);
    }

    /** The buffer's host address, for native code reading what was written through the views. */
    long address() {
        return address;
    }

    private ByteBuffer slice(int count) {
        return buffer.clear().limit(count * 4).slice().order(ByteOrder.nativeOrder());
    }
}
