#!/usr/bin/env bash
# Builds the bundled native libraries (x86-64 Linux); the jar carries the built copies, so
# neither Maven nor a user's machine needs a C compiler. .ci/native-check (run by .ci/run)
# rebuilds them and fails if a committed copy differs by one byte.
#   libmkl_cpu_dispatch.so  oneMKL's code path by CPU features (platform/NativeSetup)
#   libfused_updates.so     one-pass update rules (optim/FusedUpdates); one clone per ISA, picked at load
#   libnet_step.so        stacked MLP and CNN forward and backward around libtorch's sgemm (train/NativeNet)
#
# Usage: build.sh              rebuild the committed copies (src/main/resources/...)
#        build.sh --out DIR    build into DIR, leaving the tree alone
#        build.sh --check      build into a temporary directory and compare with the committed copies
#        build.sh --pinned     print the pinned Debian packages as name=version (for apt-get install)
#
# The pinned toolchain (the one place its versions are written): another gcc or binutils may
# emit other bytes, so the build refuses it (ALLOW_UNPINNED_CC=1 builds anyway, with a warning).
PINNED_GCC=12.2.0-14+deb12u1    # Debian 12's gcc-12
PINNED_BINUTILS=2.40-2          # Debian 12's binutils (as, ld)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
committed="$(cd "$here/../resources/dev/optbench/native/linux-x86_64" && pwd)"
libs=(libmkl_cpu_dispatch.so libfused_updates.so libnet_step.so)
CC="${CC:-gcc-12}"

usage() { echo "usage: build.sh [--out DIR | --check | --pinned]" >&2; exit 2; }
mode=build out="$committed"
case "${1:-}" in
  "") ;;
  --out) [ $# -eq 2 ] || usage; out="$2"; mkdir -p "$out"; out="$(cd "$out" && pwd)" ;;
  --check) [ $# -eq 1 ] || usage; mode=check ;;
  --pinned) [ $# -eq 1 ] || usage; echo "gcc-12=$PINNED_GCC binutils=$PINNED_BINUTILS"; exit 0 ;;
  *) usage ;;
esac

# The compiler says its Debian package version: "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0".
pinned() {
  local cc binutils
  cc="$("$CC" --version 2>/dev/null | head -n 1 || true)"
  binutils="$(dpkg-query -W -f='${Version}' binutils 2>/dev/null || echo "unknown (no dpkg)")"
  if [[ "$cc" != *"(Debian $PINNED_GCC) "* || "$binutils" != "$PINNED_BINUTILS" ]]; then
    echo "build.sh: the toolchain is '${cc:-no $CC}' with binutils $binutils, not the pinned Debian gcc-12 $PINNED_GCC" \
         "with binutils $PINNED_BINUTILS; install them (apt-get install gcc-12=$PINNED_GCC binutils=$PINNED_BINUTILS," \
         "as .ci/native-check does) or set CC to that compiler" >&2
    return 1
  fi
}
if ! pinned; then
  [ "${ALLOW_UNPINNED_CC:-}" = 1 ] || exit 1
  echo "build.sh: ALLOW_UNPINNED_CC=1: building anyway; the result will likely differ from the committed copies" >&2
fi

build() { # into directory $1
  "$CC" -shared -fPIC -O2 -nostdlib -Wl,-s -Wl,--build-id=none -o "$1/libmkl_cpu_dispatch.so" "$here/mkl_cpu_dispatch.c"
  # -ffp-contract=off: no FMAs, so the arithmetic is the NDArray form's op for op;
  # -fno-math-errno: sqrtf becomes the (correctly rounded) instruction, vectorized.
  "$CC" -shared -fPIC -O3 -fno-math-errno -ffp-contract=off -fno-trapping-math -static-libgcc \
      -Wl,-s -Wl,--build-id=none -o "$1/libfused_updates.so" "$here/fused_updates.c"
  "$CC" -shared -fPIC -O3 -fno-math-errno -ffp-contract=off -fno-trapping-math -static-libgcc \
      -Wl,-s -Wl,--build-id=none -o "$1/libnet_step.so" "$here/net_step.c" -ldl -lm
}

if [ "$mode" = build ]; then
  build "$out"
  (cd "$out" && sha256sum "${libs[@]}")
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
build "$tmp"
differ=0
for lib in "${libs[@]}"; do
  want="$(sha256sum < "$tmp/$lib" | cut -d' ' -f1)"
  have="$( [ -f "$committed/$lib" ] && sha256sum < "$committed/$lib" | cut -d' ' -f1 || echo missing)"
  if [ "$want" = "$have" ]; then
    echo "native-check: $lib $have matches its source"
  else
    echo "native-check: $lib differs from what its source builds to with gcc-12 $PINNED_GCC:" >&2
    echo "  committed $have  ${committed#"$(cd "$here/../../.." && pwd)/"}/$lib" >&2
    echo "  built     $want" >&2
    differ=1
  fi
done
extra="$(cd "$committed" && ls | grep -vxF -e "${libs[0]}" -e "${libs[1]}" -e "${libs[2]}" || true)"
if [ -n "$extra" ]; then
  echo "native-check: files build.sh does not build: $extra (remove them or add their build here)" >&2
  differ=1
fi
if [ "$differ" = 1 ]; then
  echo "native-check: rebuild with src/main/c/build.sh (pinned toolchain) and commit the .so files" >&2
  exit 1
fi
