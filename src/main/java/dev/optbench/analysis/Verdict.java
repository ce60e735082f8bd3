package dev.optbench.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer a report leads with, per workload: under each protocol who wins or who ties, how many
 * trials would separate the leader from those tied with it, which inclusions hold, the
 * significant rank flips between protocols, and what it costs the others to match the leader.
 * Everything is read off an {@link AnalysisResult}; the sentences are plain text.
 */
public record Verdict(String workload, List<Protocol> protocols, List<RankFlip> significantFlips) {
    public Verdict {
        protocols = List.copyOf(protocols);
        significantFlips = List.copyOf(significantFlips);
    }

    /**
     * One study's verdict. {@code leader} has the lowest bootstrap median (null without finished
     * trials); {@code clear} is true when its 5–95% interval overlaps no other optimizer's.
     */
    public record Protocol(String study, String protocol, String leader, boolean clear, String ranking,
            List<Separation> toSeparate, List<InclusionCheck> inclusion, String cost, String engine) {
        public Protocol {
            toSeparate = List.copyOf(toSeparate);
            inclusion = List.copyOf(inclusion);
        }

        public List<InclusionCheck> violated() {
            return inclusion.stream().filter(c -> !c.consistent()).toList();
        }

        /** The violated inclusions as "sgd ⊆ momentum". */
        public List<String> violatedPairs() {
            return violated().stream().map(c -> c.subset() + " ⊆ " + c.superset()).toList();
        }
    }

    /** Whether this workload's studies were trained by different engines (e.g. DJL next to torch): each is then named. */
    public boolean mixedEngines() {
        return protocols.stream().map(Protocol::engine).distinct().count() > 1;
    }

    /** " (study NAME)", with its engine when {@link #mixedEngines}. */
    public String label(Protocol p) {
        return " (study " + p.study() + (mixedEngines() ? ", " + p.engine() : "") + ")";
    }

    /** One verdict per workload, in the order the workloads first appear. */
    public static List<Verdict> of(AnalysisResult result) {
        Map<String, List<StudyAnalysis>> byWorkload = new LinkedHashMap<>();
        result.studies().forEach(s -> byWorkload.computeIfAbsent(s.workload(), w -> new ArrayList<>()).add(s));
        List<Verdict> out = new ArrayList<>();
        byWorkload.forEach((w, studies) -> out.add(new Verdict(w, studies.stream().map(Verdict::protocol).toList(),
                result.rankFlips().stream().filter(f -> f.workload().equals(w) && f.significant()).toList())));
        return out;
    }

    static Protocol protocol(StudyAnalysis s) {
        if (s.ranking().isEmpty()) {
            return new Protocol(s.study(), s.protocol(), null, false, "No optimizer has a finished trial yet.", List.of(),
                    List.of(), "", s.engine());
        }
        RankEntry leader = s.ranking().stream().min(java.util.Comparator.comparingDouble(RankEntry::median)
                .thenComparing(RankEntry::optimizer)).orElseThrow();
        boolean clear = leader.tiedWith().isEmpty() && s.ranking().size() > 1;
        List<Separation> separate = s.separations().stream()
                .filter(p -> p.better().equals(leader.optimizer()) || p.worse().equals(leader.optimizer())).toList();
        return new Protocol(s.study(), s.protocol(), leader.optimizer(), clear, rankingSentence(s.ranking(), leader, clear),
                separate, s.inclusion(), costSentence(s, leader.optimizer()), s.engine());
    }

    /** "Clear winner: adam …" or "No clear winner: …", then every rank with its optimizers. */
    static String rankingSentence(List<RankEntry> ranking, RankEntry leader, boolean clear) {
        StringBuilder b = new StringBuilder();
        if (ranking.size() == 1) {
            b.append("Only ").append(leader.optimizer()).append(" has finished trials.");
            return b.toString();
        }
        if (clear) {
            b.append("Clear winner: ").append(leader.optimizer()).append(" (its 5–95% interval lies below every other "
                    + "optimizer's).");
        } else if (ranking.stream().allMatch(e -> e.rank() == 1)) {
            b.append("No winner: all ").append(ranking.size()).append(" optimizers tie (").append(leader.optimizer())
                    .append(" has the lowest median, but its 5–95% interval overlaps every other optimizer's).");
        } else if (leader.tiedWith().size() == ranking.size() - 1) { // overlap is not transitive: ranks can still differ
            b.append("No clear winner: ").append(leader.optimizer()).append(" has the lowest median, but its 5–95% interval "
                    + "overlaps every other optimizer's.");
        } else {
            b.append("No clear winner: ").append(leader.optimizer()).append(" has the lowest median, but its 5–95% interval "
                    + "overlaps those of ").append(and(leader.tiedWith())).append('.');
        }
        Map<Integer, List<String>> byRank = new TreeMap<>();
        ranking.forEach(e -> byRank.computeIfAbsent(e.rank(), r -> new ArrayList<>()).add(e.optimizer()));
        List<String> parts = new ArrayList<>();
        byRank.forEach((r, names) -> parts.add("rank " + r + ": " + String.join(", ", names)
                + (names.size() > 1 ? " (tied)" : "")));
        b.append(" Ranks (optimizers whose intervals overlap share a rank): ").append(String.join("; ", parts)).append('.');
        return b.toString();
    }

    /** What it costs each other optimizer to match the leader's median best at its full budget. */
    static String costSentence(StudyAnalysis s, String leader) {
        List<CostToMatch> toLeader = s.costToMatch().stream().filter(c -> c.target().equals(leader)).toList();
        if (toLeader.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        List<String> never = new ArrayList<>();
        for (CostToMatch c : toLeader) {
            if (c.never()) {
                never.add(c.optimizer());
            } else {
                parts.add(c.optimizer() + " needs " + c.trials() + " of its " + c.available() + " trials");
            }
        }
        int available = toLeader.get(0).available();
        boolean sameBudget = toLeader.stream().allMatch(c -> c.available() == available);
        if (!never.isEmpty()) {
            parts.add((never.size() == toLeader.size() ? "none of the others (" + and(never) + ") reaches it"
                    : and(never) + " do" + (never.size() == 1 ? "es" : "") + " not reach it")
                    + (sameBudget ? " within " + available + " trials" : " within its trials"));
        }
        return String.format(Locale.ROOT, "To match %s's median best test error (%.4f): %s.", leader,
                toLeader.get(0).targetMedian(), String.join("; ", parts));
    }

    static String and(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
