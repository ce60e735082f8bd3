package dev.optbench.cli;

import ai.djl.ndarray.types.DataType;
import dev.optbench.InputException;
import dev.optbench.Messages;
import dev.optbench.optim.FunctionProblem;
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.Schedule;
import dev.optbench.optim.Schedules;
import dev.optbench.optim.TestFunction;
import dev.optbench.optim.Trajectory;
import dev.optbench.report.TracePlot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Paths of optimizers on 2-D test functions, as CSV and optionally as a contour plot. */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run optimizers on a 2-D test function and print their paths as CSV "
                + "(header step,x,y,loss; row 0 is the start). With several --optimizer/--hparams pairs "
                + "the CSV gains the columns run,optimizer in front.",
                "rosenbrock: f = (1−x)² + 100(y−x²)²;  beale: f = (1.5−x+xy)² + (2.25−x+xy²)² + (2.625−x+xy³)²;"
                + "  quadratic: f = 0.5(x² + 10y²).",
                "Example: optbench trace --optimizer adam --hparams learning_rate=0.05 --function rosenbrock "
                + "--start -1.5,2 --steps 200 --plot paths.png"})
final class TraceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--optimizer", required = true, paramLabel = "NAME",
            description = "Optimizer (sgd, momentum, nesterov, rmsprop, adam, nadam); repeat for several paths.")
    List<String> optimizers = new ArrayList<>();

    @Option(names = "--hparams", paramLabel = "k=v[,k=v...]",
            description = "Hyperparameters of the matching --optimizer (learning_rate is required),"
                    + " plus the --schedule's parameters (decay_steps_factor, decay_factor, warmup_factor, end_factor).")
    List<String> hparams = new ArrayList<>();

    @Option(names = "--function", required = true, paramLabel = "NAME",
            description = "rosenbrock, beale or quadratic.")
    String function;

    @Option(names = "--start", paramLabel = "X,Y",
            description = "Starting point (default: rosenbrock -1.5,2; beale 1,1.5; quadratic 2,1).")
    String start;

    @Option(names = "--steps", defaultValue = "200", paramLabel = "N",
            description = "Number of steps, 1 to 10^7; also the total steps of the schedule (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "KIND",
            description = "constant, linear_decay, warmup_cosine or warmup_linear_decay (default ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--dtype", defaultValue = "float64", paramLabel = "TYPE",
            description = "float64 or float32 (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw the function's contours with each path and a legend.")
    Path plot;

    /** One optimizer path to run: its label, optimizer, schedule. */
    record Run(String label, String optimizer, Map<String, Double> optimizerHparams, Schedule schedule) {}

    @Override
    public Integer call() throws Exception {
        TestFunction f = TestFunction.parse(function);
        DataType type = switch (dtype) {
            case "float64" -> DataType.FLOAT64;
            case "float32" -> DataType.FLOAT32;
            default -> throw new InputException("--dtype " + dtype + " is not supported: use float64 or float32");
        };
        dev.optbench.Limits.steps("--steps", steps, dev.optbench.Limits.MAX_TRACE_STEPS);
        if (hparams.size() != optimizers.size()) {
            throw new InputException("give one --hparams per --optimizer (got " + optimizers.size()
                    + " optimizers, " + hparams.size() + " --hparams); learning_rate is required");
        }
        if (plot != null && !plot.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new InputException("--plot " + plot + ": the file name must end in .png");
        }
        double[] xy = start == null ? defaultStart(f) : parsePoint(start);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < optimizers.size(); i++) {
            runs.add(prepare(optimizers.get(i), parseHparams(hparams.get(i))));
        }
        FunctionProblem problem = new FunctionProblem(f, xy[0], xy[1]);
        List<Trajectory> paths = new ArrayList<>();
        for (Run run : runs) {
            try (Optimizer opt = Main.optimizers(spec).create(run.optimizer(), run.optimizerHparams())) {
                Trajectory path = Trajectory.run(problem, opt, run.schedule(), steps, type);
                if (path.steps() < steps) {
                    spec.commandLine().getErr().println("optbench: " + run.label() + " diverged at step "
                            + path.steps() + " (parameters no longer finite); its path stops there");
                }
                paths.add(path);
            }
        }
        printCsv(spec.commandLine().getOut(), runs, paths, type);
        if (plot != null) {
            TracePlot.write(plot, f, schedule + " schedule, " + steps + " steps, " + dtype, runs.stream().map(Run::label).toList(), paths);
        }
        return 0;
    }

    private Run prepare(String name, Map<String, Double> all) {
        Main.optimizers(spec).hyperparameters(name); // unknown optimizer: fail before anything runs
        Map<String, Double> opt = new LinkedHashMap<>();
        Map<String, Double> sched = new LinkedHashMap<>();
        all.forEach((k, v) -> (Schedules.SCHEDULE_HPARAMS.contains(k) ? sched : opt).put(k, v));
        Main.optimizers(spec).create(name, opt).close(); // validates names and ranges with the usual messages
        Schedule s = Schedules.create(schedule, opt.get("learning_rate"), sched, steps);
        StringBuilder label = new StringBuilder(name).append(" (");
        all.forEach((k, v) -> label.append(label.charAt(label.length() - 1) == '(' ? "" : ", ")
                .append(k).append('=').append(v));
        label.append(')');
        return new Run(label.toString(), name, opt, s);
    }

    private static double[] defaultStart(TestFunction f) {
        return switch (f) {
            case ROSENBROCK -> new double[] {-1.5, 2};
            case BEALE -> new double[] {1, 1.5};
            case QUADRATIC -> new double[] {2, 1};
        };
    }

    static double[] parsePoint(String text) {
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new InputException("--start '" + Messages.quote(text) + "' must be two numbers X,Y (e.g. -1.5,2)");
        }
        try {
            double[] p = {Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim())};
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new InputException("--start '" + Messages.quote(text) + "' must be two finite numbers X,Y (e.g. -1.5,2)");
        }
    }

    /** "k=v,k=v" → ordered map; a repeated key or a value that is not a number is an error. */
    static Map<String, Double> parseHparams(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InputException("--hparams '" + Messages.quote(text) + "': '" + Messages.quote(pair)
                        + "' is not k=v (write e.g. learning_rate=0.01,momentum=0.9)");
            }
            String key = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new InputException("--hparams: " + Messages.quote(key) + " = '" + Messages.quote(value) + "' is not a number");
            }
            if (out.put(key, v) != null) {
                throw new InputException("--hparams: " + Messages.quote(key) + " is given twice; give each name once");
            }
        }
        return out;
    }

    private static void printCsv(PrintWriter out, List<Run> runs, List<Trajectory> paths, DataType type) {
        boolean several = runs.size() > 1;
        out.println(several ? "run,optimizer,step,x,y,loss" : "step,x,y,loss");
        for (int r = 0; r < runs.size(); r++) {
            Trajectory path = paths.get(r);
            for (int s = 0; s < path.points().size(); s++) {
                double[] p = path.points().get(s);
                if (several) {
                    out.print((r + 1) + "," + runs.get(r).optimizer() + ",");
                }
                out.println(s + "," + number(p[0], type) + "," + number(p[1], type) + "," + path.losses()[s]);
            }
        }
        out.flush();
    }

    /** Shortest text that reads back to the same value in the run's precision. */
    private static String number(double v, DataType type) {
        return type == DataType.FLOAT32 ? Float.toString((float) v) : Double.toString(v);
    }
}
