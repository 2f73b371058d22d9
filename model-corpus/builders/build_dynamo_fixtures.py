#!/usr/bin/env python3
"""Build the test fixtures of torch 2.13's dynamo exporter and of saved reference outputs.

    python3 model-corpus/builders/build_dynamo_fixtures.py     (torch 2.13, onnx, onnxscript, numpy)

Writes into harness/src/test/resources/fixtures/:

  dynamo/avgpool_ceil.onnx (+ .onnx.data)  avgpool_ceil's committed weights (copied from its TorchScript
        reference into the eager module of zoo.py) exported with torch.onnx.export(..., dynamo=True),
        opset 18, weights as external data. Its node names are not scoped (node_avg_pool2d): the module
        scopes are in each node's metadata_props (pkg.torch.onnx.name_scopes). The corpus's probe of
        avgpool_ceil (models/avgpool_ceil/probe.pt) fits it: same weights, same module paths.
  dynamo/bn_train_mode.onnx (+ .onnx.data)  bn_train_mode (a Conv and a BatchNorm, in training mode)
        exported the same way: the exporter folds the BatchNorm into the Conv with its running statistics,
        and the fused Conv carries the BatchNorm's scope (conv has no node of its own).
  saved/avgpool_ceil/IN.npz, OUT.npz, OUT64.npz  inputs and outputs of the same weights run as a
        torch.export ExportedProgram (.pt2) and its float64 copy, by tools/save_reference_outputs.py:
        a reference that is not TorchScript, for --reference-outputs.
"""
import importlib.util
import os
import sys
import tempfile
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "harness", "src", "test", "resources", "fixtures")
sys.path.insert(0, HERE)
import zoo  # noqa: E402


def eager(name):
    """The eager module with the committed weights, in its corpus mode (eval, or train for bn_train_mode)."""
    model = zoo.make_model(name)
    ref = torch.jit.load(os.path.join(ROOT, "model-corpus", "models", name, "reference.pt"))
    model.load_state_dict(ref.state_dict())
    return model


def export_dynamo(name, out):
    import onnx
    path = os.path.join(out, name + ".onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        desc = zoo.MODELS[name]
        torch.onnx.export(eager(name), zoo.example_inputs(name), path, dynamo=True, opset_version=18,
                          input_names=[i[0] for i in desc["inputs"]], output_names=desc["outputs"], external_data=True)
    # the stack traces name this machine's folders; the scopes Parity reads stay
    model = onnx.load(path, load_external_data=False)
    for node in model.graph.node:
        kept = [p for p in node.metadata_props if p.key != "pkg.torch.onnx.stack_trace"]
        del node.metadata_props[:]
        node.metadata_props.extend(kept)
    onnx.save(model, path)


def helper():
    spec = importlib.util.spec_from_file_location("save_reference_outputs",
                                                  os.path.join(ROOT, "tools", "save_reference_outputs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    out = os.path.join(FIXTURES, "dynamo")
    os.makedirs(out, exist_ok=True)
    for name in ("avgpool_ceil", "bn_train_mode"):
        export_dynamo(name, out)
    model = eager("avgpool_ceil")
    x = zoo.example_inputs("avgpool_ceil")
    with tempfile.TemporaryDirectory() as tmp:
        pt2 = os.path.join(tmp, "avgpool_ceil.pt2")
        torch.export.save(torch.export.export(model, x), pt2)
        helper().main([pt2, os.path.join(FIXTURES, "saved", "avgpool_ceil"), "--input", "x:float32:1x3x10x10",
                       "--output-names", "y", "--float64"])
    print("torch", torch.__version__)


if __name__ == "__main__":
    main()
