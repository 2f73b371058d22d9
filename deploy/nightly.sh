#!/usr/bin/env bash
# The nightly run on one machine, without a cluster: every shard as a local process (in parallel),
# then the merge and the report, as the Kubernetes Indexed Job and its merge Job do.
#   deploy/nightly.sh [SHARDS] [extra parity run flags...]
# On a machine without a GPU it uses the CPU placements only; PARITY_MATRIX overrides the matrix.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARDS="${1:-3}"; shift || true
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="${PARITY_NIGHTLY_OUT:-$ROOT/runs/nightly-$STAMP}"
if [ -z "${PARITY_MATRIX:-}" ]; then
  if "$ROOT/parity" doctor | grep -q "ready for CPU and GPU runs"; then
    PARITY_MATRIX="onnx:cpu:opt=disabled,onnx:cpu,onnx:cuda"
  else
    PARITY_MATRIX="onnx:cpu:opt=disabled,onnx:cpu"
  fi
fi
"$ROOT/parity" --version >/dev/null   # build once before the shards start in parallel
pids=()
for ((k = 0; k < SHARDS; k++)); do
  "$ROOT/parity" run --shard "$k/$SHARDS" --matrix "$PARITY_MATRIX" --out "$OUT/shard-$k" "$@" \
    > "$OUT.shard-$k.log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do
  wait "$p" || { rc=$?; [ "$rc" -le 1 ] || status=$rc; }
done
[ "$status" -eq 0 ] || { echo "nightly: a shard failed (exit $status); see $OUT.shard-*.log" >&2; exit "$status"; }
"$ROOT/parity" merge "$OUT"/shard-* --out "$OUT/merged" --history "$ROOT/runs/history.sqlite"
