#!/usr/bin/env bash
# Provision the torch-1.13.1 converter generation: Debian bookworm's own packages on the host.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "setup.sh: needs root (apt-get)" >&2; exit 2; fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-onnx python3-torchvision python3-sklearn
/usr/bin/python3 -c 'import torch, onnx, torchvision; print("torch", torch.__version__, "onnx", onnx.__version__, "torchvision", torchvision.__version__)'
