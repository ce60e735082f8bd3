package dev.optbench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.train.Measurement;
import dev.optbench.train.Split;
import dev.optbench.train.TrainListener;
import dev.optbench.train.TrainRequest;
import dev.optbench.train.TrainResult;
import dev.optbench.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** One training run: progress on stderr, the final errors (or one JSON object) on stdout. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train one workload with one optimizer and print its validation and test error.")
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workload", required = true, description = "Workload name (see 'optbench workloads').")
    String workload;

    @Option(names = "--optimizer", required = true, description = "sgd, momentum, nesterov, rmsprop, adam, nadam.")
    String optimizer;

    @Option(names = "--hparams", required = true, paramLabel = "k=v,...",
            description = "Hyperparameters by canonical name, e.g. learning_rate=0.001,beta1=0.9.")
    String hparams;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps, 1 to 10^8 (default: the workload's budget).")
    Long steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for initialization and data order.")
    long seed;

    @Option(names = "--data-dir", description = "Directory (or text file) with the data set's files.")
    Path dataDir;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu needs the cuda build).")
    String device;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        Map<String, Double> h = parseHparams(hparams);
        long budget = steps == null ? 0 : dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_STEPS); // 0: the workload's
        TrainRequest request = new TrainRequest(workload, optimizer, h, seed, budget, dataDir, device)
                .withOptimizers(Main.optimizers(spec));
        TrainResult result;
        try (Progress progress = new Progress(!noProgress)) {
            // a batch of one: on the native passes (MLPs, 2c2d, 3c3d) where they suit, else Trainer itself
            result = dev.optbench.train.BatchedTrainer.train(java.util.List.of(request),
                    java.util.List.<dev.optbench.train.TrainListener>of(progress)).get(0);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(toJson(request, result)));
        } else {
            out.printf("%s %s seed %d: %s after %d steps in %.1f s (%.1f steps/s)%n", workload, optimizer, seed,
                    result.status().id(), result.stepsRun(), result.seconds(), result.stepsPerSecond());
            out.printf("validation error %.4f (loss %.4f), test error %.4f (loss %.4f)%n",
                    result.finalError(Split.VALIDATION), result.finalLoss(Split.VALIDATION),
                    result.finalError(Split.TEST), result.finalLoss(Split.TEST));
        }
        out.flush();
        return 0;
    }

    /** "k=v,k=v" into an ordered map; malformed pairs and non-numbers are input errors. */
    static Map<String, Double> parseHparams(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InputException("--hparams: '" + Messages.quote(pair) + "' is not name=value (e.g. learning_rate=0.01)");
            }
            String key = pair.substring(0, eq).trim();
            try {
                if (out.put(key, Double.parseDouble(pair.substring(eq + 1).trim())) != null) {
                    throw new InputException("--hparams: " + Messages.quote(key) + " is given twice; give each name once");
                }
            } catch (NumberFormatException e) {
                throw new InputException("--hparams: value of " + key + " '" + Messages.quote(pair.substring(eq + 1)) + "' is not a number");
            }
        }
        return out;
    }

    static ObjectNode toJson(TrainRequest request, TrainResult result) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("workload", request.workload());
        root.put("optimizer", request.optimizer());
        ObjectNode hp = root.putObject("hparams");
        new TreeMap<>(request.hparams()).forEach(hp::put);
        root.put("seed", request.seed());
        root.put("steps", result.stepsRun());
        root.put("device", request.device());
        root.put("status", result.status().id());
        number(root, "validation_error", result.finalError(Split.VALIDATION));
        number(root, "test_error", result.finalError(Split.TEST));
        number(root, "validation_loss", result.finalLoss(Split.VALIDATION));
        number(root, "test_loss", result.finalLoss(Split.TEST));
        number(root, "train_eval_error", result.finalError(Split.TRAIN_EVAL));
        number(root, "train_eval_loss", result.finalLoss(Split.TRAIN_EVAL));
        Map<Long, ObjectNode> points = new LinkedHashMap<>();
        ArrayNode curve = root.putArray("curve");
        for (Measurement m : result.measurements()) {
            ObjectNode p = points.computeIfAbsent(m.step(), s -> curve.addObject().put("step", s));
            switch (m.split()) {
                case TRAIN -> number(p, "train_loss", m.loss());
                case TRAIN_EVAL -> number(number(p, "train_eval_error", m.error()), "train_eval_loss", m.loss());
                case VALIDATION -> number(number(p, "validation_error", m.error()), "validation_loss", m.loss());
                case TEST -> number(number(p, "test_error", m.error()), "test_loss", m.loss());
            }
        }
        root.put("seconds", result.seconds());
        root.put("steps_per_second", result.stepsPerSecond());
        return root;
    }

    /** Puts {@code value}, or null when it is NaN or infinite (a diverged run), keeping the JSON strict. */
    private static ObjectNode number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
        return node;
    }

    /** Progress bar on stderr: steps, steps/s, ETA and the latest minibatch loss. */
    private static final class Progress implements TrainListener, AutoCloseable {
        private final boolean enabled;
        private ProgressBar bar;

        Progress(boolean enabled) {
            this.enabled = enabled;
        }

        @Override
        public void onStart(String workload, long totalSteps) {
            if (enabled) {
                bar = new ProgressBarBuilder().setTaskName(workload).setInitialMax(totalSteps)
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed()
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
            }
        }

        @Override
        public void onStep(long step, long total, double loss) {
            if (bar != null) {
                bar.stepTo(step);
                if (step % 10 == 0 || step == total) {
                    bar.setExtraMessage(String.format("loss %.4f", loss));
                }
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
