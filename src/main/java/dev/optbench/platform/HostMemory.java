package dev.optbench.platform;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Host memory of DJL arrays and direct buffers, for the bundled native code to read and write. */
public final class HostMemory {
    private HostMemory() {}

    /**
     * The memory of {@code a} for native code to write in place, or null if it cannot: not
     * float32, not on the CPU, or handed out as a copy rather than directly (DJL copies an array
     * that is not contiguous: two lookups then give two addresses).
     */
    public static ByteBuffer own(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32 || !a.getDevice().equals(Device.cpu())) {
            return null;
        }
        ByteBuffer first = a.toByteBuffer(true);
        return first.isDirect() && address(first) == address(a.toByteBuffer(true)) ? first : null;
    }

    /**
     * {@code bytes} of host memory as a direct buffer in native byte order, its first byte on a
     * multiple of 64 as PyTorch's own allocations are (malloc gives 16), freed when {@code owner}
     * closes. A JDK direct buffer is freed only after the garbage collector has found it, and a
     * training run allocates little on the Java heap, so finished runs' buffers (22 MB of scratch
     * per fmnist_2c2d batch) would wait for a collection that may be minutes away. oneMKL
     * documents that, outside its reproducibility mode, results may depend on the operands'
     * alignment; with every buffer aligned alike, a chance address cannot change a seed's numbers.
     */
    public static ByteBuffer allocate(NDManager owner, long bytes) {
        Memory memory = new Memory(bytes + 64);
        owner.attachInternal("host-memory-" + Pointer.nativeValue(memory), memory::close);
        return memory.align(64).getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    /** The address of direct buffer {@code b}'s first byte (its position is ignored). */
    public static long address(ByteBuffer b) {
        return Pointer.nativeValue(Native.getDirectBufferPointer(b));
    }
}
