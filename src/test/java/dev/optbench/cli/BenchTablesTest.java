package dev.optbench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
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

    private static PeerSetup setup(String json) throws Exception {
        return PeerSetup.fromJson(new ObjectMapper().readTree(json));
    }

    @Test
    void peerSetupReadsTheBlasFromTheMappedLibraries() throws Exception {
        PeerSetup openblas = setup("""
                {"torch": "1.13.0a0", "threads": 1, "interop_threads": 1,
                 "env": {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": null},
                 "blas_info": "generic",
                 "libraries": ["/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
                   "/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
                   "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so",
                   "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"]}""");
        assertThat(openblas.blas()).isEqualTo(new PeerSetup.Blas("OpenBLAS (pthread)",
                "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", false));
        assertThat(openblas.describe())
                .isEqualTo("torch 1.13.0a0, OpenBLAS (pthread), 1 thread, OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1");

        PeerSetup reference = setup("""
                {"torch": "1.13.0a0", "threads": 2, "env": {}, "blas_info": "generic",
                 "libraries": ["/usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0",
                   "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0",
                   "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0"]}""");
        assertThat(reference.blas().reference()).isTrue();
        assertThat(reference.blas().path()).isEqualTo("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
        assertThat(reference.describe()).isEqualTo("torch 1.13.0a0, reference BLAS, 2 threads");
        assertThat(PeerSetup.referenceWarning(reference.blas())).startsWith("WARNING: the PyTorch peer runs on the REFERENCE BLAS")
                .contains("apt-get install libopenblas0-pthread");

        PeerSetup wheel = setup("""
                {"torch": "2.7.1", "threads": 1, "env": {}, "blas_info": "mkl",
                 "libraries": ["/opt/venv/lib/python3.11/site-packages/torch/lib/libgomp-a34b3233.so.1"]}""");
        assertThat(wheel.blas()).isEqualTo(new PeerSetup.Blas("MKL", "linked into torch", false));
        PeerSetup openmp = setup("""
                {"torch": "2.1", "threads": 1, "env": {}, "blas_info": "open",
                 "libraries": ["/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"]}""");
        assertThat(openmp.blas().name()).isEqualTo("OpenBLAS (OpenMP)");
        assertThat(setup("{\"torch\": \"x\", \"libraries\": []}").blas().name()).isEqualTo("unknown BLAS (BLAS_INFO=?)");
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

    @Test
    void peerLayoutsAreOneByOneOneByTwoAndOnePerCore() {
        assertThat(TorchPeer.candidates(2)).containsExactly(new TorchPeer.PeerLayout(1, 1), new TorchPeer.PeerLayout(1, 2),
                new TorchPeer.PeerLayout(2, 1));
        assertThat(TorchPeer.candidates(1)).containsExactly(new TorchPeer.PeerLayout(1, 1));
        assertThat(new TorchPeer.PeerLayout(2, 1).describe()).isEqualTo("2 processes × 1 thread");
    }

    @Test
    void thePeerTriesTheOpenBlasKernelsItsCpuCanRun() {
        String zen5 = "flags : fpu sse2 avx fma avx2 avx512f avx512dq avx512_bf16 avx512vl";
        assertThat(TorchPeer.coreTypeCandidates(zen5)).containsExactly("SKYLAKEX", "COOPERLAKE", "HASWELL");
        assertThat(TorchPeer.coreTypeCandidates("flags : fpu sse2 avx fma avx2")).containsExactly("HASWELL");
        // a flag is a whole word: avx512fp16 alone is not avx512f
        assertThat(TorchPeer.coreTypeCandidates("flags : sse2 avx512fp16")).isEmpty();
    }
}
