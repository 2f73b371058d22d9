#!/usr/bin/env python3
"""Save a PyTorch model's outputs on given inputs, for `parity check --reference-outputs`.

For models that only torch.export (or eager PyTorch) can run, with no TorchScript reference:

    python3 tools/save_reference_outputs.py MODULE:CALLABLE OUT_DIR --input x:float32:1x3x224x224 [--float64]
    python3 tools/save_reference_outputs.py model.pt2 OUT_DIR --inputs IN.npz [--float64]

MODULE:CALLABLE names a module attribute (imported from the current directory or PYTHONPATH) that is
either an nn.Module class or factory (called with no arguments) or a module instance; a path ending
in .pt2 is an ExportedProgram written by torch.export.save. Inputs come from --input NAME:DTYPE:DIMS[:LO:HI]
(floats standard normal, integers uniform in [LO, HI), default [0, 10); seeded by --seed) or from an
.npz holding one array per input. OUT_DIR receives

    IN.npz     the inputs under their --input names or the given .npz's names, which must be the ONNX
               export's input names (an .npz whose names are the forward's parameters, or the
               ExportedProgram's user inputs, is fed in that order; any other in its own order)
    OUT.npz    the outputs (tuples and lists flattened in order), named by --output-names (the ONNX
               export's output names: Parity then matches by name) or output_0, output_1, ...
               (matched by position)
    OUT64.npz  with --float64: the outputs of a float64 copy of the model on the inputs widened to
               float64 (the twin for Parity's attribution mode, --reference64-outputs)

then: parity check --reference-outputs OUT_DIR/OUT.npz [--reference64-outputs OUT_DIR/OUT64.npz]
                   --inputs OUT_DIR/IN.npz --onnx model.onnx

Limits (Parity says them too): only these saved inputs are compared (no value regimes or symbolic
sizes beyond them), no localization, no latency of the reference, no check that the reference agrees
with itself, and in tolerance mode (no OUT64.npz) fixed tolerances (Parity cannot move the inputs by
one ulp and rerun the reference). A float64 copy of an ExportedProgram works only where the exported
graph does not fix dtypes (a torch.full(..., dtype=torch.float32) inside it stays float32): give a
module factory then. The model runs in eval mode unless --train.
"""
import argparse
import copy
import importlib
import inspect
import os
import sys

import numpy as np
import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "int32": torch.int32,
          "uint8": torch.uint8, "int8": torch.int8, "bool": torch.bool}


def load_model(spec, train):
    """(callable model, input names or None, float64 maker)."""
    if spec.endswith(".pt2"):
        ep = torch.export.load(spec)
        names = [s.arg.name for s in ep.graph_signature.input_specs
                 if s.kind == torch.export.graph_signature.InputKind.USER_INPUT]
        module = ep.module()
        if train:
            raise SystemExit("--train: an ExportedProgram runs as it was exported")
        return module, names, lambda: copy.deepcopy(module).double()
    if ":" not in spec:
        raise SystemExit("expected MODULE:CALLABLE or a .pt2 file, got '%s'" % spec)
    mod, attr = spec.split(":", 1)
    sys.path.insert(0, os.getcwd())
    obj = getattr(importlib.import_module(mod), attr)
    model = obj if isinstance(obj, torch.nn.Module) else obj()
    model = model.train() if train else model.eval()
    try:
        names = [p for p in inspect.signature(model.forward).parameters]
    except (TypeError, ValueError):
        names = None
    return model, names, lambda: copy.deepcopy(model).double()


def parse_input(text):
    parts = text.split(":")
    if len(parts) not in (3, 5) or parts[1] not in DTYPES:
        raise SystemExit("malformed --input '%s' (expected NAME:DTYPE:DIMS[:LO:HI], DTYPE one of %s)"
                         % (text, ", ".join(DTYPES)))
    dims = [] if parts[2] == "scalar" else [int(d) for d in parts[2].split("x")]
    lo, hi = (float(parts[3]), float(parts[4])) if len(parts) == 5 else (0, 10)
    return parts[0], DTYPES[parts[1]], dims, lo, hi


def make_inputs(args, forward_names):
    """Inputs by name, in the order the model takes them."""
    if args.inputs:
        with np.load(args.inputs) as z:
            arrays = {k: torch.from_numpy(np.ascontiguousarray(z[k])) for k in z.files}
        if forward_names and set(arrays) <= set(forward_names):
            return {n: arrays[n] for n in forward_names if n in arrays}
        return arrays
    g = torch.Generator().manual_seed(args.seed)
    out = {}
    for i, text in enumerate(args.input):
        name, dtype, dims, lo, hi = parse_input(text)
        if dtype.is_floating_point and len(text.split(":")) == 5:
            t = (torch.rand(dims, generator=g, dtype=torch.float64) * (hi - lo) + lo).to(dtype)
        elif dtype.is_floating_point:
            t = torch.randn(dims, generator=g, dtype=torch.float64).to(dtype)
        elif dtype == torch.bool:
            t = torch.rand(dims, generator=g) < 0.5
        else:
            t = torch.randint(int(lo), int(hi), dims, generator=g).to(dtype)
        out[name] = t
    return out


def flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in flatten(o)]
    if isinstance(out, dict):
        return [t for o in out.values() for t in flatten(o)]
    raise SystemExit("the model returned a %s; only tensors, tuples, lists and dicts of them are saved"
                     % type(out).__name__)


def save(path, names, tensors):
    arrays = {}
    for n, t in zip(names, tensors):
        arrays[n] = np.ascontiguousarray(t.detach().cpu().numpy())
    np.savez(path, **arrays)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="MODULE:CALLABLE (nn.Module class, factory or instance) or an ExportedProgram .pt2")
    ap.add_argument("out", help="folder for IN.npz, OUT.npz (and OUT64.npz)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--input", action="append", metavar="NAME:DTYPE:DIMS[:LO:HI]",
                     help="generate this input (repeat in forward order)")
    src.add_argument("--inputs", metavar="IN.npz", help="use these inputs (one array per input, forward order)")
    ap.add_argument("--output-names", metavar="A,B", help="the ONNX export's output names, in order")
    ap.add_argument("--float64", action="store_true", help="also write OUT64.npz from a float64 copy of the model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train", action="store_true", help="run a module in training mode")
    a = ap.parse_args(argv)

    model, forward_names, to_float64 = load_model(a.model, a.train)
    inputs = make_inputs(a, forward_names)
    names_in = list(inputs)
    values = [inputs[n] for n in names_in]
    with torch.no_grad():
        outs = flatten(model(*values))
        outs64 = None
        if a.float64:
            wide = [v.double() if v.is_floating_point() else v for v in values]
            outs64 = flatten(to_float64()(*wide))
    out_names = a.output_names.split(",") if a.output_names else ["output_%d" % i for i in range(len(outs))]
    if len(out_names) != len(outs):
        raise SystemExit("--output-names names %d outputs, the model returned %d" % (len(out_names), len(outs)))
    if outs64 is not None:
        if len(outs64) != len(outs) or any(x.shape != y.shape for x, y in zip(outs, outs64)):
            raise SystemExit("the float64 copy returned other outputs (count or shapes) than the model")
        if not any(t.dtype == torch.float64 for t in outs64 if t.is_floating_point()):
            print("warning: the float64 copy returned no float64 output: the graph fixes its dtypes",
                  file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)
    save(os.path.join(a.out, "IN.npz"), names_in, values)
    save(os.path.join(a.out, "OUT.npz"), out_names, outs)
    if outs64 is not None:
        save(os.path.join(a.out, "OUT64.npz"), out_names, outs64)
    print("wrote %s: inputs %s, outputs %s%s" % (a.out, ", ".join("%s %s" % (n, tuple(v.shape)) for n, v in
                                                                  zip(names_in, values)),
                                                ", ".join(out_names), " (+ float64)" if outs64 is not None else ""))


if __name__ == "__main__":
    main()
