package dev.optbench.cli;

import dev.optbench.optim.HyperparameterSpec;
import dev.optbench.optim.OptimizerAliases;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Schedules;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the optimizers of SPEC section 2 with hyperparameters, defaults and update rule. */
@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = "List the optimizers with their hyperparameters, defaults and update rules.")
final class OptimizersCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        OptimizerRegistry optimizers = Main.optimizers(spec);
        out.println("Update rules (SPEC §2; g = gradient, η_t/α_t = scheduled rate at step t = 0, 1, ...):");
        for (String name : optimizers.names()) {
            out.println();
            out.printf("%-9s %s%n", name, optimizers.formula(name));
            if (optimizers.pluginSource(name) != null) {
                out.println("    plug-in: " + optimizers.pluginSource(name));
            }
            for (HyperparameterSpec h : optimizers.hyperparameters(name)) {
                String dflt = h.defaultValue() == null ? "required" : "default " + h.defaultValue();
                out.printf("    %-14s %-16s range %-7s %s%n", h.name(), dflt, h.allowedRange(), h.description());
            }
        }
        out.println();
        OptimizerAliases.all().forEach((alias, rule) -> out.printf("%-9s %s%n", alias, "= " + rule
                + " with decoupled weight_decay searched (AlgoPerf's " + alias.toUpperCase(java.util.Locale.ROOT)
                + " baseline; not a rule of its own: its space must name weight_decay)"));
        out.println();
        out.println("Schedules (SPEC §3; --schedule, parameters go in --hparams):");
        out.println("constant      η_t = η0");
        out.printf("linear_decay  η_t = η0·(f + (1−f)·(1 − min(t,T)/T)), T = decay_steps_factor·total_steps,"
                + " f = decay_factor%n");
        out.printf("    %-18s default %-6s range (0, 1]%n", "decay_steps_factor",
                Schedules.DEFAULT_DECAY_STEPS_FACTOR);
        out.printf("    %-18s default %-6s range (0, 1]%n", "decay_factor", Schedules.DEFAULT_DECAY_FACTOR);
        out.println("warmup_cosine  W = ⌊warmup_factor·total⌋; η_t = η0·(t+1)/W for t < W,"
                + " else η0·½(1 + cos(π(t−W)/(total−W)))");
        out.printf("    %-18s default %-6s range [0, 1)%n", "warmup_factor", Schedules.DEFAULT_WARMUP_FACTOR);
        out.println("warmup_linear_decay  W as above, D = ⌊decay_steps_factor·total⌋; warmup to t < W,"
                + " η0·(1 − (1−end_factor)(t−W)/(D−W)) for W ≤ t < D, end_factor·η0 after");
        out.printf("    %-18s default %-6s range [0, 1]%n", "end_factor", Schedules.DEFAULT_END_FACTOR);
        out.println("A trial's names pick its schedule: end_factor → warmup_linear_decay; else warmup_factor →"
                + " warmup_cosine; else decay_* → linear_decay; none → constant.");
        out.flush();
        return 0;
    }
}
