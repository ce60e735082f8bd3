package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `optbench trace` against an independent plain-double implementation of SPEC sections 2 and 3,
 * written here straight from the SPEC's table: 200 steps on rosenbrock from (−1.5, 2), every
 * optimizer, constant and linear_decay, agreement to 1e-9 relative in x, y and loss.
 */
class TraceReferenceTest {
    private static final int STEPS = 200;

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        String[][] settings = {
            {"sgd", "learning_rate=5e-4"},
            {"momentum", "learning_rate=1e-4,momentum=0.9"},
            {"nesterov", "learning_rate=1e-4,momentum=0.8"},
            {"rmsprop", "learning_rate=2e-3,momentum=0.5,rho=0.95,epsilon=1e-6"},
            {"adam", "learning_rate=0.05,beta1=0.8,beta2=0.99,epsilon=1e-7"},
            {"nadam", "learning_rate=0.05"},
        };
        for (String[] s : settings) {
            out.add(Arguments.of(s[0], s[1], "constant", ""));
            out.add(Arguments.of(s[0], s[1], "linear_decay", ",decay_steps_factor=0.75,decay_factor=0.1"));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void traceMatchesTheSpecFormulas(String optimizer, String hparams, String schedule, String scheduleHparams) {
        CliRun run = CliRun.of("trace", "--optimizer", optimizer, "--hparams", hparams + scheduleHparams,
                "--function", "rosenbrock", "--start", "-1.5,2", "--steps", Integer.toString(STEPS),
                "--schedule", schedule);
        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] lines = run.out().strip().split("\n");
        assertThat(lines[0]).isEqualTo("step,x,y,loss");
        assertThat(lines).hasSize(STEPS + 2);

        Map<String, Double> h = TraceCommand.parseHparams(hparams + scheduleHparams);
        double[][] expected = reference(optimizer, h, schedule);
        for (int t = 0; t <= STEPS; t++) {
            String[] cells = lines[t + 1].split(",");
            assertThat(Integer.parseInt(cells[0])).isEqualTo(t);
            for (int c = 0; c < 3; c++) {
                double got = Double.parseDouble(cells[c + 1]);
                double want = expected[t][c];
                assertThat(Math.abs(got - want)).as("%s %s step %d column %d: %s vs %s",
                        optimizer, schedule, t, c, got, want)
                        .isLessThanOrEqualTo(1e-9 * Math.abs(want) + 1e-300);
            }
        }
        // the path must really move, or the comparison would prove little
        assertThat(expected[STEPS][2]).isLessThan(expected[0][2]);
    }

    // ---- reference implementation: SPEC §2 and §3 in plain doubles ----

    private static double f(double x, double y) {
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
    }

    private static double[] grad(double x, double y) {
        return new double[] {-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)};
    }

    private static double rate(Map<String, Double> h, String schedule, long t) {
        double eta0 = h.get("learning_rate");
        if (schedule.equals("constant")) {
            return eta0;
        }
        double bigT = h.get("decay_steps_factor") * STEPS;
        double fac = h.get("decay_factor");
        return eta0 * (fac + (1 - fac) * (1 - Math.min(t, bigT) / bigT));
    }

    private static double get(Map<String, Double> h, String key, double dflt) {
        return h.getOrDefault(key, dflt);
    }

    static double[][] reference(String opt, Map<String, Double> h, String schedule) {
        double[] th = {-1.5, 2};
        double[] v = new double[2];
        double[] m = new double[2];
        if (opt.equals("rmsprop")) {
            v = new double[] {1, 1};
        }
        double[][] rows = new double[STEPS + 1][];
        rows[0] = new double[] {th[0], th[1], f(th[0], th[1])};
        for (int t = 0; t < STEPS; t++) {
            double[] g = grad(th[0], th[1]);
            double eta = rate(h, schedule, t);
            for (int i = 0; i < 2; i++) {
                switch (opt) {
                    case "sgd" -> th[i] -= eta * g[i];
                    case "momentum" -> {
                        double gamma = get(h, "momentum", 0.9);
                        v[i] = gamma * v[i] + g[i];
                        th[i] -= eta * v[i];
                    }
                    case "nesterov" -> {
                        double gamma = get(h, "momentum", 0.9);
                        v[i] = gamma * v[i] + g[i];
                        th[i] -= eta * (gamma * v[i] + g[i]);
                    }
                    case "rmsprop" -> {
                        double gamma = get(h, "momentum", 0.9);
                        double rho = get(h, "rho", 0.9);
                        double eps = get(h, "epsilon", 1e-10);
                        v[i] = rho * v[i] + (1 - rho) * (g[i] * g[i]);
                        m[i] = gamma * m[i] + eta * g[i] / Math.sqrt(v[i] + eps);
                        th[i] -= m[i];
                    }
                    case "adam", "nadam" -> {
                        double b1 = get(h, "beta1", 0.9);
                        double b2 = get(h, "beta2", 0.999);
                        double eps = get(h, "epsilon", 1e-8);
                        m[i] = b1 * m[i] + (1 - b1) * g[i];
                        v[i] = b2 * v[i] + (1 - b2) * (g[i] * g[i]);
                        double b = Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
                        double dir = opt.equals("adam") ? m[i] : b1 * m[i] + (1 - b1) * g[i];
                        th[i] -= eta * b * dir / (Math.sqrt(v[i]) + eps);
                    }
                    default -> throw new IllegalArgumentException(opt);
                }
            }
            rows[t + 1] = new double[] {th[0], th[1], f(th[0], th[1])};
        }
        return rows;
    }
}
