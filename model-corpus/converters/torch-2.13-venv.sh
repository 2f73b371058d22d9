#!/usr/bin/env bash
# Shared by the torch-2.13-dynamo and torch-2.13-legacy generations: one Python virtual environment
# under the repository's git-ignored .cache/ with torch 2.13.0 (CPU), onnx, onnxscript and torchvision.
#
#   torch-2.13-venv.sh setup        create or complete the venv from pip's configured index (no root)
#   torch-2.13-venv.sh export GEN   run builders/export.py --generation GEN with the venv's python
#   torch-2.13-venv.sh full [...]   run builders/build_full_hf.py (the transformers/timm part of the
#                                   full-size corpus) with the venv's python; exit 2 without a word
#                                   when the venv is missing (`parity corpus build --full` says what to do)
#
# The venv lies in $PARITY_TORCH213_VENV (default <repo>/.cache/converters/torch-2.13/venv). Exit 2
# when the converter is missing, with what to do about it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CORPUS="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$CORPUS/.." && pwd)"
VENV="${PARITY_TORCH213_VENV:-$REPO/.cache/converters/torch-2.13/venv}"
PY="${PARITY_PYTHON:-python3}"
# The pins the committed exports were made with (provenance.json records them per export).
TORCH="torch==2.13.0+cpu"
PINS=("onnx==1.23.1" "onnxscript==0.7.2" "onnx-ir==1.0.0" "numpy==2.4.6" "pillow==12.3.0")
TORCHVISION="torchvision==0.28.0"     # --no-deps: it pins the plain (CUDA) torch 2.13.0; pillow comes from PINS
# The model libraries of the Hugging Face / timm part of the corpus (builders/hf_zoo.py) and the
# tables the tabular models train on; their references are traced with this venv's torch
MODEL_LIBS=("transformers==5.17.0" "timm==1.0.29" "scikit-learn")
# ONNX Runtime for the cross-check of causes in docs/corpus.md (optional: not needed to export)
ORT="onnxruntime==1.30.0"

missing_index() {
  cat >&2 <<MSG
torch-2.13 converter: pip could not install $TORCH from its configured index
('pip config list' shows which). Get torch 2.13 for CPU from PyTorch's own index, e.g.
  PIP_INDEX_URL=https://download.pytorch.org/whl/cpu PIP_EXTRA_INDEX_URL=https://pypi.org/simple \\
    model-corpus/converters/torch-2.13-dynamo/setup.sh
(any torch >= 2.9 exports with dynamo=True by default, but a different version is a different
converter generation: give it a folder of its own under model-corpus/converters/).
MSG
  exit 2
}

venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.util, sys
import torch, onnx, onnxscript
assert torch.__version__.startswith("2.13."), torch.__version__
assert importlib.util.find_spec("torchvision") is not None
assert importlib.util.find_spec("transformers") is not None and importlib.util.find_spec("timm") is not None
PY
}

case "${1:-}" in
  setup)
    if ! command -v "$PY" >/dev/null 2>&1; then
      echo "torch-2.13 converter: no $PY on PATH (needs CPython 3.10-3.13; set PARITY_PYTHON)" >&2; exit 2
    fi
    if [ ! -x "$VENV/bin/python" ]; then
      mkdir -p "$(dirname "$VENV")"
      "$PY" -m venv "$VENV" || { echo "torch-2.13 converter: '$PY -m venv' failed (Debian: apt-get install python3-venv)" >&2; exit 2; }
    fi
    "$VENV/bin/python" -m pip install -q "$TORCH" "${PINS[@]}" || missing_index
    "$VENV/bin/python" -m pip install -q --no-deps "$TORCHVISION" \
      || { echo "torch-2.13 converter: cannot install $TORCHVISION (needed by the real architectures)" >&2; exit 2; }
    "$VENV/bin/python" -m pip install -q "${MODEL_LIBS[@]}" \
      || { echo "torch-2.13 converter: cannot install ${MODEL_LIBS[*]} (needed by the transformers and timm models)" >&2; exit 2; }
    "$VENV/bin/python" -m pip install -q "$ORT" \
      || echo "torch-2.13 converter: $ORT not installed (optional: only the cross-check of docs/corpus.md uses it)" >&2
    "$VENV/bin/python" - <<'PY'
import onnx, onnxscript, torch
print("torch", torch.__version__, "onnx", onnx.__version__, "onnxscript", onnxscript.__version__)
try:
    import onnxruntime
    print("onnxruntime", onnxruntime.__version__, "(cross-check only)")
except ImportError:
    pass
PY
    ;;
  export)
    GEN="${2:?generation}"; shift 2
    if ! venv_ok; then
      echo "$GEN converter missing: run model-corpus/converters/$GEN/setup.sh (no root needed)" >&2
      exit 2
    fi
    exec "$VENV/bin/python" "$CORPUS/builders/export.py" --generation "$GEN" "$@"
    ;;
  full)
    shift
    venv_ok || exit 2
    exec "$VENV/bin/python" "$CORPUS/builders/build_full_hf.py" "$@"
    ;;
  *)
    echo "usage: $0 setup | export GENERATION [export.py options] | full [build_full_hf.py options]" >&2; exit 2 ;;
esac
