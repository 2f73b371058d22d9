#!/usr/bin/env python3
"""Build Parity's small TorchScript/ONNX test pairs with the converter on this machine.

Each model gets one fixed-seed reference (TorchScript, float32), a float64 twin of the same
weights (re-traced, never cast after tracing), and one ONNX export per configuration under
exports/<generation>/. Provenance (converter version, opset, options, exporter warnings, wall
time, sha256 of every file) goes to exports/<generation>/provenance.json.

Run with Debian's interpreter:  /usr/bin/python3 model-corpus/builders/build_pairs.py
"""
import argparse
import copy
import hashlib
import io
import json
import os
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.dirname(HERE)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---- models -------------------------------------------------------------------------------------

class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class AvgPoolCeil(nn.Module):
    """Average pooling whose edge windows run past the padded input (ceil_mode) and count padding.

    PyTorch divides an edge window by the part of it that lies inside the padded input; the
    ONNX AveragePool of opset <= 18 with count_include_pad=1 divides by the full kernel size,
    so the last row and column of the output differ."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)

    def forward(self, x):
        return self.pool(self.conv(x))


class MaxPoolNet(nn.Module):
    """The same network with max pooling: the faithful control for avgpool_ceil."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)

    def forward(self, x):
        return self.pool(self.conv(x))


class TokenClassifier(nn.Module):
    """Two inputs: int64 token ids and a float attention mask."""

    def __init__(self, vocab=50, dim=16, classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids, mask):
        h = torch.tanh(self.proj(self.emb(ids)))
        m = mask.unsqueeze(-1)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


class TwoHeads(nn.Module):
    """Two outputs: class logits and a normalised embedding."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(12, 24), nn.GELU(), nn.Linear(24, 8))
        self.cls = nn.Linear(8, 5)

    def forward(self, x):
        z = self.body(x)
        return self.cls(z), F.normalize(z, dim=-1)


class DynamicBatchCnn(nn.Module):
    """A small CNN exported with a symbolic batch dimension."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.fc = nn.Linear(8 * 3 * 3, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv1(x)))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


class FrozenBatch(nn.Module):
    """Reads the batch size as a Python int, so tracing freezes it: the traced reference and the
    export both only work at the traced batch size (2) although the batch axis is declared dynamic."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        n = int(x.shape[0])
        return self.fc(x.reshape(n, -1, 16).mean(1))


# name -> (constructor, [(input name, dtype, shape, lo, hi)], output names, dynamic axes, notes)
MODELS = {
    "mlp": dict(make=Mlp, inputs=[("x", "float32", [2, 16], None, None)], outputs=["y"],
                dynamic={}, notes="faithful: Linear-ReLU-Linear"),
    "avgpool_ceil": dict(make=AvgPoolCeil, inputs=[("x", "float32", [1, 3, 10, 10], None, None)],
                         outputs=["y"], dynamic={},
                         notes="known discrepancy: AvgPool2d(ceil_mode=True, count_include_pad=True) at opset 13"),
    "maxpool_ceil": dict(make=MaxPoolNet, inputs=[("x", "float32", [1, 3, 10, 10], None, None)],
                         outputs=["y"], dynamic={}, notes="faithful control for avgpool_ceil"),
    "token_classifier": dict(make=TokenClassifier,
                             inputs=[("ids", "int64", [2, 7], 0, 50), ("mask", "float32", [2, 7], 0, 1)],
                             outputs=["logits"], dynamic={},
                             notes="two inputs, int64 token ids and a float mask"),
    "two_heads": dict(make=TwoHeads, inputs=[("x", "float32", [3, 12], None, None)],
                      outputs=["logits", "embedding"], dynamic={}, notes="two outputs"),
    "dynamic_batch_cnn": dict(make=DynamicBatchCnn, inputs=[("x", "float32", [2, 1, 8, 8], None, None)],
                              outputs=["logits"],
                              dynamic={"x": {0: "batch"}, "logits": {0: "batch"}},
                              notes="symbolic batch dimension"),
    "frozen_batch": dict(make=FrozenBatch, inputs=[("x", "float32", [2, 3, 16], None, None)],
                         outputs=["y"], dynamic={"x": {0: "batch"}, "y": {0: "batch"}},
                         notes="batch size frozen at 2 by tracing: both engines fail at other sizes"),
}


def example_inputs(spec, dtype_float, seed):
    g = torch.Generator().manual_seed(seed)
    out = []
    for name, dtype, shape, lo, hi in spec:
        if dtype == "int64":
            out.append(torch.randint(lo, hi, shape, generator=g, dtype=torch.int64))
        elif lo is not None:
            out.append((torch.rand(shape, generator=g) < 0.8).to(dtype_float))
        else:
            out.append(torch.randn(shape, generator=g).to(dtype_float))
    return tuple(out)


def build(name, desc, generation, opset, seed):
    mdir = os.path.join(CORPUS, "models", name)
    edir = os.path.join(mdir, "exports", generation)
    os.makedirs(edir, exist_ok=True)
    torch.manual_seed(seed)
    model = desc["make"]()
    if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
        # Give BatchNorm non-trivial running statistics so that folding it matters.
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.5, 2.0)
    model.eval()
    args32 = example_inputs(desc["inputs"], torch.float32, seed)
    ref_path = os.path.join(mdir, "reference.pt")
    ref64_path = os.path.join(mdir, "reference64.pt")
    with torch.no_grad():
        torch.jit.save(torch.jit.trace(model, args32), ref_path)
        model64 = copy.deepcopy(model).double().eval()
        args64 = example_inputs(desc["inputs"], torch.float64, seed)
        torch.jit.save(torch.jit.trace(model64, args64), ref64_path)

    config = f"opset{opset}"
    onnx_path = os.path.join(edir, config + ".onnx")
    names_in = [i[0] for i in desc["inputs"]]
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.onnx.export(model, args32, onnx_path, opset_version=opset, input_names=names_in,
                          output_names=desc["outputs"], dynamic_axes=desc["dynamic"] or None,
                          do_constant_folding=True)
    wall = time.perf_counter() - t0
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))
    prov_path = os.path.join(edir, "provenance.json")
    prov = json.load(open(prov_path)) if os.path.exists(prov_path) else {}
    prov[config] = {
        "converter": "torch.onnx", "torch_version": torch.__version__, "onnx_version": onnx.__version__,
        "opset": opset, "do_constant_folding": True, "dynamic_axes": desc["dynamic"],
        "export_seconds": round(wall, 3), "warnings": sorted({str(w.message).splitlines()[0] for w in caught}),
        "sha256": {"onnx": sha256(onnx_path), "reference": sha256(ref_path), "reference64": sha256(ref64_path)},
    }
    with open(prov_path, "w") as f:
        json.dump(prov, f, indent=2, sort_keys=True)
        f.write("\n")
    return {"name": name, "notes": desc["notes"], "seed": seed,
            "inputs": [{"name": n, "dtype": d, "shape": s, **({"low": lo, "high": hi} if lo is not None else {})}
                       for n, d, s, lo, hi in desc["inputs"]],
            "outputs": desc["outputs"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generation", default="torch-1.13.1")
    ap.add_argument("--opset", type=int, default=13)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(1)
    entries = []
    for name, desc in MODELS.items():
        if a.only and name not in a.only:
            continue
        print(f"building {name} ({a.generation}, opset {a.opset})", file=sys.stderr)
        entries.append(build(name, desc, a.generation, a.opset, a.seed))
    with open(os.path.join(CORPUS, "pairs.json"), "w") as f:
        json.dump({"generation": a.generation, "models": entries}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
