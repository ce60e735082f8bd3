package dev.optbench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.optbench.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Plug-in optimizers (SPEC section 10): jars whose {@code META-INF/services/dev.optbench.optim.UpdateRule}
 * names {@link UpdateRule} implementations, found with {@link ServiceLoader} through one
 * {@link URLClassLoader} per jar. Each rule is checked before it is used (a name of its own, a
 * learning_rate first, finite defaults inside their ranges, one step on a small problem that
 * runs and stays finite); anything wrong is an {@link InputException} of one line naming the jar.
 */
public final class Plugins {
    private Plugins() {}

    /** Where a plug-in rule came from, recorded in each trial's provenance. */
    public record Source(String rule, String jar, String sha256) {
        @Override
        public String toString() {
            return rule + " from " + jar + " (sha256 " + sha256 + ")";
        }
    }

    /** The rules of a plug-in path, with their sources; empty for no path. */
    public record Loaded(List<UpdateRule> rules, List<Source> sources) {
        public static final Loaded NONE = new Loaded(List.of(), List.of());

        public Loaded {
            rules = List.copyOf(rules);
            sources = List.copyOf(sources);
        }
    }

    /**
     * The plug-in directory: {@code flag} (--plugins DIR) if given, else {@code $OPTBENCH_PLUGINS},
     * else {@code ~/.optbench/plugins} if it exists; null for none.
     */
    public static Path directory(String flag, String env, Path home) {
        if (flag != null && !flag.isBlank()) {
            return Path.of(flag);
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path dflt = home == null ? null : home.resolve(".optbench").resolve("plugins");
        return dflt != null && Files.isDirectory(dflt) ? dflt : null;
    }

    /** Loads and checks every *.jar of {@code dir} (sorted by name); {@link Loaded#NONE} for null. */
    public static Loaded load(Path dir) {
        if (dir == null) {
            return Loaded.NONE;
        }
        if (!Files.isDirectory(dir)) {
            throw new InputException("plug-in directory " + dir + " does not exist (--plugins DIR or $OPTBENCH_PLUGINS)");
        }
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new InputException("cannot list plug-in directory " + dir + ": " + e.getMessage());
        }
        List<UpdateRule> rules = new ArrayList<>();
        List<Source> sources = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Path jar : jars) {
            String sha = sha256(jar);
            for (UpdateRule r : rulesOf(jar)) {
                String name = check(jar, r);
                if (seen.containsKey(name)) {
                    throw new InputException("plug-in " + jar.getFileName() + ": optimizer name '" + name
                            + "' is also provided by " + seen.get(name) + "; remove one of the jars");
                }
                seen.put(name, jar.getFileName().toString());
                rules.add(r);
                sources.add(new Source(name, jar.getFileName().toString(), sha));
            }
        }
        return new Loaded(rules, sources);
    }

    private static List<UpdateRule> rulesOf(Path jar) {
        String where = "plug-in " + jar.getFileName() + ": ";
        try (java.util.jar.JarFile readable = new java.util.jar.JarFile(jar.toFile())) { // else the loader sees no rule at all
            readable.size();
        } catch (IOException | RuntimeException e) {
            throw new InputException(where + "not a readable jar (" + oneLine(e) + "); rebuild it or remove it from the"
                    + " plug-in directory");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, Plugins.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new InputException(where + "cannot open: " + e.getMessage());
        }
        List<UpdateRule> out = new ArrayList<>();
        try {
            Iterator<UpdateRule> it = ServiceLoader.load(UpdateRule.class, loader).iterator();
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (Error | RuntimeException e) { // ServiceConfigurationError, LinkageError, a constructor's own Error
            throw new InputException(where + "cannot load its update rule: " + oneLine(e)
                    + " (check META-INF/services/" + UpdateRule.class.getName() + " and the classes in the jar)");
        }
        if (out.isEmpty()) {
            throw new InputException(where + "provides no update rule: add META-INF/services/" + UpdateRule.class.getName()
                    + " naming your class");
        }
        return out;
    }

    /** Checks one rule; returns its name. */
    private static String check(Path jar, UpdateRule r) {
        String where = "plug-in " + jar.getFileName() + ": ";
        String name;
        List<HyperparameterSpec> specs;
        String formula;
        List<StateInit> state;
        name = describe(where, r, "name()", r::name);
        specs = describe(where, r, "hyperparameters()", r::hyperparameters);
        formula = describe(where, r, "formula()", r::formula);
        state = describe(where, r, "state()", r::state);
        where += "optimizer '" + name + "': ";
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new InputException(where + "the name must be lower case letters, digits and '_'");
        }
        if (Optimizers.builtInNames().contains(name) || OptimizerAliases.all().containsKey(name)) {
            throw new InputException(where + "clashes with the built-in optimizer " + name + "; rename the plug-in's rule");
        }
        if (specs == null || specs.isEmpty() || !specs.get(0).name().equals("learning_rate")) {
            throw new InputException(where + "hyperparameters() must list learning_rate first");
        }
        if (formula == null || formula.isBlank() || state == null) {
            throw new InputException(where + "formula() and state() must not be empty or null");
        }
        for (HyperparameterSpec h : specs) {
            if (h.name().equals(Optimizers.WEIGHT_DECAY)) {
                throw new InputException(where + "declares weight_decay, which optbench applies to every optimizer"
                        + " (θ ← θ − α_t λ θ_old − step): remove it from hyperparameters()");
            }
            if (h.defaultValue() != null && !h.allows(h.defaultValue())) {
                throw new InputException(where + "the default " + h.name() + " = " + h.defaultValue()
                        + " is not a finite value with " + h.rangeText());
            }
        }
        for (StateInit s : state) {
            if (!Double.isFinite(s.value())) {
                throw new InputException(where + "state " + s.name() + " starts at " + s.value() + ": give a finite value");
            }
        }
        for (DeclaredInclusion d : DeclaredInclusion.of(r)) {
            if (d == null || !List.of("sgd", "momentum", "nesterov").contains(d.subset()) || d.route() == null
                    || d.realization() == null) {
                throw new InputException(where + "an inclusion must name sgd, momentum or nesterov as the subset,"
                        + " with a route and a realization");
            }
        }
        smokeStep(where, r, specs);
        return name;
    }

    /** Two steps on a 3-element float64 parameter with every default and learning_rate 0.01: it must run and stay finite. */
    private static void smokeStep(String where, UpdateRule r, List<HyperparameterSpec> specs) {
        Map<String, Double> h = new LinkedHashMap<>();
        for (HyperparameterSpec s : specs) {
            h.put(s.name(), s.name().equals("learning_rate") ? 0.01 : s.defaultValue() == null ? 0.5 : s.defaultValue());
        }
        h.put(Optimizers.WEIGHT_DECAY, 0.0);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Optimizer opt = new SingleTrialOptimizer(r, h)) {
            NDArray p = m.create(new double[] {0.5, -1.0, 2.0});
            for (long t = 0; t < 2; t++) {
                NDArray g = m.create(new double[] {0.3, -0.2, 0.1}).toType(DataType.FLOAT64, false);
                opt.step(List.of(p), List.of(g), t, 0.01);
            }
            for (double v : p.toDoubleArray()) {
                if (!Double.isFinite(v)) {
                    throw new InputException(where + "a test step with its defaults gave a non-finite parameter (" + v + ")");
                }
            }
        } catch (InputException e) {
            throw e;
        } catch (RuntimeException | Error e) { // a plug-in's Error (StackOverflowError, AssertionError) is its fault too
            throw new InputException(where + "its update threw on a test step: " + oneLine(e));
        }
    }

    static String sha256(Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            return dev.optbench.Sha256.hex(in);
        } catch (IOException e) {
            throw new InputException("plug-in " + jar.getFileName() + ": cannot read: " + e.getMessage());
        }
    }

    /** One of the rule's describing methods; anything it throws, Errors included, is one line naming the method. */
    private static <T> T describe(String where, UpdateRule r, String method, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException | Error e) {
            throw new InputException(where + "its rule's " + method + " threw " + oneLine(e) + " (" + r.getClass().getName()
                    + "); fix the plug-in or remove its jar");
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + dev.optbench.Messages.quote(e.getMessage()))
                + (root != e ? " (caused by " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + dev.optbench.Messages.quote(root.getMessage())) + ")" : "");
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
