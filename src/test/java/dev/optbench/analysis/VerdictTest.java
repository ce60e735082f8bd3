package dev.optbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optbench.study.Trial;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's summary on synthetic studies whose answer is known by construction. */
class VerdictTest {

    /** n trials of {@code optimizer}: the i-th best by validation error has test error {@code base + step·i}. */
    private static List<Trial> trials(String optimizer, int n, double base, double step) {
        List<Trial> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestTrials.done(optimizer, i, 0.1 + 0.01 * i, base + step * i));
        }
        return out;
    }

    private static AnalysisResult analyze(StudyData... studies) {
        return new Analyzer(AnalysisOptions.of(2000, 7)).analyze(List.of(studies));
    }

    private static StudyData study(String name, String protocol, List<String> optimizers, List<List<Trial>> trials) {
        List<Trial> all = new ArrayList<>();
        trials.forEach(all::addAll);
        return TestTrials.study(name, "w", protocol, optimizers, all, null);
    }

    @Test
    void aClearWinnerIsNamedAndNothingNeedsSeparating() {
        // a's test errors 0.10–0.109, b's 0.20–0.209, c's 0.30–0.309: every interval is disjoint from the others
        AnalysisResult r = analyze(study("clear", "full", List.of("a", "b", "c"),
                List.of(trials("a", 10, 0.10, 0.001), trials("b", 10, 0.20, 0.001), trials("c", 10, 0.30, 0.001))));
        Verdict.Protocol p = Verdict.of(r).get(0).protocols().get(0);
        assertThat(p.leader()).isEqualTo("a");
        assertThat(p.clear()).isTrue();
        assertThat(p.ranking()).startsWith("Clear winner: a ").contains("rank 1: a; rank 2: b; rank 3: c.");
        assertThat(p.toSeparate()).isEmpty();
        // b and c reach a's median best (0.100, a's best trial: P(picked at k = 10) = 1 − 0.9^10 ≥ 1/2) never
        assertThat(p.cost()).isEqualTo("To match a's median best test error (0.1000): none of the others (b and c) "
                + "reaches it within 10 trials.");
    }

    @Test
    void aTieIsSaidPlainlyWithTheTrialsThatWouldSeparateIt() throws Exception {
        // a: best trial 0.10, the other nine 0.20; b: best trial 0.12, the other nine 0.20 (n = 10 each).
        // Best of k: a picks 0.10 with P = 1 − 0.9^k, so a's p95 is 0.10 once 0.9^k ≤ 0.05, k ≥ ln 0.05 / ln 0.9
        // = 28.4, i.e. k = 29; b's p5 is 0.12 at every k (P(0.12) = 1 − 0.9^k ≥ 0.1). At k = 10 a's p95 is 0.20:
        // the intervals overlap. So k = 29 separates them: 19 more trials per optimizer.
        List<Trial> a = trials("a", 10, 0.20, 0);
        List<Trial> b = trials("b", 10, 0.20, 0);
        a.set(0, TestTrials.done("a", 0, 0.1, 0.10));
        b.set(0, TestTrials.done("b", 0, 0.1, 0.12));
        AnalysisResult r = analyze(study("tie", "full", List.of("a", "b"), List.of(a, b)));
        Verdict.Protocol p = Verdict.of(r).get(0).protocols().get(0);
        assertThat(p.clear()).isFalse();
        assertThat(p.ranking()).startsWith("No winner: all 2 optimizers tie (a has the lowest median")
                .contains("rank 1: a, b (tied)");
        assertThat(p.toSeparate()).singleElement().satisfies(s -> {
            assertThat(s.better()).isEqualTo("a");
            assertThat(s.needed()).isEqualTo(29);
            assertThat(s.more()).isEqualTo(19);
            assertThat(s.sentence()).isEqualTo("about 19 more trials per optimizer would be needed to separate a and b");
        });
        assertThat(AnalysisText.write(r)).contains("  protocol full (study tie): No winner: all 2 optimizers tie")
                .contains("\n    about 19 more trials per optimizer would be needed to separate a and b\n");
        var json = AnalysisJson.write(r);
        assertThat(json).contains("\"separations\"");
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).at("/studies/0/separations/0");
        assertThat(node.get("needed").asInt()).isEqualTo(29);
        assertThat(node.get("better").asText()).isEqualTo("a");
    }

    @Test
    void equalBestTrialsAreNeverSeparatedAndAFarSeparationIsCapped() {
        double[] same = {0.1, 0.2, 0.3};
        assertThat(Separation.estimate("a", same, "b", same, 1000).never()).isTrue();
        assertThat(Separation.estimate("a", same, "b", same, 1000).sentence()).contains("cannot be separated");
        // the k = 29 pair of the test above, scanned only up to 20
        double[] a = {0.10, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
        double[] b = {0.12, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
        Separation s = Separation.estimate("b", b, "a", a, 20);
        assertThat(s.capped()).isTrue();
        assertThat(s.better()).isEqualTo("a");
        assertThat(Separation.estimate("b", b, "a", a, 29).needed()).isEqualTo(29);
    }

    @Test
    void studiesOfOneWorkloadOnDifferentEnginesAreNamedWithTheirEngine() throws Exception {
        StudyData djl = study("d", "full", List.of("a", "b"), List.of(trials("a", 10, 0.10, 0.001), trials("b", 10, 0.20, 0.001)));
        StudyData torch = study("t", "full", List.of("a", "b"), List.of(trials("a", 10, 0.10, 0.001), trials("b", 10, 0.20, 0.001)));
        torch = new StudyData(torch.definition().withTorch(new dev.optbench.study.TorchEngine("cuda", java.util.Map.of())),
                torch.trials(), torch.target());
        AnalysisResult r = analyze(djl, torch);
        assertThat(Verdict.of(r)).singleElement().satisfies(v -> assertThat(v.mixedEngines()).isTrue());
        assertThat(AnalysisText.write(r)).contains("  protocol full (study d, DJL): Clear winner: a ")
                .contains("  protocol full (study t, torch on cuda): Clear winner: a ");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(AnalysisJson.write(r));
        assertThat(json.at("/studies/0/engine").asText()).isEqualTo("DJL");
        assertThat(json.at("/studies/1/engine").asText()).isEqualTo("torch on cuda");
        assertThat(AnalysisText.write(analyze(djl))).contains("  protocol full (study d): "); // one engine: not named
    }

    @Test
    void aViolatedInclusionAndASignificantFlipAreReported() {
        // lr-only: sgd (0.10…) clearly beats momentum (0.30…) although sgd ⊆ momentum: violated.
        // full: momentum (0.05…) clearly beats sgd (0.20…): consistent, and the order flips significantly.
        StudyData lr = study("lr", "lr-only", List.of("sgd", "momentum"),
                List.of(trials("sgd", 10, 0.10, 0.001), trials("momentum", 10, 0.30, 0.001)));
        StudyData full = study("full", "full", List.of("sgd", "momentum"),
                List.of(trials("sgd", 10, 0.20, 0.001), trials("momentum", 10, 0.05, 0.001)));
        AnalysisResult r = analyze(lr, full);
        List<Verdict> v = Verdict.of(r);
        // analyze's text leads with the same verdict
        String text = AnalysisText.write(r);
        assertThat(text).startsWith("Verdict, workload w\n  protocol lr-only (study lr): Clear winner: sgd ")
                .contains("\n    inclusions: violated sgd ⊆ momentum; 0 hold\n")
                .contains("\n  protocol full (study full): Clear winner: momentum ")
                .contains("\n    inclusions: all 1 hold\n")
                .contains("\n  significant rank flip: sgd beats momentum under lr-only but not under full\n");
        assertThat(text.indexOf("Verdict, workload w")).isLessThan(text.indexOf("Study lr: workload w"));
        assertThat(v).singleElement().satisfies(w -> assertThat(w.workload()).isEqualTo("w"));
        Verdict.Protocol first = v.get(0).protocols().get(0);
        assertThat(first.violated()).singleElement().satisfies(c -> {
            assertThat(c.subset()).isEqualTo("sgd");
            assertThat(c.superset()).isEqualTo("momentum");
        });
        assertThat(v.get(0).protocols().get(1).violated()).isEmpty();
        assertThat(v.get(0).protocols().get(1).inclusion()).singleElement().satisfies(c -> assertThat(c.consistent()).isTrue());
        assertThat(v.get(0).significantFlips()).singleElement().satisfies(f -> {
            assertThat(f.protocolA()).isEqualTo("lr-only");
            assertThat(f.protocolB()).isEqualTo("full");
        });
    }

    @Test
    void aLeaderOverlappingEveryoneIsNoClearWinnerWhenTheRanksStillDiffer() {
        // a overlaps b and c, but b and c do not overlap each other: c ranks below, so "all tie" would be false
        RankEntry a = new RankEntry("a", 1, 0.10, 0.08, 0.20, List.of("b", "c"));
        RankEntry b = new RankEntry("b", 1, 0.12, 0.09, 0.14, List.of("a"));
        RankEntry c = new RankEntry("c", 2, 0.18, 0.15, 0.22, List.of("a"));
        assertThat(Verdict.rankingSentence(List.of(a, b, c), a, false)).startsWith(
                "No clear winner: a has the lowest median, but its 5–95% interval overlaps every other optimizer's."
                        + " Ranks (optimizers whose intervals overlap share a rank): rank 1: a, b (tied); rank 2: c.");
        RankEntry c1 = new RankEntry("c", 1, 0.13, 0.09, 0.22, List.of("a", "b"));
        assertThat(Verdict.rankingSentence(List.of(a, b, c1), a, false)).startsWith("No winner: all 3 optimizers tie");
    }
}
