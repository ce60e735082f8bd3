package dev.optbench.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import dev.optbench.workload.Models;
import dev.optbench.workload.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trial's starting state as {@link Trainer} makes it, written for another engine to start from
 * the same place (the torch engine's conformance test, docs/external-trials.md): the initial
 * parameters of the workload's network under a seed, one float32 .npy per parameter in DJL's
 * declaration order plus {@code order.json} listing their names; and the first training batches'
 * example positions (the trial's {@link DataOrder}) as an int64 .npy [steps, batch].
 */
public final class InitialState {
    private InitialState() {}

    /**
     * Writes the parameters (running statistics included) {@code w}'s network starts from under
     * {@code seed} into {@code dir}; returns their names in declaration order.
     *
     * @param classes output classes (for text: the vocabulary)
     * @param featureShape one example's shape, as the data set gives it
     */
    public static List<String> writeWeights(Workload w, int classes, long[] featureShape, long seed, Path dir)
            throws IOException {
        Files.createDirectories(dir);
        List<String> names = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Block block = initialized(w, classes, featureShape, manager);
            Initialization.apply(block, seed);
            int i = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = String.format(java.util.Locale.ROOT, "%03d_%s", i++, p.getKey().replaceAll("[^A-Za-z0-9_.-]", "_"));
                float[] values = p.getValue().getArray().toFloatArray();
                writeNpy(dir.resolve(name + ".npy"), "<f4", p.getValue().getArray().getShape().getShape(), floats(values));
                names.add(name);
            }
        }
        Files.writeString(dir.resolve("order.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(names));
        return names;
    }

    /** Trainable parameters of {@code w}'s network (what an optimizer updates). */
    public static long parameterCount(Workload w, int classes, long[] featureShape) {
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            Block block = initialized(w, classes, featureShape, manager); // shapes only: no values drawn
            long n = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    n += p.getValue().getArray().size();
                }
            }
            return n;
        }
    }

    /** Writes the positions in the training split of the first {@code steps} batches of trial {@code seed}. */
    public static void writeOrder(long seed, int trainSize, int steps, int batch, Path file) throws IOException {
        DataOrder order = new DataOrder(seed, trainSize);
        int[] positions = new int[batch];
        ByteBuffer b = ByteBuffer.allocate(steps * batch * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < steps; s++) {
            order.next(positions, 0, batch);
            for (int p : positions) {
                b.putLong(p);
            }
        }
        writeNpy(file, "<i8", new long[] {steps, batch}, b.array());
    }

    /** The network with its parameters allocated as zeros (their shapes do not depend on the batch: one example). */
    private static Block initialized(Workload w, int classes, long[] featureShape, NDManager manager) {
        Block block = Models.build(w, classes, 0);
        block.setInitializer(Initializer.ZEROS, p -> true);
        block.initialize(manager, DataType.FLOAT32, Models.inputShape(1, featureShape));
        return block;
    }

    private static byte[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** NumPy's .npy format 1.0: magic, header length, a dict padded to 64 bytes, then the data in C order. */
    static void writeNpy(Path file, String descr, long[] shape, byte[] data) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        Files.write(file, b.array());
    }
}
