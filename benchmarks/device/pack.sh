#!/usr/bin/env bash
# Packs everything benchmarks/device/check.sh needs on the lent GPU machine (no Node.js, no
# registry there; see benchmarks/device/README.md) into one ignored folder, .device/:
#
#   node.xz              this machine's node binary, stripped, xz
#   onnxruntime.tar.xz   onnxruntime-node (+ common): the binding and libonnxruntime for linux x64
#   dawn.tar.xz          the webgpu package: dawn.node for linux x64
#   tfjs.tar.xz          tfjs, its wasm and webgpu back ends, their few dependencies (Node bundles only)
#   vulkan/*.deb         the Vulkan loader (apt-get download libvulkan1), unpacked there at run time
#   check/               the check, bundled by esbuild (no tsx, no TypeScript at run time)
#   pack.json            commit, sizes
#
# Left out on purpose: sharp (the check generates its inputs), tsx/esbuild (the bundle is plain
# JavaScript), weights (generated, seeded, on the device). Prints the size of each part, the
# total with the tracked tree, and the carry list; fails if it is over the 64 MiB limit.
#
#   benchmarks/device/pack.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PACK=.device
cd "$ROOT"

for tool in node xz tar git; do command -v "$tool" >/dev/null || { echo "pack.sh: $tool is needed" >&2; exit 1; }; done
[ -d node_modules/onnxruntime-node ] || { echo "pack.sh: run npm ci first (packages are copied from node_modules)" >&2; exit 1; }
# Carried paths must be ignored, or they would travel twice (as untracked files and as carry).
git check-ignore -q "$PACK/" || { echo "pack.sh: $PACK/ is not ignored by git (.gitignore)" >&2; exit 1; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/mgta-pack.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# Keep what is expensive to make and still valid: the compressed node of this very binary, the debs.
node_bin=$(readlink -f "$(command -v node)")
node_sum=$(sha256sum "$node_bin" | cut -d' ' -f1)
mkdir -p "$stage/keep"
if [ -f "$PACK/node.xz" ] && [ "$(cat "$PACK/node.sha256" 2>/dev/null)" = "$node_sum" ]; then
  mv "$PACK/node.xz" "$PACK/node.sha256" "$stage/keep/"
fi
[ -d "$PACK/vulkan" ] && mv "$PACK/vulkan" "$stage/keep/"
rm -rf "$PACK"
mkdir -p "$PACK"
mv "$stage/keep/"* "$PACK/" 2>/dev/null || true

echo "== check bundle"
node benchmarks/device/scripts/bundle.mjs "$PACK/check"

echo "== node $(node --version) ($node_bin)"
if [ ! -f "$PACK/node.xz" ]; then
  # Debian's node carries its debug info: stripped, it is 13 MB smaller and runs the same.
  if command -v strip >/dev/null; then strip -o "$stage/node" "$node_bin"; else cp "$node_bin" "$stage/node"; fi
  xz -9 -c "$stage/node" >"$PACK/node.xz.tmp"
  mv "$PACK/node.xz.tmp" "$PACK/node.xz"
  echo "$node_sum" >"$PACK/node.sha256"
else
  echo "   reused $PACK/node.xz (same binary)"
fi

echo "== node_modules"
node benchmarks/device/scripts/node-modules.mjs "$stage/modules"
dawn="$stage/modules/dawn/node_modules/webgpu/dist/linux-x64/dawn.node"
if command -v strip >/dev/null && [ -f "$dawn" ]; then strip --strip-unneeded "$dawn"; fi
for group in "$stage/modules"/*; do
  name=$(basename "$group")
  tar -C "$group" -cf - node_modules | xz -9 >"$PACK/$name.tar.xz"
done

echo "== Vulkan loader"
mkdir -p "$PACK/vulkan"
if ! ls "$PACK"/vulkan/libvulkan1_*.deb >/dev/null 2>&1; then
  # apt-get download writes into the current folder; it needs the package lists (apt-get update).
  (cd "$PACK/vulkan" && apt-get download libvulkan1) || { echo "pack.sh: apt-get download libvulkan1 failed (run apt-get update?)" >&2; exit 1; }
fi
ls "$PACK"/vulkan/

echo "== what travels"
node benchmarks/device/scripts/travel-size.mjs --carry "$PACK" --manifest "$PACK/pack.json"
echo
echo "On the GPU machine (device tool run): command \"bash benchmarks/device/check.sh\", carry [\"$PACK\"], timeout_s 360"
