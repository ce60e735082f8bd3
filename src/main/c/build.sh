#!/usr/bin/env bash
# Rebuilds the bundled native libraries (x86-64 Linux); the jar carries the built copies, so
# neither Maven nor a user's machine needs a C compiler.
#   libmkl_cpu_dispatch.so  oneMKL's code path by CPU features (train/NativeSetup)
#   libfused_updates.so     one-pass update rules (optim/FusedUpdates); one clone per ISA, picked at load
#   libnet_step.so        stacked MLP and CNN forward and backward around libtorch's sgemm (train/NativeNet)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here/../resources/dev/optbench/native/linux-x86_64"
mkdir -p "$dir"
${CC:-cc} -shared -fPIC -O2 -nostdlib -Wl,-s -Wl,--build-id=none -o "$dir/libmkl_cpu_dispatch.so" "$here/mkl_cpu_dispatch.c"
# -ffp-contract=off: no FMAs, so the arithmetic is the NDArray form's op for op;
# -fno-math-errno: sqrtf becomes the (correctly rounded) instruction, vectorized.
${CC:-cc} -shared -fPIC -O3 -fno-math-errno -ffp-contract=off -fno-trapping-math -static-libgcc \
    -Wl,-s -Wl,--build-id=none -o "$dir/libfused_updates.so" "$here/fused_updates.c"
${CC:-cc} -shared -fPIC -O3 -fno-math-errno -ffp-contract=off -fno-trapping-math -static-libgcc \
    -Wl,-s -Wl,--build-id=none -o "$dir/libnet_step.so" "$here/net_step.c" -ldl -lm
sha256sum "$dir"/*.so
