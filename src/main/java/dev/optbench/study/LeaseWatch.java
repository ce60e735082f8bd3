package dev.optbench.study;

import java.util.List;
import java.util.Set;

/**
 * What a run waits on when it has nothing left to claim: trials that another worker holds (a
 * worker killed with SIGKILL keeps its lease until it ends). {@link #update} gives one line when
 * that set first appears and each time it changes, else null, so a rerun says why it sits at
 * 39/40 instead of staying silent until the lease runs out.
 */
final class LeaseWatch {
    private static final int SHOWN = 3;

    private final Set<String> ours;
    private String last = "";

    /** @param ours the ids of this run's own workers */
    LeaseWatch(Set<String> ours) {
        this.ours = Set.copyOf(ours);
    }

    /** The line to print now, or null. */
    String update(int pending, List<Lease> running) {
        List<Lease> theirs = pending > 0 ? List.of() : running.stream()
                .filter(l -> l.worker() == null || !ours.contains(l.worker())).toList();
        String key = String.join(" ", theirs.stream().map(l -> l.optimizer() + "#" + l.index() + "@" + l.worker()).toList());
        if (key.equals(last)) {
            return null;
        }
        last = key;
        if (theirs.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder("optbench: waiting for ");
        for (int i = 0; i < Math.min(SHOWN, theirs.size()); i++) {
            Lease l = theirs.get(i);
            b.append(i == 0 ? "" : "; ").append(l.optimizer()).append('#').append(l.index()).append(", held by ")
                    .append(l.worker() == null ? "an unknown worker" : l.worker())
                    .append(l.remainingMillis() > 0 ? " whose lease ends in " + seconds(l.remainingMillis()) + " s"
                            : " whose lease has ended (it is reclaimed at the next claim)");
        }
        if (theirs.size() > SHOWN) {
            b.append("; and ").append(theirs.size() - SHOWN).append(" more");
        }
        return b.append(" (if that worker is gone, its trials run here once the lease ends)").toString();
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }
}
