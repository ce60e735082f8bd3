package dev.optbench.cli;

import dev.optbench.space.Protocol;
import dev.optbench.space.SearchSpace;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "protocols", mixinStandardHelpOptions = true,
        description = {"The tuning protocols and their default search spaces per optimizer (SPEC section 5).",
            "Your own space: 'optbench study create ... --space FILE.json' (AlgoPerf tuning_search_space.json form)."})
final class ProtocolsCommand implements Callable<Integer> {
    @Option(names = "--workload", description = "Show the spaces used for this workload (some workloads have their own ranges).")
    String workload;

    @Option(names = "--json", description = "Print each space as AlgoPerf JSON.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (workload != null) {
            dev.optbench.workload.Workloads.get(workload);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Protocol p : Protocol.values()) {
            out.println(p.id() + ": " + p.description());
            out.println("  sampler: " + p.defaultSampler().id() + (p.defaultSampler().id().equals("grid") ? " (log grid)" : "")
                    + (workload == null ? "" : "; workload " + workload));
            for (String o : p.optimizers()) {
                SearchSpace s = p.defaultSpace(Main.optimizers(spec), o, workload);
                if (json) {
                    out.println("  " + o + ": " + s.toJson().replace("\n", "\n    "));
                } else {
                    out.printf("  %-9s %s%n", o, s.describe());
                }
            }
            out.println();
        }
        out.println("Names not searched take their SPEC defaults; schedule names (decay_steps_factor, decay_factor) "
                + "mean linear_decay, else the rate is constant.");
        return 0;
    }
}
