package dev.optbench.study;

import dev.optbench.InputException;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this worker's operator allows an external study to do here (docs/distributed.md, "Trust
 * model"): the exact command strings it may run, and the names of this process's environment
 * variables a trial gets besides the ones every trial gets ({@link ExternalRunner#BASE_ENV}).
 * A command stored in the study store is run only if it is one of {@code commands}, character
 * for character: whoever can write the store must not be able to run code on the workers. The
 * same holds for a torch study's {@code package.module:Class} optimizers ({@link TorchEngine}):
 * imported only if the class string is one of {@code optimizerClasses}.
 */
public record CommandPolicy(Set<String> commands, Set<String> passEnv, Set<String> optimizerClasses) {
    /** Runs no external command, imports no optimizer class and passes no extra variable. */
    public static final CommandPolicy NONE = new CommandPolicy(Set.of(), Set.of());

    /** A policy that allows no torch study's optimizer class. */
    public CommandPolicy(Set<String> commands, Set<String> passEnv) {
        this(commands, passEnv, Set.of());
    }

    public CommandPolicy {
        commands = Set.copyOf(commands);
        optimizerClasses = Set.copyOf(optimizerClasses);
        for (String name : passEnv) {
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InputException("--pass-env " + name + ": give the name of an environment variable"
                        + " (letters, digits, '_'), e.g. --pass-env CUDA_VISIBLE_DEVICES");
            }
            if (name.startsWith("OPTBENCH_")) { // OPTBENCH_STORE holds the database password
                throw new InputException("--pass-env " + name + ": optbench's own variables are never passed to trials"
                        + " (the store URL holds the database password); drop it");
            }
        }
        passEnv = Set.copyOf(new TreeSet<>(passEnv));
    }

    /** Whether {@code command} may run here: it is one of the allowed strings exactly. */
    public boolean allows(ExternalCommand command) {
        return commands.contains(command.command());
    }

    /** Whether a torch study's optimizer class {@code cls} (package.module:Class) may be imported here: allowed exactly. */
    public boolean allowsClass(String cls) {
        return optimizerClasses.contains(cls);
    }

    /** This policy with {@code more} commands allowed as well. */
    public CommandPolicy withCommands(Set<String> more) {
        Set<String> all = new TreeSet<>(commands);
        all.addAll(more);
        return new CommandPolicy(all, passEnv, optimizerClasses);
    }
}
