package dev.optbench.experiment;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The paper's experiments that {@code optbench reproduce} knows by name (SPEC section 1). */
public final class Experiments {
    private static final List<String> ALL_SIX = List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "nadam");
    private static final Map<String, Experiment> BY_NAME = build();

    private Experiments() {}

    public static List<Experiment> all() {
        return List.copyOf(BY_NAME.values());
    }

    public static Experiment get(String name) {
        Experiment e = BY_NAME.get(name);
        if (e == null) {
            throw new InputException("unknown experiment '" + Messages.quote(name) + "'; known: " + String.join(", ", BY_NAME.keySet())
                    + " (see 'optbench reproduce --list')");
        }
        return e;
    }

    private static Map<String, Experiment> build() {
        Map<String, Experiment> m = new LinkedHashMap<>();
        add(m, new Experiment("protocols-fmnist",
                "The paper's central claim on Fashion-MNIST: DeepOBS-style lr-only tuning against full "
                        + "per-optimizer tuning, for all six optimizers; and full's hand-fitted spaces against "
                        + "automatically fitted ones (protocol fitted, same budget).",
                ALL_SIX, List.of("lr-only", "full", "fitted"),
                Map.of(Scale.TINY, new ScaleSettings(List.of("fmnist_mlp-tiny"), 8,
                                "144 trials of 300 steps: about 2 minutes on 2 cores"),
                        Scale.CPU, new ScaleSettings(List.of("fmnist_mlp"), 10,
                                "180 trials of 5,000 steps: about 70 minutes on 2 cores"),
                        Scale.PAPER, new ScaleSettings(List.of("fmnist_2c2d", "fmnist_mlp"), 100,
                                "3,600 trials: GPU hours")),
                "Fashion-MNIST from the Debian package dataset-fashion-mnist (or --data-dir)"));
        add(m, new Experiment("deepobs-cifar100",
                "Schneider et al.'s DeepOBS CIFAR-100 comparison: constant-lr and lr-schedule tuning "
                        + "against full tuning (the paper's Figure 3 right).",
                List.of("sgd", "momentum", "adam"), List.of("lr-only", "lr-schedule", "full"),
                Map.of(Scale.TINY, new ScaleSettings(List.of("cifar100_3c3d-tiny"), 4,
                                "36 tiny trials: a few minutes on 2 cores"),
                        Scale.CPU, new ScaleSettings(List.of("cifar100_3c3d-tiny"), 16,
                                "144 tiny trials: about 15 minutes on 2 cores"),
                        Scale.PAPER, new ScaleSettings(List.of("cifar100_3c3d"), 100,
                                "900 trials of 40,000 steps: GPU days")),
                "CIFAR-100 binary files (train.bin, test.bin) given with --data-dir"));
        add(m, new Experiment("wilson-vgg",
                "Wilson et al.'s VGG on CIFAR-10: a learning-rate grid against full tuning "
                        + "(the paper's Figure 3 left).",
                List.of("sgd", "momentum", "rmsprop", "adam"), List.of("lr-grid", "full"),
                Map.of(Scale.TINY, new ScaleSettings(List.of("cifar10_vgg16-tiny"), 4,
                                "32 tiny trials: a few minutes on 2 cores"),
                        Scale.CPU, new ScaleSettings(List.of("cifar10_vgg16-tiny"), 16,
                                "128 tiny trials: about 30 minutes on 2 cores"),
                        Scale.PAPER, new ScaleSettings(List.of("cifar10_vgg16"), 100,
                                "800 trials of 40,000 steps: GPU days")),
                "CIFAR-10 binary files (data_batch_1.bin ... data_batch_5.bin, test_batch.bin) given with --data-dir"));
        add(m, new Experiment("char-lstm",
                "DeepOBS tolstoi: a character-level LSTM, lr-only against full tuning, all six optimizers.",
                ALL_SIX, List.of("lr-only", "full"),
                Map.of(Scale.TINY, new ScaleSettings(List.of("char_lstm-tiny"), 4,
                                "48 tiny trials: a few minutes on 2 cores"),
                        Scale.CPU, new ScaleSettings(List.of("char_lstm-tiny"), 16,
                                "192 tiny trials: about 30 minutes on 2 cores"),
                        Scale.PAPER, new ScaleSettings(List.of("char_lstm"), 100,
                                "1,200 trials of 20,000 steps: GPU days")),
                "a UTF-8 text file given with --data-dir (War and Peace in the paper), "
                        + "else the King James Bible from the Debian package bible-kjv"));
        return m;
    }

    private static void add(Map<String, Experiment> m, Experiment e) {
        m.put(e.name(), e);
    }
}
