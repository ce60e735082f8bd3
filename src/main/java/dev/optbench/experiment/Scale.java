package dev.optbench.experiment;

import dev.optbench.InputException;
import dev.optbench.Messages;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How big a reproduction runs: tiny (the demo, minutes), cpu (an hour on 2 cores), paper (GPU). */
public enum Scale {
    TINY, CPU, PAPER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scale fromId(String id) {
        for (Scale s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new InputException("unknown scale '" + Messages.quote(id) + "'; use one of "
                + Arrays.stream(values()).map(Scale::id).collect(Collectors.joining(", ")));
    }
}
