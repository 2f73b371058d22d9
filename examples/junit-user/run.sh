#!/usr/bin/env bash
# Builds this example exactly as a user's project builds: against the Parity artifacts installed in
# ~/.m2 by their coordinates (run `mvn -B install` at the repository root first). Fails when the tests
# fail, or when anything but Maven's own lines reaches the build output (an engine's log line, a
# stack trace): Parity must stay quiet inside a user's build.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
rc=0
mvn -B -f "$HERE/pom.xml" test > "$LOG" 2>&1 || rc=$?
grep -E 'Tests run:.*Fail' "$LOG" | tail -1 || true
if [ "$rc" -ne 0 ]; then
  cat "$LOG" >&2
  echo "junit-user: the example build failed (exit $rc)" >&2
  exit "$rc"
fi
# strip ANSI resets, then keep what Maven did not print itself
noise="$(sed -e 's/\x1b\[[0-9;]*m//g' "$LOG" | grep -vE '^\[(INFO|WARNING)\]|^$|^Download(ing|ed) from|^Progress' || true)"
if [ -n "$noise" ]; then
  echo "junit-user: the build printed lines that are not Maven's (engine logs?):" >&2
  echo "$noise" | head -20 >&2
  exit 1
fi
echo "junit-user: example project passed, no engine log lines"
