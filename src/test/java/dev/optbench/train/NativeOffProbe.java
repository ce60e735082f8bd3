package dev.optbench.train;

import dev.optbench.platform.NativeSetup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child-process main for NativeOffTest: trains two fmnist_mlp-tiny trials batched for 50 steps
 * on the data at args[0] and prints every step's loss and how the native paths ran.
 */
public final class NativeOffProbe {
    static final int STEPS = 50;

    private NativeOffProbe() {}

    /** The two trials: two update rules, with weight decay and l2, so both the kernels and the passes count. */
    static List<TrainRequest> requests(Path data) {
        return List.of(
                new TrainRequest("fmnist_mlp-tiny", "adam", Map.of("learning_rate", 0.0005, "weight_decay", 0.01), 31,
                        STEPS, data),
                new TrainRequest("fmnist_mlp-tiny", "momentum", Map.of("learning_rate", 0.005, "l2", 0.001), 32,
                        STEPS, data));
    }

    public static void main(String[] args) {
        NativeSetup.state();
        List<TrainRequest> requests = requests(Path.of(args[0]));
        List<BatchedTrainerTest.Losses> losses = new ArrayList<>();
        requests.forEach(r -> losses.add(new BatchedTrainerTest.Losses()));
        List<TrainResult> results = BatchedTrainer.train(requests, List.copyOf(losses));
        for (int k = 0; k < requests.size(); k++) {
            System.out.println("status" + k + "=" + results.get(k).status());
            for (int s = 0; s < losses.get(k).values.size(); s++) {
                System.out.println("loss" + k + "." + s + "=" + losses.get(k).values.get(s));
            }
        }
        System.out.println("dispatch=" + NativeSetup.mklDispatch());
        System.out.println("rules=" + dev.optbench.optim.Optimizers.updateKernels());
        System.out.println("nets=" + NativeNet.status());
        System.out.println("libraries=" + NativeLibraries.describe());
    }
}
