package dev.optbench.cli;

import dev.optbench.InputException;
import dev.optbench.Version;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Plugins;
import dev.optbench.platform.EngineSetup;
import dev.optbench.platform.NativeStderrFilter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The optbench command line. Exit codes: 0 ok, 1 runtime failure, 2 usage or input error. */
@Command(
        name = "optbench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Fair, reproducible comparisons of deep-learning optimizers (Choi et al. 2019).",
        subcommands = {
            OptimizersCommand.class,
            InclusionCommand.class,
            TraceCommand.class,
            WorkloadsCommand.class,
            TrainCommand.class,
            ProtocolsCommand.class,
            StudyCommand.class,
            StudiesCommand.class,
            WorkerCommand.class,
            AnalyzeCommand.class,
            ImportCommand.class,
            ReportCommand.class,
            ServeCommand.class,
            ReproduceCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show engine logs and full stack traces.")
    boolean verbose;

    @Option(names = "--plugins", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR",
            description = "Load plug-in optimizers from the jars in DIR (default: $OPTBENCH_PLUGINS, else"
                    + " ~/.optbench/plugins); see docs/your-optimizer.md.")
    String plugins;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** This run's optimizers: the built-ins and the plug-ins of --plugins DIR, loaded before the line is parsed. */
    private final OptimizerRegistry optimizers;

    Main(OptimizerRegistry optimizers) {
        this.optimizers = optimizers;
    }

    /** The optimizers of the run {@code spec} belongs to (a command's own spec, or a mixin's). */
    static OptimizerRegistry optimizers(CommandLine.Model.CommandSpec spec) {
        return ((Main) spec.root().userObject()).optimizers;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (!Arrays.asList(args).contains("--verbose")) {
            NativeStderrFilter.install();
        }
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        EngineSetup.configure(verbose);
        OptimizerRegistry optimizers;
        try {
            optimizers = OptimizerRegistry.withPlugins(Plugins.load(Plugins.directory(pluginsFlag(args),
                    System.getenv("OPTBENCH_PLUGINS"), Path.of(System.getProperty("user.home")))));
        } catch (InputException e) {
            PrintWriter err = new PrintWriter(System.err, true);
            err.println("optbench: " + e.getMessage());
            err.flush();
            return 2;
        }
        CommandLine cl = new CommandLine(new Main(optimizers));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> handle(ex, line, verbose));
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("optbench: " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl.execute(args);
    }

    /** The value of --plugins DIR / --plugins=DIR anywhere on the line, before the line is parsed. */
    static String pluginsFlag(String[] args) {
        String found = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plugins") && i + 1 < args.length) {
                found = args[i + 1];
            } else if (args[i].startsWith("--plugins=")) {
                found = args[i].substring("--plugins=".length());
            }
        }
        return found;
    }

    private static int handle(Exception ex, CommandLine line, boolean verbose) {
        PrintWriter err = line.getErr();
        if (verbose) {
            ex.printStackTrace(err);
        }
        if (ex instanceof InputException || ex instanceof IllegalArgumentException) {
            err.println("optbench: " + ex.getMessage());
            return 2;
        }
        err.println("optbench: " + dev.optbench.Messages.describe(ex)
                + (verbose ? "" : " (run with --verbose for details)"));
        return 1;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"optbench " + Version.version() + " (commit " + Version.gitCommit() + ")"};
        }
    }
}
