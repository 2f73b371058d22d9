#!/usr/bin/env bash
# Provision the torch-2.6.0 converter generation: Debian trixie's python3-torch, python3-onnx and
# python3-torchvision in a debootstrap chroot (the host is bookworm, whose torch is 1.13.1).
# Idempotent; needs root and Debian's package mirror. Chroot: $PARITY_TRIXIE_ROOT (default
# /var/cache/parity/trixie-root).
set -euo pipefail
ROOT="${PARITY_TRIXIE_ROOT:-/var/cache/parity/trixie-root}"
MIRROR="${PARITY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PKGS="python3-torch python3-onnx python3-torchvision python3-numpy python3-sklearn"

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: needs root (debootstrap and chroot)" >&2; exit 2
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi
if [ ! -x "$ROOT/usr/bin/python3" ] || ! chroot "$ROOT" python3 -c 'import torch' 2>/dev/null; then
  if [ ! -f "$ROOT/etc/debian_version" ]; then
    mkdir -p "$ROOT"
    debootstrap --variant=minbase trixie "$ROOT" "$MIRROR"
  fi
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
  chroot "$ROOT" apt-get update -q
  DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -q --no-install-recommends $PKGS
fi
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
chroot "$ROOT" python3 -c 'import torch, onnx, torchvision; print("torch", torch.__version__, "onnx", onnx.__version__, "torchvision", torchvision.__version__)'
