#!/usr/bin/env bash
# Exporter entry point of the torch-2.6.0 generation: Debian trixie's python3-torch in a chroot
# (see setup.sh). The corpus folder is bind-mounted into the chroot at /parity/model-corpus, so the
# export reads the committed references and writes exports/torch-2.6.0/ in place.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(cd "$HERE/../.." && pwd)"
ROOT="${PARITY_TRIXIE_ROOT:-/var/cache/parity/trixie-root}"
if [ ! -x "$ROOT/usr/bin/python3" ]; then
  echo "torch-2.6.0 converter missing: run model-corpus/converters/torch-2.6.0/setup.sh (as root)" >&2
  exit 2
fi
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
mkdir -p "$ROOT/parity/model-corpus"
mountpoint -q "$ROOT/parity/model-corpus" || mount --bind "$CORPUS" "$ROOT/parity/model-corpus"
trap 'umount "$ROOT/parity/model-corpus" 2>/dev/null || true' EXIT
chroot "$ROOT" /usr/bin/python3 /parity/model-corpus/builders/export.py --generation torch-2.6.0 "$@"
