package dev.optbench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PyTorch peer: its setup as the probe reports it, its layouts and the BLAS kernels it tries. */
class TorchPeerTest {

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
