#!/usr/bin/env bash
# The GPU check (issue 15), in one call of the device tool, in at most 5 minutes:
#
#   benchmarks/device/check.sh            on the lent GPU machine, from the folder pack.sh made
#                                         (carry [".device"]); results in $OUT
#   benchmarks/device/check.sh --cpu      the rehearsal on a machine without a GPU: the same
#                                         script with CPU back ends, from a copy of exactly what
#                                         would travel, in a clean environment (no repository
#                                         node_modules, no system node); results in
#                                         tmp/device-check-cpu/ (or $OUT)
#
# Writes $OUT/gpu-check.json after every result (a run cut off at the tool's limit still returns
# what it measured) and $OUT/check.log, and ends with a one-screen summary. Each part runs in a
# process of its own with a time limit: one that fails (no adapter, a missing kernel) records its
# error and the rest runs. Exit status 0 only when every part ran and every parity check passed.
#
# Environment: MGTA_CHECK_BUDGET_S (default: what is left of 295 s after unpacking),
# MGTA_CHECK_PROFILE (paper on the GPU, small for --cpu; see src/profiles.ts).
set -uo pipefail
SELF=$(readlink -f "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$SELF")/../.." && pwd)
PACK="$ROOT/.device"
mode=gpu
[ "${1:-}" = "--cpu" ] && mode=cpu
say() { echo "[check.sh $(date +%H:%M:%S) +${SECONDS}s] $*" >&2; }

[ -f "$PACK/pack.json" ] || { echo "check.sh: $PACK/pack.json is missing: run benchmarks/device/pack.sh first" >&2; exit 1; }

# The rehearsal starts over in a copy of what travels (tracked + untracked-not-ignored files, and
# the carried .device), under env -i, so that nothing of this machine's setup can stand in for
# something the pack lacks.
if [ "$mode" = cpu ] && [ "${MGTA_CHECK_CLEAN:-}" != 1 ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mgta-rehearsal.XXXXXX")
  mkdir -p "$tmp/repo" "$tmp/home"
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$tmp/repo" -xf -
  cp -r "$PACK" "$tmp/repo/.device"
  out="${OUT:-$ROOT/tmp/device-check-cpu}"
  mkdir -p "$out"
  say "rehearsal in $tmp/repo, results in $out"
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$tmp/home" TMPDIR="$tmp" LANG=C.UTF-8 \
    OUT="$out" MGTA_CHECK_CLEAN=1 ${MGTA_CHECK_BUDGET_S:+MGTA_CHECK_BUDGET_S=$MGTA_CHECK_BUDGET_S} ${MGTA_CHECK_PROFILE:+MGTA_CHECK_PROFILE=$MGTA_CHECK_PROFILE} \
    bash "$tmp/repo/benchmarks/device/check.sh" --cpu
  rc=$?
  rm -rf "$tmp"
  exit $rc
fi

OUT="${OUT:-$ROOT/tmp/device-check}"
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mgta-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

say "unpacking node and node_modules into $WORK"
xz -dc "$PACK/node.xz" >"$WORK/node" && chmod +x "$WORK/node" || { echo "check.sh: cannot unpack node" >&2; exit 1; }
for part in "$PACK"/*.tar.xz; do tar -C "$WORK" -xJf "$part" || { echo "check.sh: cannot unpack $part" >&2; exit 1; }; done
cp -r "$PACK/check" "$WORK/check"
say "node $("$WORK/node" --version)"

if [ "$mode" = gpu ]; then
  # Dawn and ORT's webgpu EP reach the NVIDIA driver through the Vulkan loader, which the image lacks.
  if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
    for deb in "$PACK"/vulkan/*.deb; do dpkg -x "$deb" / || say "dpkg -x $deb failed"; done
    ldconfig
  fi
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ] && export VK_DRIVER_FILES="$icd"
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv,noheader >&2
else
  # Nothing above the bundle may hold a node_modules: packages must come from the pack alone.
  for dir in "$WORK/.." "$WORK/../.." /; do
    [ -d "$dir/node_modules" ] && { echo "check.sh: $(readlink -f "$dir")/node_modules would stand in for the pack" >&2; exit 1; }
  done
  # The Vulkan debs are only unpacked into / on the GPU machine; here, check that they unpack.
  for deb in "$PACK"/vulkan/*.deb; do dpkg -x "$deb" "$WORK/vulkan" || { echo "check.sh: $deb does not unpack" >&2; exit 1; }; done
  ls "$WORK"/vulkan/usr/lib/x86_64-linux-gnu/libvulkan.so.1 >/dev/null || { echo "check.sh: the Vulkan debs hold no libvulkan.so.1" >&2; exit 1; }
fi

budget="${MGTA_CHECK_BUDGET_S:-$((295 - SECONDS))}"
say "running the check ($mode mode, budget ${budget} s)"
cd "$ROOT"
"$WORK/node" "$WORK/check/check.js" run --mode "$mode" ${MGTA_CHECK_PROFILE:+--profile "$MGTA_CHECK_PROFILE"} \
  --out "$OUT" --presets "$ROOT/benchmarks/presets" --pack "$PACK/pack.json" --budget "$budget"
rc=$?
say "done (exit $rc); $OUT/gpu-check.json"
exit $rc
