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
# Optional rows, each behind a flag (slower, or needing more than the committed corpus):
#   MEASURE_OPTPROBE=1  opt-probe-on / opt-probe-off: check of the discrepant digits_cnn_avgpool_ceil
#                       with and without the optimisation probe (docs/check.md)
#   MEASURE_LOCALIZE=1  zero-tol-regnet_y / zero-tol-regnet_y-localize: regnet_y in tolerance mode with
#                       zero tolerances (every output discrepant, so localization runs), in-process (so
#                       that the peak RSS is the check's), without and with --localize; run-localize: parity run --localize --workers 0, whose records give
#                       each pair's localization time (docs/localization.md)
#   MEASURE_FULL=1      corpus-build-full and run-full: the full-size corpus built from scratch (needs
#                       Debian's python3-torch, python3-torchvision, python3-onnx; its transformers/timm
#                       part the torch-2.13 venv, ~11 GB) and checked by parity run --corpus full, and
#                       run-full-torch-2.13-legacy/-dynamo where that part was built (docs/corpus.md)
# Settings: MEASURE_WORKERS (default "0 1 2"), MEASURE_GENERATIONS (default: every committed one).
# check-cold moves DJL's engine cache away for a moment: on a machine others use, give this script a
# cache of its own (DJL_CACHE_DIR=$PWD/.cache/djl; DJL, the launcher and the workers' sandbox read it).
# Peak RSS (largest over repeats) comes from /usr/bin/time where it is installed; it is the launcher's
# JVM alone: a worker's memory is not in it, so compare it only between in-process rows. Also prints the exporter time that the provenance files record per generation.
# Writes the table to stdout and the raw figures to $OUT/raw.tsv (OUT: .cache/measure by default).
# benchmarks/compare-base.sh measures parity run against a base commit (pairs/min factor).
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
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
M="$ROOT/model-corpus/models/avgpool_ceil"
CHECK=(check --torch "$M/reference.pt" --reference64 "$M/reference64.pt" --onnx "$M/exports/torch-1.13.1/opset13.onnx")
D="$ROOT/model-corpus/models/digits_cnn_avgpool_ceil"
DIGITS=(check --torch "$D/reference.pt" --reference64 "$D/reference64.pt" --onnx "$D/exports/torch-1.13.1/opset13.onnx")
R="$ROOT/model-corpus/models/regnet_y"
ZERO_TOL=(check --in-process --torch "$R/reference.pt" --onnx "$R/exports/torch-1.13.1/opset13.onnx" --atol 0 --rtol 0
  --noise-factor 0)
TIME=""
if [ -x /usr/bin/time ]; then TIME=/usr/bin/time; fi

# seconds (and peak RSS) of one command (its exit status 0 or 1 is fine: 1 is a verdict, not a failure)
timed() {
  local name="$1"; shift
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  if [ -n "$TIME" ]; then
    "$TIME" -f '%M' -o "$OUT/last.rss" "$@" > "$OUT/last.out" 2> "$OUT/last.err" || rc=$?
  else
    "$@" > "$OUT/last.out" 2> "$OUT/last.err" || rc=$?
  fi
  t1=$(date +%s.%N)
  if [ "$rc" -gt 1 ]; then echo "measure: $name exited $rc: $(tail -1 "$OUT/last.err")" >&2; exit "$rc"; fi
  printf '%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" >> "$OUT/raw.tsv"
  if [ -n "$TIME" ]; then printf 'rss-%s\t%s\n' "$name" "$(tail -1 "$OUT/last.rss")" >> "$OUT/raw.tsv"; fi
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
  if [ "${MEASURE_OPTPROBE:-0}" = 1 ]; then
    timed opt-probe-on "$P" "${DIGITS[@]}"
    timed opt-probe-off "$P" "${DIGITS[@]}" --no-opt-probe
  fi
  if [ "${MEASURE_LOCALIZE:-0}" = 1 ]; then
    timed zero-tol-regnet_y "$P" "${ZERO_TOL[@]}"
    timed zero-tol-regnet_y-localize "$P" "${ZERO_TOL[@]}" --localize "$R/probe.pt"
    rm -rf "$OUT/run-localize"
    timed run-localize "$P" run --localize --workers 0 --out "$OUT/run-localize"
  fi
  if [ "${MEASURE_FULL:-0}" = 1 ]; then
    rm -rf "$ROOT/.cache/full-corpus"
    timed corpus-build-full "$P" corpus build --full
    rm -rf "$OUT/run-full"
    timed run-full "$P" run --corpus full --out "$OUT/run-full"
    printf 'pairs-run-full\t%s\n' "$(wc -l < "$OUT/run-full/results.jsonl")" >> "$OUT/raw.tsv"
    # the transformers/timm part, built when the torch-2.13 venv exists
    for g in torch-2.13-legacy torch-2.13-dynamo; do
      if grep -q "\"$g\"" "$ROOT/.cache/full-corpus/manifest.json"; then
        rm -rf "$OUT/run-full-$g"
        timed "run-full-$g" "$P" run --corpus full --generation "$g" --out "$OUT/run-full-$g"
        printf 'pairs-run-full-%s\t%s\n' "$g" "$(wc -l < "$OUT/run-full-$g/results.jsonl")" >> "$OUT/raw.tsv"
      fi
    done
  fi
done

echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), load before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $(for v in MEASURE_WORKERS MEASURE_GENERATIONS MEASURE_OPTPROBE MEASURE_LOCALIZE MEASURE_FULL; do
  if [ -n "${!v:-}" ]; then printf '%s="%s" ' "$v" "${!v}"; fi; done)benchmarks/measure.sh $REPEATS"
echo
echo "| timing | repeats | min s | median s | max s | pairs | pairs/min (median) | peak RSS MB (launcher JVM) |"
echo "|---|---|---|---|---|---|---|---|"
awk -F'\t' '
  $1 ~ /^pairs-/ { pairs[substr($1, 7)] = $2; next }
  $1 ~ /^rss-/ { k = substr($1, 5); if ($2 + 0 > rss[k] + 0) rss[k] = $2; next }
  { v[$1] = v[$1] " " $2; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    for (i = 1; i <= n; i++) {
      k = order[i]; m = split(substr(v[k], 2), a, " ");
      for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
      med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
      p = (k in pairs) ? pairs[k] : "";
      ppm = (p != "") ? sprintf("%.0f", p * 60 / med) : "";
      mb = (k in rss) ? sprintf("%.0f", rss[k] / 1024) : "";
      printf "| %s | %d | %.2f | %.2f | %.2f | %s | %s | %s |\n", k, m, a[1], med, a[m], p, ppm, mb
    }
  }' "$OUT/raw.tsv"
echo
python3 - "$ROOT/model-corpus" "$OUT" "${MEASURE_LOCALIZE:-0}" <<'PY'
import glob, json, os, statistics, sys
corpus, out, localize = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
# what the exporters took, as every provenance file records it (export_seconds): the corpus build's figures
total, count = {}, {}
for f in sorted(glob.glob(os.path.join(corpus, "models", "*", "exports", "*", "provenance.json"))):
    g = f.split(os.sep)[-2]
    for e in (json.load(open(f)).get("exports") or {}).values():
        if e.get("export_seconds") is not None:
            total[g] = total.get(g, 0) + e["export_seconds"]
            count[g] = count.get(g, 0) + 1
print("exporter time recorded in provenance (export_seconds summed): " + ", ".join(
    f"{g} {total[g]:.1f} s over {count[g]} configurations" for g in sorted(total)))
if localize:
    secs = []
    for line in open(os.path.join(out, "run-localize", "results.jsonl")):
        r = json.loads(line)
        s = (r.get("stages") or {}).get("localize")
        if s is not None:
            secs.append((s, r["key"]))
    if secs:
        v = sorted(x for x, _ in secs)
        print(f"localization per pair (run-localize, last repeat, stage 'localize'): {len(v)} pairs, min {v[0]:.2f} s, "
              f"median {statistics.median(v):.2f} s, max {v[-1]:.2f} s ({max(secs)[1]})")
PY
