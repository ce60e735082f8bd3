package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optbench.bench.PeerSetup;
import dev.optbench.bench.TorchPeer;
import dev.optbench.layout.Layout;
import dev.optbench.layout.LayoutTable;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTablesTest {
    @Test
    void textTablePadsColumnsAndRightAlignsNumbers() {
        String t = new TextTable(List.of("workload", "layout", "steps/s"),
                List.of(List.of("fmnist_mlp", "2p×1t", "447.5"), List.of("a", "1p×2t", "86.0"))).render();
        assertThat(t).isEqualTo("""
                workload    layout  steps/s
                fmnist_mlp  2p×1t     447.5
                a           1p×2t      86.0
                """);
        assertThatThrownBy(() -> new TextTable(List.of("a", "b"), List.of(List.of("1"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(TextTable.numeric("1.00")).isTrue();
        assertThat(TextTable.numeric("-")).isTrue();
        assertThat(TextTable.numeric("2p×1t")).isFalse();
        assertThat(TextTable.numeric("torch 1.13")).isFalse();
    }

    @Test
    void layoutTableMarksTheChosenRow() {
        LayoutTable t = new LayoutTable("h", "fmnist_mlp", 2, Instant.parse("2026-12-01T00:00:00Z"), "bench layout",
                List.of(new LayoutTable.Entry(new Layout(1, 1, 1), 364.04), new LayoutTable.Entry(new Layout(2, 1, 1), 467.0)));
        assertThat(BenchLayoutCommand.render(t, new Layout(2, 1, 1))).isEqualTo("""
                workload    workers×threads×batch  trial-steps/s  chosen
                fmnist_mlp                  1×1×1          364.0
                fmnist_mlp                  2×1×1          467.0  *
                """);
    }

    @Test
    void benchTrainComparesTheBestDjlRunWithTheBestOneProcessPeer() {
        PeerSetup any = new PeerSetup("1.13", 1, java.util.Map.of(), "generic", List.of());
        var l11 = new TorchPeer.PeerLayout(1, 1);
        var l12 = new TorchPeer.PeerLayout(1, 2);
        var l21 = new TorchPeer.PeerLayout(2, 1);
        java.util.function.BiFunction<TorchPeer.PeerLayout, Double, TorchPeer.Result> r =
                (l, v) -> new TorchPeer.Result(l, v, List.of(v), List.of(any));
        String t = BenchTrainCommand.render(List.of("fmnist_mlp", "lm_transformer"), List.of(1, 2), List.of(l11, l12, l21),
                java.util.Map.of("fmnist_mlp/1", 364.0, "fmnist_mlp/2", 209.0, "lm_transformer/1", 10.0),
                java.util.Map.of("fmnist_mlp/1p×1t", r.apply(l11, 440.0), "fmnist_mlp/1p×2t", r.apply(l12, 86.0),
                        "fmnist_mlp/2p×1t", r.apply(l21, 890.0)));
        // 364 / 440 = 0.83: the 2-process sum is not a one-run figure
        assertThat(t).isEqualTo("""
                workload        DJL 1p×1t  DJL 1p×2t  PyTorch 1p×1t  PyTorch 1p×2t  PyTorch 2p×1t (sum)  DJL/PyTorch
                fmnist_mlp         364.00     209.00         440.00          86.00               890.00         0.83
                lm_transformer      10.00          -              -              -                    -            -
                """);
    }


    /** The peer's rounds merge the same way: its median round decides. */
    @Test
    void peerRoundsMergeIntoTheirMedian() {
        TorchPeer.PeerLayout p = new TorchPeer.PeerLayout(2, 1);
        List<TorchPeer.Result> peer = List.of(new TorchPeer.Result(p, 9, List.of(), List.of()),
                new TorchPeer.Result(p, 3, List.of(), List.of()), new TorchPeer.Result(p, 5, List.of(), List.of()),
                new TorchPeer.Result(p, 7, List.of(), List.of()));
        assertThat(BenchTrialsCommand.medianResult(peer).value()).isEqualTo(5);
        assertThat(BenchTrialsCommand.medianResult(peer.subList(0, 3)).value()).isEqualTo(5);
        CliRun none = CliRun.of("bench", "trials", "--rounds", "0", "--no-torch");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err().strip()).isEqualTo("optbench: --rounds must be at least 1, not 0");
    }
}
