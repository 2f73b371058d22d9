#!/usr/bin/env bash
# Builds the full-size corpus (.cache/full-corpus/) with the torch-1.13.1 converter on the host.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(cd "$HERE/../.." && pwd)"
if ! /usr/bin/python3 -c 'import torch, onnx, torchvision' 2>/dev/null; then
  echo "the full corpus needs Debian's python3-torch, python3-torchvision and python3-onnx: apt-get install -y python3-torch python3-torchvision python3-onnx python3-sklearn (or run $HERE/setup.sh as root)" >&2
  exit 2
fi
exec /usr/bin/python3 "$CORPUS/builders/build_full.py" "$@"
