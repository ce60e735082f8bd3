package dev.optbench.space;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The built-in tuning protocols of SPEC section 5. Each protocol × optimizer has a default space
 * shipped as {@code /dev/optbench/space/<protocol>/<optimizer>.json}; a workload whose ranges
 * should differ has {@code <optimizer>@<workload>.json} beside it (a "-tiny" workload falls back
 * to its full-size workload's file, then to the general one).
 */
public enum Protocol {
    LR_GRID("Wilson et al. style: learning rate on a log grid, everything else default, constant schedule", Sampler.GRID),
    LR_ONLY("DeepOBS style: learning rate log-uniform in [1e-5, 1e2], everything else default, constant schedule", Sampler.HALTON),
    LR_SCHEDULE("learning rate plus linear decay (decay_steps_factor, decay_factor), everything else default", Sampler.HALTON),
    FULL("Choi et al.: learning rate, schedule and every hyperparameter of the optimizer, in ranges fitted to it", Sampler.HALTON),
    FITTED("full's hyperparameters, fitted by machine: stage 1 searches wide ranges, stage 2 the range of stage 1's best"
            + " points widened by a margin (SPEC section 10)", Sampler.HALTON);

    private final String description;
    private final Sampler defaultSampler;

    Protocol(String description, Sampler defaultSampler) {
        this.description = description;
        this.defaultSampler = defaultSampler;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
        return description;
    }

    public Sampler defaultSampler() {
        return defaultSampler;
    }

    public static Protocol fromId(String id) {
        for (Protocol p : values()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        List<String> ids = new ArrayList<>();
        for (Protocol p : values()) {
            ids.add(p.id());
        }
        throw new InputException("unknown protocol '" + Messages.quote(id) + "' (known: " + String.join(", ", ids)
                + "; see 'optbench protocols')");
    }

    /** Optimizers with a default space for this protocol (built-ins: a plug-in brings its own space). */
    public List<String> optimizers() {
        List<String> out = new ArrayList<>();
        for (String o : OptimizerDefaults.names(dev.optbench.optim.OptimizerRegistry.BUILT_IN)) {
            if (resource(o, null) != null) {
                out.add(o);
            }
        }
        return out;
    }

    /** The default space for this optimizer on this workload (null workload: the general one). */
    public SearchSpace defaultSpace(dev.optbench.optim.OptimizerRegistry optimizers, String optimizer, String workload) {
        OptimizerDefaults.of(optimizers, optimizer); // unknown optimizer → its own clear error
        String path = resource(optimizer, workload);
        if (path == null) {
            throw new InputException("protocol " + id() + " has no default space for optimizer " + optimizer
                    + " (give your own with --space FILE.json)");
        }
        try (InputStream in = Protocol.class.getResourceAsStream(path)) {
            SearchSpace space = SearchSpace.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), path);
            Hyperparameters.check(optimizers, optimizer, space.names().stream().collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
            return space;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which resource holds the space: workload-specific first, then the general file. */
    String resource(String optimizer, String workload) {
        List<String> candidates = new ArrayList<>();
        if (workload != null) {
            candidates.add(workload);
            if (workload.endsWith("-tiny")) {
                candidates.add(workload.substring(0, workload.length() - "-tiny".length()));
            }
        }
        for (String w : candidates) {
            String p = "/dev/optbench/space/" + id() + "/" + optimizer + "@" + w + ".json";
            if (Protocol.class.getResource(p) != null) {
                return p;
            }
        }
        String p = "/dev/optbench/space/" + id() + "/" + optimizer + ".json";
        return Protocol.class.getResource(p) != null ? p : null;
    }
}
