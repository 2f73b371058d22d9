#!/usr/bin/env bash
# The nightly run on one machine, without a cluster: every shard as a local process (in parallel),
# then the merge and the report, as the Kubernetes Indexed Job and its merge Job do.
#   deploy/nightly.sh [SHARDS] [extra parity run flags...]
# On a machine without a GPU it uses the CPU placements only; PARITY_MATRIX overrides the matrix.
# PARITY_NIGHTLY_OUT (default runs/nightly-<time>) and PARITY_HISTORY (default runs/history.sqlite)
# say where results go; PARITY_BIN is the parity command (default: the launcher beside this folder).
# Exit: the merge's (0 every pair as expected, 1 some pair not), or 2+ when a shard or the merge
# could not run at all. A shard that failed is rerun once with the same command (it resumes), and if
# it still fails the merge records its missing pairs (--allow-partial) so a report always appears.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PARITY="${PARITY_BIN:-$ROOT/parity}"
SHARDS="${1:-3}"; shift || true
case "$SHARDS" in ''|*[!0-9]*|0) echo "nightly: SHARDS must be a positive integer, got '$SHARDS'" >&2; exit 2;; esac
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${PARITY_NIGHTLY_OUT:-$ROOT/runs/nightly-$STAMP}"
HISTORY="${PARITY_HISTORY:-$ROOT/runs/history.sqlite}"
mkdir -p "$OUT/logs" "$(dirname "$HISTORY")"
if [ -z "${PARITY_MATRIX:-}" ]; then
  if $PARITY doctor | grep -q "ready for CPU and GPU runs"; then
    PARITY_MATRIX="onnx:cpu:opt=disabled,onnx:cpu,onnx:cuda"
  else
    PARITY_MATRIX="onnx:cpu:opt=disabled,onnx:cpu"
  fi
fi
$PARITY --version >/dev/null   # build once before the shards start in parallel

shard() {  # the same command every time: a rerun resumes where the last one stopped
  $PARITY run --shard "$1/$SHARDS" --matrix "$PARITY_MATRIX" --out "$OUT/shard-$1" "${@:2}" \
    >> "$OUT/logs/shard-$1.log" 2>&1
}
pids=()
for ((k = 0; k < SHARDS; k++)); do
  shard "$k" "$@" &
  pids+=($!)
done
failed=()
for k in "${!pids[@]}"; do
  rc=0; wait "${pids[$k]}" || rc=$?
  [ "$rc" -le 1 ] || failed+=("$k")   # 0/1: finished (1: some pair not as expected); more: did not finish
done
partial=()
for k in "${failed[@]}"; do
  echo "nightly: shard $k did not finish; rerunning it (it resumes)" >&2
  rc=0; shard "$k" "$@" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "nightly: shard $k failed again (exit $rc); see $OUT/logs/shard-$k.log" >&2
    partial=(--allow-partial)
  fi
done
rc=0
$PARITY merge "$OUT"/shard-* --out "$OUT/merged" --history "$HISTORY" "${partial[@]}" || rc=$?
echo "nightly: merged run in $OUT/merged (exit $rc)" >&2
if [ "${#partial[@]}" -gt 0 ] && [ "$rc" -le 1 ]; then
  exit 3
fi
exit "$rc"
