#!/usr/bin/env bash
# Provision the torch-2.13-legacy converter generation: torch 2.13.0+cpu, onnx, onnxscript and
# torchvision in a virtual environment under .cache/ (shared with torch-2.13-dynamo), from pip's configured index.
# No root needed; idempotent. Exit 2 when the index cannot serve torch 2.13, saying where else to get it.
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/torch-2.13-venv.sh" setup
