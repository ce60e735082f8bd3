/*
 * libmkl_cpu_dispatch.so: loaded by optbench (dev.optbench.train.NativeSetup) with RTLD_GLOBAL
 * before libtorch, so this definition comes first in symbol lookup and takes the place of
 * the one in oneMKL, which libtorch_cpu.so links statically and calls through its PLT.
 *
 * oneMKL asks this function whether the CPU is an Intel one and, when told no, runs its
 * generic AVX2-or-older code on any other x86-64 CPU whatever instructions it has. Answering
 * yes makes it choose its code path from the CPU's feature flags instead, as it does on Intel
 * CPUs: on the AMD EPYC (Zen 5, AVX-512) of the development machine, single-thread sgemm at
 * 128x784x256 went from 77 to 192 GFLOP/s and vsSqrt from 0.56 to 0.12 ns per float.
 * Build: src/main/c/build.sh (writes the copy under src/main/resources).
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
