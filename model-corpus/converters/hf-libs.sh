#!/usr/bin/env bash
# Installs the model libraries of the Hugging Face / timm part of the corpus (transformers 5.17.0,
# timm 1.0.29 and their pure dependencies, not torch, torchvision or numpy: each converter generation
# brings its own) into TARGET for CPython PYVER, from pip's configured index, as wheels only.
#
#   hf-libs.sh PYVER TARGET        e.g. hf-libs.sh 3.13 .cache/converters/hf-libs/py3.13
#
# The exporters then run with PYTHONPATH=TARGET. No root needed; idempotent (a stamp file records the
# pins). Exit 2 when the index cannot serve a pin.
set -euo pipefail
PYVER="${1:?usage: hf-libs.sh PYVER TARGET}"
TARGET="${2:?usage: hf-libs.sh PYVER TARGET}"
PIP="${PARITY_PIP_PYTHON:-python3}"
PINS=(transformers==5.17.0 timm==1.0.29 huggingface-hub==1.33.0 tokenizers==0.23.2 safetensors==0.8.0
      regex pyyaml tqdm packaging typer shellingham rich annotated-doc markdown-it-py mdurl pygments click
      filelock fsspec hf-xet httpx anyio certifi httpcore idna h11 typing-extensions)
STAMP="$TARGET/.parity-pins"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PYVER ${PINS[*]}" ]; then
  exit 0
fi
if ! "$PIP" -m pip --version >/dev/null 2>&1; then
  echo "hf-libs: '$PIP -m pip' is not available (set PARITY_PIP_PYTHON to a Python with pip)" >&2; exit 2
fi
rm -rf "$TARGET"
mkdir -p "$TARGET"
"$PIP" -m pip install -q --no-deps --only-binary=:all: --python-version "$PYVER" --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux_2_5_x86_64 --platform linux_x86_64 --platform any \
  --target "$TARGET" "${PINS[@]}" \
  || { echo "hf-libs: pip could not install ${PINS[*]} for Python $PYVER from its configured index ('pip config list')" >&2; exit 2; }
echo "$PYVER ${PINS[*]}" > "$STAMP"
