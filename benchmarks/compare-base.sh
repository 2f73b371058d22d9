#!/usr/bin/env bash
# Throughput of `parity run` in this checkout against a base commit, measured in the same session:
#   benchmarks/compare-base.sh BASE_REF [REPEATS]     (REPEATS default 3; each repeat is a fresh JVM per side)
# Builds BASE_REF in a git worktree under .cache/compare-base/<commit> (once), then runs base and this
# checkout alternately (base, new, base, new, ...) for every worker count, so that both see the same
# machine load, on the same corpus (this checkout's model-corpus/, unless COMPARE_CORPUS names another).
# Prints one table per side (min/median/max seconds, pairs, pairs/min of the median, the 1-minute load
# average read before each run), the factor per worker count (median pairs/min, new over base) and
# whether both sides gave every pair the same outcome and verdict.
# Settings (environment):
#   COMPARE_WORKERS     worker counts to measure (default "1 0 2"; 1 is the main job's default)
#   COMPARE_GENERATION  the generation to run (default: the manifest's, as ./parity run does)
#   COMPARE_CORPUS      corpus folder for both sides (default: this checkout's model-corpus)
#   COMPARE_OUT         where run folders and raw.tsv go (default .cache/compare)
# Run it on an otherwise idle machine for figures to quote; under load the factor still compares like
# with like, but say so beside it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: benchmarks/compare-base.sh BASE_REF [REPEATS]" >&2
  exit 2
fi
BASE_REF="$1"
REPEATS="${2:-3}"
WORKERS="${COMPARE_WORKERS:-1 0 2}"
CORPUS="${COMPARE_CORPUS:-$ROOT/model-corpus}"
OUT="${COMPARE_OUT:-$ROOT/.cache/compare}"
BASE_COMMIT="$(git -C "$ROOT" rev-parse --verify "$BASE_REF^{commit}")"
NEW_COMMIT="$(git -C "$ROOT" rev-parse HEAD)"
BASE="$ROOT/.cache/compare-base/${BASE_COMMIT:0:12}"
if [ ! -d "$BASE" ]; then
  mkdir -p "$(dirname "$BASE")"
  git -C "$ROOT" worktree add --detach "$BASE" "$BASE_COMMIT" >&2
fi
GEN_ARGS=()
if [ -n "${COMPARE_GENERATION:-}" ]; then GEN_ARGS=(--generation "$COMPARE_GENERATION"); fi
echo "compare: building base ${BASE_COMMIT:0:12} and this checkout (${NEW_COMMIT:0:12}$(git -C "$ROOT" diff --quiet HEAD || echo ', with uncommitted changes')) ..." >&2
"$BASE/parity" --version >/dev/null
"$ROOT/parity" --version >/dev/null
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
: > "$RAW"

# one timed run: side, workers, repeat; appends "side workers seconds pairs load1" to raw.tsv
timed_run() {
  local side="$1" w="$2" i="$3" dir launcher t0 t1 rc=0 load
  if [ "$side" = base ]; then launcher="$BASE/parity"; else launcher="$ROOT/parity"; fi
  dir="$OUT/$side-w$w-$i"
  rm -rf "$dir"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s.%N)
  "$launcher" run --corpus "$CORPUS" ${GEN_ARGS[@]+"${GEN_ARGS[@]}"} --workers "$w" --out "$dir" \
    > "$OUT/last.out" 2> "$OUT/last.err" || rc=$?
  t1=$(date +%s.%N)
  if [ "$rc" -gt 1 ]; then
    echo "compare: $side run --workers $w exited $rc: $(tail -1 "$OUT/last.err")" >&2
    echo "compare: a base that cannot read this corpus can run on its own: COMPARE_CORPUS=$BASE/model-corpus" >&2
    exit "$rc"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$side" "$w" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
    "$(wc -l < "$dir/results.jsonl")" "$load" >> "$RAW"
}

for ((i = 0; i < REPEATS; i++)); do
  for w in $WORKERS; do
    timed_run base "$w" "$i"
    timed_run new "$w" "$i"
  done
done

echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "command: benchmarks/compare-base.sh $BASE_REF $REPEATS   (COMPARE_WORKERS=\"$WORKERS\", corpus $CORPUS)"
echo "base ${BASE_COMMIT:0:12}, new ${NEW_COMMIT:0:12}; runs alternate base/new; load = 1-minute load average before each run"
echo
awk -F'\t' '
  function median(s,   a, m, x, y, t) {
    m = split(substr(s, 2), a, " ")
    for (x = 1; x <= m; x++) for (y = x + 1; y <= m; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
    lo = a[1]; hi = a[m]; n = m
    return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  {
    k = $1 "\t" $2
    sec[k] = sec[k] " " $3; pairs[k] = $4; ld[k] = ld[k] " " $5
    if (!($2 in seenw)) { seenw[$2] = 1; ws[++nw] = $2 }
  }
  END {
    print "| side | workers | repeats | min s | median s | max s | pairs | pairs/min (median) | load (min..median..max) |"
    print "|---|---|---|---|---|---|---|---|---|"
    for (s = 1; s <= 2; s++) {
      side = (s == 1) ? "base" : "new"
      for (i = 1; i <= nw; i++) {
        k = side "\t" ws[i]; if (!(k in sec)) continue
        med = median(sec[k]); smin = lo; smax = hi; reps = n
        lmed = median(ld[k]); lmin = lo; lmax = hi
        ppm[k] = pairs[k] * 60 / med
        printf "| %s | %s | %d | %.2f | %.2f | %.2f | %d | %.0f | %.2f..%.2f..%.2f |\n", side, ws[i], reps, smin, med, smax, pairs[k], ppm[k], lmin, lmed, lmax
      }
    }
    print ""
    print "| workers | base pairs/min | new pairs/min | factor (new/base, medians) |"
    print "|---|---|---|---|"
    for (i = 1; i <= nw; i++) {
      b = "base\t" ws[i]; m = "new\t" ws[i]
      if ((b in ppm) && (m in ppm)) printf "| %s | %.0f | %.0f | **%.2fx** |\n", ws[i], ppm[b], ppm[m], ppm[m] / ppm[b]
    }
  }' "$RAW"
echo
# the same verdicts on both sides: every pair's outcome and verdict, last repeat of each worker count
for w in $WORKERS; do
  i=$((REPEATS - 1))
  python3 - "$OUT/base-w$w-$i/results.jsonl" "$OUT/new-w$w-$i/results.jsonl" "$w" <<'PY'
import json, sys
def load(f):
    out = {}
    for line in open(f):
        r = json.loads(line)
        out[r["key"]] = (r["outcome"], r["verdict"])
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
if diff:
    print(f"verdicts, --workers {sys.argv[3]}: {len(diff)} of {len(a | b)} pairs differ: " + "; ".join(
        f"{k}: base {a.get(k)}, new {b.get(k)}" for k in diff[:10]))
else:
    print(f"verdicts, --workers {sys.argv[3]}: identical outcome and verdict on all {len(a)} pairs")
PY
done
