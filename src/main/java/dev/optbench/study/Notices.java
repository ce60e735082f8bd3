package dev.optbench.study;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Passes each distinct line on once: the workers of one process share one, so a refusal is said once. */
public final class Notices implements Consumer<String> {
    private final Consumer<String> out;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    public Notices(Consumer<String> out) {
        this.out = out;
    }

    @Override
    public void accept(String line) {
        if (said.add(line)) {
            out.accept(line);
        }
    }
}
