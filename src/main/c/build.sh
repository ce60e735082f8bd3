#!/usr/bin/env bash
# Rebuilds the bundled libmkl_cpu_dispatch.so (x86-64 Linux); the jar carries the built copy,
# so neither Maven nor a user's machine needs a C compiler.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/../resources/dev/optbench/native/linux-x86_64/libmkl_cpu_dispatch.so"
mkdir -p "$(dirname "$out")"
${CC:-cc} -shared -fPIC -O2 -nostdlib -Wl,-s -Wl,--build-id=none -o "$out" "$here/mkl_cpu_dispatch.c"
sha256sum "$out"
