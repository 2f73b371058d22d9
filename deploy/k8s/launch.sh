#!/usr/bin/env bash
# One nightly Parity run on a Kubernetes cluster:
#   deploy/k8s/launch.sh [RUN_ID]
# Applies the shard Job (nightly-shards.yaml) under one run id, waits until it is Complete or Failed
# (a failed index makes the Job Failed; `kubectl wait` takes one condition, so both are awaited),
# then applies the merge Job (nightly-merge.yaml) with the same run id, with --allow-partial when the
# shard Job failed, and waits for it. Exit: the merge Job's (0 every pair as expected, 1 otherwise).
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_ID="${1:-$(date -u +%Y%m%dt%H%M%Sz)}"
case "$RUN_ID" in *[!a-z0-9.-]*|'') echo "launch: RUN_ID must be lowercase letters, digits, '.' or '-'" >&2; exit 2;; esac
KUBECTL="${KUBECTL:-kubectl}"
TIMEOUT="${PARITY_K8S_TIMEOUT:-12h}"

render() { sed -e "s/__RUN_ID__/$RUN_ID/g" -e "s/__PARTIAL__/${2:-}/g" "$DIR/$1"; }

# Waits for a Job to be Complete or Failed; prints which.
finish() {
  local job="$1" a b
  $KUBECTL wait --for=condition=Complete "job/$job" --timeout="$TIMEOUT" >/dev/null 2>&1 & a=$!
  $KUBECTL wait --for=condition=Failed "job/$job" --timeout="$TIMEOUT" >/dev/null 2>&1 & b=$!
  wait -n "$a" "$b" || true
  kill "$a" "$b" 2>/dev/null || true
  wait "$a" "$b" 2>/dev/null || true
  $KUBECTL get "job/$job" -o 'jsonpath={.status.conditions[?(@.status=="True")].type}'
}

render nightly-shards.yaml | $KUBECTL apply -f -
state="$(finish "parity-nightly-shards-$RUN_ID")"
partial=""
case "$state" in
  *Complete*) ;;
  *Failed*) partial="--allow-partial"; echo "launch: a shard failed; merging what finished" >&2;;
  *) echo "launch: shard Job neither Complete nor Failed within $TIMEOUT ($state)" >&2; exit 2;;
esac
render nightly-merge.yaml "$partial" | $KUBECTL apply -f -
state="$(finish "parity-nightly-merge-$RUN_ID")"
echo "launch: run $RUN_ID: shards $([ -n "$partial" ] && echo failed || echo complete), merge $state" >&2
case "$state" in *Complete*) exit 0;; *) exit 1;; esac
