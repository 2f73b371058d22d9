#!/usr/bin/env bash
# Exporter entry point of the torch-1.13.1 generation: Debian bookworm's python3-torch on the host.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(cd "$HERE/../.." && pwd)"
if ! /usr/bin/python3 -c 'import torch, onnx, torchvision' 2>/dev/null; then
  echo "torch-1.13.1 converter missing: run model-corpus/converters/torch-1.13.1/setup.sh" >&2
  exit 2
fi
exec /usr/bin/python3 "$CORPUS/builders/export.py" --generation torch-1.13.1 "$@"
