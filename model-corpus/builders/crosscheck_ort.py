#!/usr/bin/env python3
"""Cross-check of a corpus pair outside Parity: the committed TorchScript reference in this Python's
torch against the export in this Python's ONNX Runtime (1.30 in the torch-2.13 venv, not Parity's
1.24.2), at optimisation levels all and disabled, on inputs shaped like Parity's cases. Evidence for
the causes in expectations.json, not a verdict:

    .cache/converters/torch-2.13/venv/bin/python model-corpus/builders/crosscheck_ort.py \
        MODEL GENERATION CONFIG [--batch 3] [--seq 8] [--padding none|trailing|padded-row]

Prints, per output, the largest absolute difference and the NaN counts of each side.
"""
import argparse
import json
import os

import numpy as np
import onnxruntime as ort
import torch

CORPUS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def inputs(entry, batch, seq, padding, rng):
    out = {}
    lengths = None
    for spec in entry["inputs"]:
        shape = list(spec["shape"])
        for axis, sym in spec.get("symbolic", {}).items():
            shape[int(axis)] = batch if sym == "batch" else seq
        role = spec.get("role")
        if role == "attention-mask":
            b, s = shape
            mask = np.ones((b, s), dtype=np.int64)
            if padding != "none":
                lengths = [s] + [int(rng.integers(1, s + 1)) for _ in range(b - 1)]
                if padding == "padded-row":
                    lengths[-1] = 0
                for i, n in enumerate(lengths):
                    mask[i, n:] = 0
            out[spec["name"]] = mask
        elif spec["dtype"] == "int64":
            out[spec["name"]] = rng.integers(int(spec.get("low", 0)), int(spec.get("high", 10)), shape).astype(np.int64)
        else:
            out[spec["name"]] = rng.standard_normal(shape).astype(np.float32)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("generation")
    ap.add_argument("config")
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--seq", type=int, default=8)
    ap.add_argument("--padding", default="none", choices=["none", "trailing", "padded-row"])
    a = ap.parse_args()
    manifest = json.load(open(os.path.join(CORPUS, "manifest.json")))
    entry = next(m for m in manifest["models"] if m["name"] == a.model)
    feeds = inputs(entry, a.batch, a.seq, a.padding, np.random.default_rng(0))
    ref = torch.jit.load(os.path.join(CORPUS, entry["references"]["traced"]))
    with torch.no_grad():
        t = ref(*[torch.from_numpy(v) for v in feeds.values()])
    t = [t] if isinstance(t, torch.Tensor) else list(t)
    onnx = os.path.join(CORPUS, "models", a.model, "exports", a.generation, a.config + ".onnx")
    print(f"{a.model} {a.generation}/{a.config} onnxruntime {ort.__version__} torch {torch.__version__} "
          f"batch {a.batch} seq {a.seq} padding {a.padding}")
    for level in ("all", "disabled"):
        so = ort.SessionOptions()
        so.graph_optimization_level = (ort.GraphOptimizationLevel.ORT_ENABLE_ALL if level == "all"
                                       else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
        sess = ort.InferenceSession(onnx, so, providers=["CPUExecutionProvider"])
        o = sess.run(None, feeds)
        for i, (x, y) in enumerate(zip(t, o)):
            x = x.numpy()
            both = np.isfinite(x) & np.isfinite(y)
            diff = float(np.abs(x[both] - y[both]).max()) if both.any() else float("nan")
            print(f"  opt={level} output {i}: max |torch - onnx| {diff:.3g}; NaN torch {int(np.isnan(x).sum())}, "
                  f"onnx {int(np.isnan(y).sum())} of {x.size}")


if __name__ == "__main__":
    main()
