package dev.optbench.workload;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in workloads of SPEC section 6, each with a "-tiny" variant: a smaller model on a
 * small subset of the same data, a few hundred steps, seconds on 2 CPU cores.
 */
public final class Workloads {
    private static final String CE = "softmax_cross_entropy";
    private static final String CLS = "classification_error";
    private static final String NEXT = "next_char_error";
    private static final int TINY_BATCH = 32;
    private static final long TINY_STEPS = 300;
    private static final long TINY_INTERVAL = 100;

    private static final Map<String, Workload> ALL = build();

    private Workloads() {}

    /** Every workload, full ones first in SPEC order, each followed by its tiny variant. */
    public static List<Workload> all() {
        return List.copyOf(ALL.values());
    }

    /** Whether {@code name} is one of optbench's workloads (an external study's is not). */
    public static boolean isBuiltIn(String name) {
        return ALL.containsKey(name);
    }

    /** The workload called {@code name}; an InputException listing the known names otherwise. */
    public static Workload get(String name) {
        Workload w = ALL.get(name);
        if (w == null) {
            throw new InputException("unknown workload '" + Messages.quote(name) + "'; known: " + String.join(", ", ALL.keySet()));
        }
        return w;
    }

    private static Map<String, Workload> build() {
        List<Workload> full = new ArrayList<>();
        full.add(images("fmnist_2c2d", DatasetKind.FASHION_MNIST, Architecture.CNN_2C2D,
                "conv5x5-32, maxpool, conv5x5-64, maxpool, fc-1024, fc-10 (DeepOBS 2c2d)", 128, 10_000, 1_000, 0.08, false));
        full.add(images("fmnist_mlp", DatasetKind.FASHION_MNIST, Architecture.MLP,
                "784-256-256-10 ReLU", 128, 5_000, 500, 0.12, false));
        full.add(images("cifar10_3c3d", DatasetKind.CIFAR10, Architecture.CNN_3C3D,
                "DeepOBS 3c3d: conv64-conv96-conv128, fc-512, fc-256, fc-10", 128, 20_000, 2_000, 0.20, false));
        full.add(images("cifar100_3c3d", DatasetKind.CIFAR100, Architecture.CNN_3C3D,
                "DeepOBS 3c3d: conv64-conv96-conv128, fc-512, fc-256, fc-100", 128, 40_000, 4_000, 0.50, false));
        full.add(images("cifar10_resnet32", DatasetKind.CIFAR10, Architecture.RESNET32,
                "ResNet-32 (3x5 basic blocks, 16-32-64 channels, batch norm)", 128, 64_000, 4_000, 0.08, true));
        full.add(images("cifar10_vgg16", DatasetKind.CIFAR10, Architecture.VGG16,
                "VGG-16 (13 conv3x3 with batch norm, fc-512, fc-10)", 128, 40_000, 4_000, 0.08, true));
        full.add(new Workload("char_lstm", DataSpec.text(false, 50), Architecture.CHAR_LSTM,
                "one-hot chars, 2-layer LSTM 128 units, fc-vocabulary; sequences of 50 (DeepOBS tolstoi)",
                CE, NEXT, 50, 20_000, 2_000, 0.40, false));
        full.add(new Workload("lm_transformer", DataSpec.text(false, 64), Architecture.TRANSFORMER,
                "decoder-only Transformer: 2 layers, width 128, 4 heads, context 64 characters",
                CE, NEXT, 64, 20_000, 2_000, 0.45, false));
        full.add(new Workload("imagenet_resnet50", new DataSpec(DatasetKind.IMAGENET, false, 0, 224),
                Architecture.RESNET50, "ResNet-50 (bottlenecks 3-4-6-3), 224x224 inputs", CE, CLS, 256,
                112_000, 5_000, 0.25, true));

        Map<String, Workload> out = new LinkedHashMap<>();
        for (Workload w : full) {
            out.put(w.name(), w);
            Workload t = tiny(w);
            out.put(t.name(), t);
        }
        return out;
    }

    private static Workload images(String name, DatasetKind kind, Architecture a, String model, int batch,
            long steps, long interval, double target, boolean gpu) {
        return new Workload(name, DataSpec.images(kind, false), a, model, CE, CLS, batch, steps, interval, target, gpu);
    }

    private static String tinyModel(Architecture a, int classes) {
        String out = classes > 0 ? "fc-" + classes : "fc-vocabulary";
        return switch (a) {
            case MLP -> "784-64-64-10 ReLU";
            case CNN_2C2D -> "conv5x5-8, maxpool, conv5x5-16, maxpool, fc-64, fc-10";
            case CNN_3C3D -> "3c3d at widths 8-12-16, fc-32, fc-16, " + out;
            case RESNET32 -> "ResNet-8 (3x1 basic blocks, 8-16-32 channels, batch norm)";
            case VGG16 -> "VGG-16 layout at 1/8 width (8..64 channels), fc-64, fc-10";
            case CHAR_LSTM -> "one-hot chars, 1-layer LSTM 32 units, sequences of 20";
            case TRANSFORMER -> "decoder-only Transformer: 1 layer, width 32, 2 heads, context 20";
            case RESNET50 -> "ResNet-50 layout, 1 bottleneck per stage, widths 8..64, 64x64 inputs";
        };
    }

    private static Workload tiny(Workload w) {
        DataSpec d = w.data();
        DataSpec tinyData = switch (d.kind()) {
            case TEXT -> DataSpec.text(true, Math.min(d.sequenceLength(), 20));
            case IMAGENET -> new DataSpec(DatasetKind.IMAGENET, true, 0, 64);
            default -> DataSpec.images(d.kind(), true);
        };
        double target = switch (d.kind()) {
            case FASHION_MNIST -> 0.25;
            case CIFAR10 -> 0.65;
            case CIFAR100 -> 0.92;
            case TEXT -> 0.80;
            case IMAGENET -> 0.99;
        };
        return new Workload(w.name() + "-tiny", tinyData, w.architecture(),
                tinyModel(w.architecture(), w.data().kind().classes()),
                w.loss(), w.errorMetric(), TINY_BATCH, TINY_STEPS, TINY_INTERVAL, target, false);
    }
}
