package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.InputException;
import dev.optbench.optim.BatchedOptimizer;
import dev.optbench.optim.Optimizer;
import dev.optbench.optim.OptimizerRegistry;
import dev.optbench.optim.Plugins;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-in optimizers (SPEC section 10): the example in examples/optimizer-plugin is compiled
 * and loaded; Lion is checked against hand-derived steps and used by every command; broken
 * plug-ins give one line naming the jar.
 */
class PluginsTest {
    @TempDir static Path shared;
    @TempDir Path dir;

    static Path lionDir;

    /**
     * Compiles the example's sources and service file into a jar against this build's classes. Its
     * Maven build, as the guide gives it, is PluginGuideTest's.
     */
    @BeforeAll
    static void buildTheExample() throws Exception {
        Path example = Path.of("examples/optimizer-plugin/src/main");
        Path classes = shared.resolve("lion-classes");
        List<String> sources;
        try (Stream<Path> files = Files.walk(example.resolve("java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        List<String> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                "-d", classes.toString()));
        args.addAll(sources);
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new))).isZero();
        Path service = Path.of("META-INF/services/dev.optbench.optim.UpdateRule");
        Files.createDirectories(classes.resolve(service).getParent());
        Files.copy(example.resolve("resources").resolve(service), classes.resolve(service));
        lionDir = shared.resolve("plugins");
        Files.createDirectories(lionDir);
        jar(classes, lionDir.resolve("optbench-lion.jar"));
    }

    @Test
    void lionsFirstThreeStepsAreTheHandDerivedOnes() {
        Plugins.Loaded loaded = Plugins.load(lionDir);
        assertThat(loaded.sources()).singleElement().satisfies(s -> {
            assertThat(s.rule()).isEqualTo("lion");
            assertThat(s.jar()).isEqualTo("optbench-lion.jar");
            assertThat(s.sha256()).hasSize(64);
        });
        OptimizerRegistry withLion = OptimizerRegistry.withPlugins(loaded);
        assertThat(withLion.names()).endsWith("lion");
        assertThat(withLion.pluginSource("lion")).isEqualTo(loaded.sources().get(0));
        assertThat(OptimizerRegistry.BUILT_IN.names()).doesNotContain("lion"); // the registries coexist
        assertThatThrownBy(() -> OptimizerRegistry.BUILT_IN.create("lion", Map.of("learning_rate", 0.1)))
                .isInstanceOf(InputException.class).hasMessageStartingWith("unknown optimizer 'lion': choose one of sgd,");
        // β1 = 0.9, β2 = 0.99, λ = 0.5; rates 0.1, 0.05, 0.02.
        // Element 0: θ0 = 1, g = 0.5, 0.2, −0.3.
        //   t0: c = 0.1·0.5 = 0.05 > 0; θ = 1 − 0.1(1 + 0.5·1) = 0.85; m = 0.01·0.5 = 0.005
        //   t1: c = 0.9·0.005 + 0.1·0.2 = 0.0245 > 0; θ = 0.85 − 0.05(1 + 0.425) = 0.77875; m = 0.00495 + 0.002 = 0.00695
        //   t2: c = 0.006255 − 0.03 = −0.023745 < 0; θ = 0.77875 − 0.02(−1 + 0.389375) = 0.7909625
        // Element 1: θ0 = 2, g = 1, −0.05, −0.05: the momentum outvotes the gradient's sign.
        //   t0: c = 0.1 > 0; θ = 2 − 0.1(1 + 1) = 1.8; m = 0.01
        //   t1: c = 0.009 − 0.005 = 0.004 > 0; θ = 1.8 − 0.05(1 + 0.9) = 1.705; m = 0.0099 − 0.0005 = 0.0094
        //   t2: c = 0.00846 − 0.005 = 0.00346 > 0; θ = 1.705 − 0.02(1 + 0.8525) = 1.66795
        double[][] grads = {{0.5, 1.0}, {0.2, -0.05}, {-0.3, -0.05}};
        double[] rates = {0.1, 0.05, 0.02};
        double[][] want = {{0.85, 1.8}, {0.77875, 1.705}, {0.7909625, 1.66795}};
        Map<String, Double> h = Map.of("learning_rate", 0.1, "weight_decay", 0.5);
        try (NDManager m = NDManager.newBaseManager("PyTorch"); Optimizer lion = withLion.create("lion", h);
                BatchedOptimizer batched = withLion.createBatched("lion", List.of(h, Map.of("learning_rate", 0.1)))) {
            assertThat(lion.hyperparameters()).containsEntry("beta1", 0.9).containsEntry("beta2", 0.99);
            NDArray theta = m.create(new double[] {1.0, 2.0});
            // Batched: trial 0 as above, trial 1 without weight decay; trial 0 must match the single run.
            NDArray stacked = m.create(new double[] {1.0, 2.0, 1.0, 2.0}, new ai.djl.ndarray.types.Shape(2, 2));
            for (int t = 0; t < 3; t++) {
                NDArray g = m.create(grads[t]);
                lion.step(List.of(theta), List.of(g), t, rates[t]);
                batched.step(List.of(stacked), List.of(g.stack(g)), t, new double[] {rates[t], rates[t]});
                double[] got = theta.toDoubleArray();
                assertThat(got[0]).as("step %d", t).isCloseTo(want[t][0], within(1e-12));
                assertThat(got[1]).as("step %d", t).isCloseTo(want[t][1], within(1e-12));
                double[] both = stacked.toDoubleArray();
                assertThat(both[0]).isCloseTo(want[t][0], within(1e-12));
                assertThat(both[1]).isCloseTo(want[t][1], within(1e-12));
            }
            // Trial 1 (λ = 0): 1 − 0.1 − 0.05 + 0.02 = 0.87; 2 − 0.1 − 0.05 − 0.02 = 1.83.
            double[] both = stacked.toDoubleArray();
            assertThat(both[2]).isCloseTo(0.87, within(1e-12));
            assertThat(both[3]).isCloseTo(1.83, within(1e-12));
        }
    }

    @Test
    void aPluginIsListedTracedSearchedAndAnalysed() throws Exception {
        String plugins = lionDir.toString();
        CliRun list = CliRun.of("optimizers", "--plugins", plugins);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("lion      c = β1 m + (1−β1) g;  θ ← θ − η_t (sign(c) + λ θ)")
                .contains("plug-in: lion from optbench-lion.jar (sha256 ");
        assertThat(CliRun.of("optimizers").out()).doesNotContain("lion"); // not built in
        CliRun trace = CliRun.of("trace", "--plugins", plugins, "--optimizer", "lion", "--hparams", "learning_rate=0.01",
                "--function", "quadratic", "--steps", "3");
        assertThat(trace.exitCode()).as(trace.err()).isZero();
        // quadratic from (2, 1): the gradient (2, 10) is positive, so each step is −0.01 on both coordinates
        assertThat(trace.out().lines().toList()).contains("3,1.97,0.97,6.64495");
        Path space = dir.resolve("space.json");
        Files.writeString(space, """
                {"lion": {"learning_rate": {"min": 1e-4, "max": 1e-2, "scaling": "log"},
                          "one_minus_beta2": {"feasible_points": [0.01]},
                          "weight_decay": {"min": 1e-3, "max": 0.1, "scaling": "log"}},
                 "adam": {"learning_rate": {"min": 1e-4, "max": 1e-2, "scaling": "log"}}}""");
        String store = "sqlite:" + dir.resolve("p.db");
        CliRun created = CliRun.of("study", "create", "lion", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                "--optimizers", "lion,adam", "--trials", "2", "--space", space.toString(), "--store", store, "--plugins", plugins);
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun without = CliRun.of("study", "create", "x", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                "--optimizers", "lion", "--trials", "2", "--space", space.toString(), "--store", store);
        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.err()).contains("unknown optimizer 'lion'");
        CliRun ran = CliRun.of("study", "run", "lion", "--workers", "2", "--store", store, "--plugins", plugins);
        assertThat(ran.exitCode()).as(ran.err()).isZero();
        ObjectMapper json = new ObjectMapper();
        JsonNode rows = json.readTree(CliRun.of("study", "export", "lion", "--format", "json", "--store", store).out());
        assertThat(rows).hasSize(4);
        for (JsonNode r : rows) {
            assertThat(r.get("state").asText()).isIn("completed", "diverged");
            if (r.get("optimizer").asText().equals("lion")) {
                assertThat(r.get("hparams").get("beta2").asDouble()).isCloseTo(0.99, within(1e-15));
                assertThat(r.get("provenance").get("plugin").asText()).startsWith("lion from optbench-lion.jar (sha256 ")
                        .contains(Plugins.load(lionDir).sources().get(0).sha256());
            } else {
                assertThat(r.get("provenance").has("plugin")).isFalse();
            }
        }
        CliRun analysed = CliRun.of("analyze", "lion", "--json", "--bootstrap", "200", "--store", store);
        assertThat(analysed.exitCode()).as(analysed.err()).isZero();
        assertThat(analysed.out()).contains("\"lion\"");
    }

    @Test
    void aWorkerWithoutThePlugInRunsItsShareLeavesThePlugInsTrialsAndFailsOnlyWhenItRanNothing() throws Exception {
        Path space = dir.resolve("space.json");
        Files.writeString(space, """
                {"lion": {"learning_rate": {"feasible_points": [0.001]}},
                 "adam": {"learning_rate": {"feasible_points": [0.001]}}}""");
        String store = "sqlite:" + dir.resolve("w.db");
        CliRun created = CliRun.of("study", "create", "split", "--workload", "fmnist_mlp-tiny", "--protocol", "full",
                "--optimizers", "lion,adam", "--trials", "1", "--space", space.toString(), "--store", store,
                "--plugins", lionDir.toString());
        assertThat(created.exitCode()).as(created.err()).isZero();
        CliRun first = CliRun.of("worker", "--study", "split", "--store", store);
        assertThat(first.exitCode()).as("it ran adam's trial and leaves lion's to others\n" + first.err()).isZero();
        assertThat(first.err().lines().filter(l -> l.contains("needs optimizer 'lion'"))).hasSize(1);
        assertThat(first.err()).contains("stored 1 trials; 1 trial remains that this worker may not run: study split"
                + " (optimizer lion not loaded)");
        CliRun second = CliRun.of("worker", "--study", "split", "--store", store);
        assertThat(second.exitCode()).as("nothing it may run is left, yet work remains\n" + second.err()).isEqualTo(1);
        assertThat(second.err()).contains("stored 0 trials; 1 trial remains");
        JsonNode rows = new ObjectMapper().readTree(CliRun.of("study", "export", "split", "--format", "json", "--store", store).out());
        Map<String, String> states = new java.util.TreeMap<>();
        rows.forEach(r -> states.put(r.get("optimizer").asText(), r.get("state").asText()));
        assertThat(states).containsExactly(Map.entry("adam", "completed"), Map.entry("lion", "pending"));
    }

    @Test
    void brokenPluginsGiveOneLineNamingTheJar() throws Exception {
        Map<String, String[]> cases = Map.of(
                "missing", new String[] {"org.example.NotThere", null, "cannot load its update rule"},
                "clash", new String[] {"p.Rule", rule("adam", "0.9", "s.param().subi(s.grad().mul(s.coef(TrialValues::lr)));"),
                    "optimizer 'adam': clashes with the built-in optimizer adam"},
                "throws", new String[] {"p.Rule", rule("boom", "0.9", "throw new IllegalStateException(\"no\");"),
                    "optimizer 'boom': its update threw on a test step: IllegalStateException: no"},
                "nan", new String[] {"p.Rule", rule("nanny", "Double.NaN", "s.param().subi(s.grad().mul(s.coef(TrialValues::lr)));"),
                    "optimizer 'nanny': the default beta = NaN is not a finite value with 0 ≤ beta < 1"},
                "deep", new String[] {"p.Rule", rule("x", "0.9", "").replace("return \"x\";", "return name();"),
                    "its rule's name() threw StackOverflowError (p.Rule); fix the plug-in or remove its jar"},
                "asserts", new String[] {"p.Rule", rule("asserts", "0.9", "throw new AssertionError(\"late boom\");"),
                    "optimizer 'asserts': its update threw on a test step: AssertionError: late boom"},
                "corrupt", new String[] {null, null, "not a readable jar (ZipException"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Path plugins = dir.resolve(c.getKey());
            Files.createDirectories(plugins);
            Path jar = plugins.resolve(c.getKey() + ".jar");
            if (c.getValue()[0] == null) {
                Files.write(jar, "PK\u0003\u0004 not really a jar".getBytes(StandardCharsets.UTF_8));
            } else {
                buildPlugin(dir.resolve("src-" + c.getKey()), c.getValue()[0], c.getValue()[1], jar);
            }
            for (String[] args : List.of(new String[] {"optimizers", "--plugins", plugins.toString()},
                    new String[] {"trace", "--optimizer", "sgd", "--hparams", "learning_rate=0.1", "--function", "quadratic",
                        "--plugins=" + plugins})) {
                CliRun r = CliRun.of(args);
                assertThat(r.exitCode()).as(c.getKey() + ": " + r.err()).isEqualTo(2);
                assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
                assertThat(r.err()).startsWith("optbench: plug-in " + c.getKey() + ".jar: ").contains(c.getValue()[2])
                        .doesNotContain("\tat ");
            }
        }
    }

    @Test
    void aPluginsDeclaredInclusionIsVerifiedByInclusionAndUsedByTheAnalyses() throws Exception {
        // heavy ball: v ← γ v + η_t g; θ ← θ − v. For a constant rate it is momentum exactly (same γ, same η),
        // which it declares; sgd ⊆ heavyball follows at γ = 0.
        String source = """
                package p;
                import dev.optbench.optim.*;
                import java.util.List;
                import java.util.Map;
                public final class Rule implements UpdateRule, DeclaredInclusion.Declaring {
                    public String name() { return "heavyball"; }
                    public List<HyperparameterSpec> hyperparameters() {
                        return List.of(HyperparameterSpec.LEARNING_RATE, HyperparameterSpec.MOMENTUM);
                    }
                    public String formula() { return "v ← γ v + η_t g;  θ ← θ − v"; }
                    public List<StateInit> state() { return List.of(new StateInit("v", 0)); }
                    public void update(RuleStep s) {
                        s.state(0).muli(s.coef("momentum")).addi(s.grad().mul(s.coef(TrialValues::lr)));
                        s.param().subi(s.state(0));
                    }
                    public List<DeclaredInclusion> inclusions() {
                        return List.of(new DeclaredInclusion("momentum", InclusionLimits.Route.EXACT, true, "same γ, same η",
                                (h, schedule, limit) -> new InclusionLimits.Setting("heavyball",
                                        Map.of("learning_rate", h.get("learning_rate"), "momentum", h.get("momentum")), schedule)));
                    }
                }
                """;
        Path plugins = dir.resolve("hb");
        Files.createDirectories(plugins);
        buildPlugin(dir.resolve("src-hb"), "p.Rule", source, plugins.resolve("heavyball.jar"));
        CliRun r = CliRun.of("inclusion", "--problem", "quadratic", "--plugins", plugins.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains("⊆ heavyball")).toList())
                .anySatisfy(l -> assertThat(l).startsWith("momentum ⊆ heavyball").contains("exact").endsWith("ok"))
                .anySatisfy(l -> assertThat(l).startsWith("sgd ⊆ heavyball").endsWith("ok"));
        assertThat(r.out()).contains("same γ, same η (declared by the plug-in)");
        // The analyses' inclusion check (N's median ≤ M's 95th percentile) covers the declared relation too.
        OptimizerRegistry withHeavyBall = OptimizerRegistry.withPlugins(Plugins.load(plugins));
        assertThat(dev.optbench.optim.InclusionRelation.all(withHeavyBall)).contains(
                new dev.optbench.optim.InclusionRelation("momentum", "heavyball"),
                new dev.optbench.optim.InclusionRelation("sgd", "heavyball"));
        assertThat(dev.optbench.optim.InclusionRelation.all(OptimizerRegistry.BUILT_IN))
                .noneMatch(rel -> rel.superset().equals("heavyball"));
    }

    /** A rule named {@code name} with one hyperparameter "beta" (default {@code dflt}) and this update body. */
    private static String rule(String name, String dflt, String body) {
        return """
                package p;
                import dev.optbench.optim.*;
                import java.util.List;
                public final class Rule implements UpdateRule {
                    public String name() { return "%s"; }
                    public List<HyperparameterSpec> hyperparameters() {
                        return List.of(HyperparameterSpec.LEARNING_RATE, new HyperparameterSpec("beta", %s, "b", "[0, 1)"));
                    }
                    public String formula() { return "θ ← θ − η_t g"; }
                    public List<StateInit> state() { return List.of(); }
                    public void update(RuleStep s) { %s }
                }
                """.formatted(name, dflt, body);
    }

    /** Compiles {@code source} (if any) and jars it with a service file naming {@code service}. */
    private static void buildPlugin(Path work, String service, String source, Path jar) throws IOException {
        Path classes = work.resolve("classes");
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/dev.optbench.optim.UpdateRule"), service + "\n");
        if (source != null) {
            Path src = work.resolve("p/Rule.java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, source);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
                    src.toString());
            assertThat(rc).isZero();
        }
        jar(classes, jar);
    }

    private static void jar(Path root, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
