#!/usr/bin/env bash
# Reproduces every wall-clock timing that README.md and docs/ quote, with min/median/max over repeats,
# and prints the table they were copied from. Run it on an otherwise idle machine:
#   benchmarks/measure.sh [REPEATS]            (default 3; each repeat is a fresh JVM)
# What it times (all through the ./parity launcher, so JVM start and native loads are included):
#   check-cold     parity check on avgpool_ceil, after the engine cache (~/.djl.ai) was emptied
#   check-warm     the same check again (libtorch already unpacked), sandboxed worker (the default)
#   check-inproc   the same check with --in-process (no worker)
#   run-G-wN       parity run --generation G with N workers (0: in-process), every pair; pairs/min
#   report         parity report on the last run folder (HTML, Markdown, JUnit)
# Writes the table to stdout and the raw seconds to $OUT/raw.tsv (OUT: .cache/measure by default).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPEATS="${1:-3}"
OUT="${MEASURE_OUT:-$ROOT/.cache/measure}"
GENERATIONS="${MEASURE_GENERATIONS:-$(ls "$ROOT/model-corpus/models/mlp/exports" | tr '\n' ' ')}"
WORKERS="${MEASURE_WORKERS:-0 1 2}"
P="$ROOT/parity"
mkdir -p "$OUT"
: > "$OUT/raw.tsv"
"$P" --version >/dev/null   # build first, outside the timings
M="$ROOT/model-corpus/models/avgpool_ceil"
CHECK=(check --torch "$M/reference.pt" --reference64 "$M/reference64.pt" --onnx "$M/exports/torch-1.13.1/opset13.onnx")

# seconds of one command (its exit status 0 or 1 is fine: 1 is a verdict, not a failure)
timed() {
  local name="$1"; shift
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  "$@" > "$OUT/last.out" 2> "$OUT/last.err" || rc=$?
  t1=$(date +%s.%N)
  if [ "$rc" -gt 1 ]; then echo "measure: $name exited $rc: $(tail -1 "$OUT/last.err")" >&2; exit "$rc"; fi
  printf '%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >> "$OUT/raw.tsv"
}

CACHE="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
# an interrupted cold measurement must not leave the engine cache moved away
trap 'if [ -d "$CACHE.measure-saved" ]; then rm -rf "$CACHE"; mv "$CACHE.measure-saved" "$CACHE"; fi' EXIT
for ((i = 0; i < REPEATS; i++)); do
  if [ -d "$CACHE" ]; then mv "$CACHE" "$CACHE.measure-saved"; fi
  timed check-cold "$P" "${CHECK[@]}"
  rm -rf "$CACHE"; if [ -d "$CACHE.measure-saved" ]; then mv "$CACHE.measure-saved" "$CACHE"; fi
  timed check-warm "$P" "${CHECK[@]}"
  timed check-inproc "$P" "${CHECK[@]}" --in-process
  for g in $GENERATIONS; do
    for w in $WORKERS; do
      rm -rf "$OUT/run-$g-w$w"
      timed "run-$g-w$w" "$P" run --generation "$g" --workers "$w" --out "$OUT/run-$g-w$w"
      n=$(wc -l < "$OUT/run-$g-w$w/results.jsonl")
      printf 'pairs-%s\t%s\n' "run-$g-w$w" "$n" >> "$OUT/raw.tsv"
    done
  done
  last="$OUT/run-$(echo "$GENERATIONS" | awk '{print $1}')-w$(echo "$WORKERS" | awk '{print $1}')"
  timed report "$P" report "$last"
done

echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: benchmarks/measure.sh $REPEATS"
echo
echo "| timing | repeats | min s | median s | max s | pairs | pairs/min (median) |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' '
  $1 ~ /^pairs-/ { pairs[substr($1, 7)] = $2; next }
  { v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]; m = split(substr(v[k], 2), a, " ");
      for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
      med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
      p = (k in pairs) ? pairs[k] : "";
      ppm = (p != "") ? sprintf("%.0f", p * 60 / med) : "";
      printf "| %s | %d | %.2f | %.2f | %.2f | %s | %s |\n", k, m, a[1], med, a[m], p, ppm
    }
  }' "$OUT/raw.tsv"
