#!/usr/bin/env python3
"""Make a probe of a PyTorch model for Parity's localization.

A probe is a TorchScript module that returns the model's normal outputs followed by the output of
every submodule, recorded at module boundaries (forward hooks) in the order the submodules finish,
plus probe.json naming each boundary by its module path (e.g. "layer1.0.conv1"). Parity compares
these boundaries with the same values of the ONNX export (found through torch.onnx's scope-qualified
node names, "/layer1/layer1.0/conv1/Conv") and names the first module that diverges.

As a library:   probe.save_probe(model, example_inputs, "out/dir")   (writes probe.pt, probe64.pt, probe.json)
As a script:    python3 probe.py MODULE:FACTORY out/dir --input 1x3x224x224 [--input ...]

Make the probe from the same module, in the same mode (eval or train), that you traced and exported.
"""
import argparse
import copy
import importlib
import json
import os
import warnings

import torch
import torch.nn as nn


def _first_tensor(out):
    if isinstance(out, torch.Tensor):
        return out
    if isinstance(out, (tuple, list)):
        for o in out:
            t = _first_tensor(o)
            if t is not None:
                return t
    return None


def _flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r.extend(_flatten(o))
        return r
    return []


class _Probe(nn.Module):
    def __init__(self, model, names):
        super().__init__()
        self.model = model
        self._names = names
        self._captured = []
        self._calls = {}
        for name, m in model.named_modules():
            if name:
                m.register_forward_hook(self._hook(name))

    def _hook(self, name):
        def hook(module, inputs, output):
            t = _first_tensor(output)
            if t is not None and t.is_floating_point():
                # a module called again (a shared ReLU) is named like torch.onnx's scopes: relu, relu_1, ...
                calls = self._calls.get(name, 0)
                self._calls[name] = calls + 1
                if calls:
                    parent, _, leaf = name.rpartition(".")
                    name_k = (parent + "." if parent else "") + leaf + "_" + str(calls)
                else:
                    name_k = name
                # clone: a later in-place op (ReLU(inplace=True)) would otherwise rewrite the captured value
                self._captured.append((name_k, t.clone()))
        return hook

    def forward(self, *args):
        self._captured = []
        self._calls = {}
        out = _flatten(self.model(*args))
        caught = self._captured
        self._captured = []
        if not self._names:
            self._names.extend(n for n, _ in caught)
        return tuple(out) + tuple(t for _, t in caught)


def trace_probe(model, example_inputs):
    """Returns (traced probe, normal output count, boundary module paths in capture order)."""
    names = []
    probe = _Probe(model, names)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        normal = len(_flatten(model(*example_inputs)))
        traced = torch.jit.trace(probe, example_inputs, check_trace=False)
    return traced, normal, list(names)


def save_probe(model, example_inputs, out_dir, example_inputs64=None):
    os.makedirs(out_dir, exist_ok=True)
    traced, normal, names = trace_probe(model, example_inputs)
    torch.jit.save(traced, os.path.join(out_dir, "probe.pt"))
    if example_inputs64 is None:
        example_inputs64 = tuple(t.double() if t.is_floating_point() else t for t in example_inputs)
    traced64, _, names64 = trace_probe(copy.deepcopy(model).double(), example_inputs64)
    torch.jit.save(traced64, os.path.join(out_dir, "probe64.pt"))
    if names64 != names:
        raise RuntimeError("float64 probe records other boundaries than the float32 one")
    with open(os.path.join(out_dir, "probe.json"), "w") as f:
        json.dump({"format": 1, "outputs": normal, "boundaries": names}, f, indent=1)
        f.write("\n")
    return normal, names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("factory", help="MODULE:CALLABLE returning the model, e.g. torchvision.models:resnet18")
    ap.add_argument("out")
    ap.add_argument("--input", action="append", required=True, help="float32 input shape, e.g. 1x3x224x224")
    ap.add_argument("--train", action="store_true", help="probe the model in training mode")
    a = ap.parse_args()
    mod, fn = a.factory.split(":")
    model = getattr(importlib.import_module(mod), fn)()
    model = model.train() if a.train else model.eval()
    inputs = tuple(torch.randn(*[int(d) for d in s.split("x")]) for s in a.input)
    normal, names = save_probe(model, inputs, a.out)
    print(f"probe with {normal} output(s) and {len(names)} boundaries written to {a.out}")


if __name__ == "__main__":
    main()
