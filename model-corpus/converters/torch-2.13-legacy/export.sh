#!/usr/bin/env bash
# Exporter entry point of the torch-2.13-legacy generation: torch.onnx.export(..., dynamo=False), the
# TorchScript-based exporter of torch 2.13, run with the venv that setup.sh makes.
set -euo pipefail
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/torch-2.13-venv.sh" export torch-2.13-legacy "$@"
