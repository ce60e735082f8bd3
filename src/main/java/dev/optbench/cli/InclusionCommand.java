package dev.optbench.cli;

import dev.optbench.optim.InclusionCheck;
import dev.optbench.optim.InclusionLimits;
import dev.optbench.optim.InclusionLimits.Route;
import dev.optbench.optim.InclusionRelation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Verifies every inclusion of SPEC section 4 numerically: runs M and N-at-the-limit on a small
 * MLP and on the 2-D test functions in float64 and prints the trajectory gaps.
 */
@Command(name = "inclusion", mixinStandardHelpOptions = true,
        description = {"Verify the inclusion hierarchy (SPEC §4) numerically: run M and N at the limit "
                + "of N's hyperparameters on a small MLP (full batch, float64, DJL autograd) and on "
                + "rosenbrock, beale and quadratic, and show the trajectory gap shrinking as the limit grows.",
                "Gap = largest distance between the two paths over the run, relative to the largest "
                + "distance M's path travels from its start. Exits 0 only when every gap shrinks and "
                + "ends below 1e-6."})
final class InclusionCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--problem", paramLabel = "NAME",
            description = "Check only these problems (mlp, rosenbrock, beale, quadratic); default all.")
    List<String> problems = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        dev.optbench.optim.OptimizerRegistry optimizers = Main.optimizers(spec);
        List<InclusionCheck.Case> cases = new ArrayList<>();
        for (InclusionCheck.Case c : InclusionCheck.standardCases()) {
            if (problems.isEmpty() || problems.contains(c.problem().name())) {
                cases.add(c);
            }
        }
        for (String p : problems) {
            if (cases.stream().noneMatch(c -> c.problem().name().equals(p))) {
                throw new dev.optbench.InputException("unknown problem '" + dev.optbench.Messages.quote(p)
                        + "': choose from mlp, rosenbrock, beale, quadratic");
            }
        }
        List<Map.Entry<InclusionRelation, Route>> relations = InclusionCheck.standardRelations(optimizers);
        List<InclusionCheck> results = new ArrayList<>();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("inclusion")
                .setInitialMax((long) cases.size() * relations.size())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .hideEta().showSpeed().build()) {
            for (Map.Entry<InclusionRelation, Route> r : relations) {
                for (InclusionCheck.Case c : cases) {
                    results.add(InclusionCheck.run(optimizers, r.getKey(), r.getValue(), c));
                    bar.step();
                }
            }
        }
        printTable(out, results);
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.println();
        out.println("Settings of N:");
        for (Map.Entry<InclusionRelation, Route> r : relations) {
            out.printf("  %-18s %-6s %s%n", r.getKey(), r.getValue() == Route.EXACT ? "exact" : "limit",
                    InclusionLimits.describe(optimizers, r.getKey(), r.getValue()));
        }
        out.println();
        out.println("M runs a linear_decay schedule (to 10%) except into rmsprop, whose inclusion holds for"
                + " a constant rate only.");
        out.println(failed == 0
                ? "All " + results.size() + " checks passed: every gap shrinks with the limit and ends below "
                        + InclusionCheck.TOLERANCE + "."
                : failed + " of " + results.size() + " checks FAILED.");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static void printTable(PrintWriter out, List<InclusionCheck> results) {
        StringBuilder head = new StringBuilder(String.format("%-18s %-6s %-11s", "relation", "route", "problem"));
        for (double eps : InclusionCheck.EPSILONS) {
            head.append(String.format(" %-9s", "ε=" + exponent(eps)));
        }
        head.append(" verdict");
        out.println(head);
        for (InclusionCheck r : results) {
            StringBuilder row = new StringBuilder(String.format("%-18s %-6s %-11s", r.relation(),
                    r.route() == Route.EXACT ? "exact" : "limit", r.problem()));
            for (double gap : r.gaps()) {
                row.append(String.format(Locale.ROOT, " %-9.2e", gap));
            }
            for (int i = r.gaps().length; i < InclusionCheck.EPSILONS.length; i++) {
                row.append(String.format(" %-9s", ""));
            }
            row.append(' ').append(r.passed() ? "ok" : "FAIL");
            out.println(row);
        }
    }

    private static String exponent(double eps) {
        return "1e" + Math.round(Math.log10(eps));
    }
}
