package dev.optbench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one PyTorch-Python peer process ran, as bench/torch_trials.py reports it: torch version,
 * thread counts, the thread variables of its environment, torch's BLAS_INFO and the shared
 * libraries it mapped. The BLAS is read from the mapped libraries, since Debian's torch says
 * BLAS_INFO=generic whichever libblas.so.3 the alternatives system points at.
 */
public record PeerSetup(String torch, int threads, Map<String, String> env, String blasInfo, List<String> libraries) {
    public PeerSetup {
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        libraries = List.copyOf(libraries);
    }

    /** The BLAS a process used: a short name, the library's path, and whether it is the slow reference one. */
    public record Blas(String name, String path, boolean reference) {}

    static PeerSetup fromJson(JsonNode setup) {
        Map<String, String> env = new LinkedHashMap<>();
        setup.path("env").fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                env.put(e.getKey(), e.getValue().asText());
            }
        });
        List<String> libs = new ArrayList<>();
        setup.path("libraries").forEach(l -> libs.add(l.asText()));
        return new PeerSetup(setup.path("torch").asText("?"), setup.path("threads").asInt(0), env,
                setup.path("blas_info").asText("?"), libs);
    }

    /**
     * OpenBLAS, MKL, BLIS or ATLAS if one of them is mapped; a plain libblas.so.3 (Debian's
     * /usr/lib/x86_64-linux-gnu/blas/) is the netlib reference BLAS; with none mapped, torch's
     * own BLAS_INFO decides (mkl: linked in statically).
     */
    public Blas blas() {
        for (String[] kind : new String[][] {{"openblas", "OpenBLAS"}, {"libmkl", "MKL"}, {"blis", "BLIS"},
                {"atlas", "ATLAS"}}) {
            // the library named after the BLAS first (libopenblasp-r0.3.21.so), else any in its directory
            for (boolean byName : new boolean[] {true, false}) {
                for (String lib : libraries) {
                    String file = lib.substring(lib.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
                    String where = lib.substring(0, Math.max(0, lib.lastIndexOf('/'))).toLowerCase(java.util.Locale.ROOT);
                    if (byName ? file.contains(kind[0]) : where.contains(kind[0])) {
                        return new Blas(kind[1] + (kind[0].equals("openblas") ? variant(lib) : ""), lib, false);
                    }
                }
            }
        }
        for (String lib : libraries) {
            if (lib.substring(lib.lastIndexOf('/') + 1).startsWith("libblas.so")) {
                return new Blas("reference BLAS", lib, true);
            }
        }
        if (blasInfo.equalsIgnoreCase("mkl")) {
            return new Blas("MKL", "linked into torch", false);
        }
        return new Blas("unknown BLAS (BLAS_INFO=" + blasInfo + ")", "", false);
    }

    private static String variant(String lib) {
        return lib.contains("openblas-pthread") ? " (pthread)" : lib.contains("openblas-openmp") ? " (OpenMP)"
                : lib.contains("openblas-serial") ? " (serial)" : "";
    }

    /** "torch 1.13.0a0, OpenBLAS (pthread), 1 thread, OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1". */
    public String describe() {
        StringBuilder s = new StringBuilder("torch " + torch + ", " + blas().name() + ", " + threads + " thread"
                + (threads == 1 ? "" : "s"));
        env.forEach((k, v) -> s.append(s.indexOf("=") < 0 ? ", " : " ").append(k).append('=').append(v));
        return s.toString();
    }

    /** The loud warning printed above any figure measured with the reference BLAS. */
    public static String referenceWarning(Blas blas) {
        return "WARNING: the PyTorch peer runs on the REFERENCE BLAS (" + blas.path() + "), several times slower than "
                + "an optimized one, so these ratios flatter optbench. Install one: apt-get install libopenblas0-pthread "
                + "(or select it: update-alternatives --config libblas.so.3-x86_64-linux-gnu).";
    }
}
