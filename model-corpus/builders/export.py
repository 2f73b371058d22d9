#!/usr/bin/env python3
"""Export every corpus model under every configuration with the torch.onnx of the running Python.

    python3 export.py --generation torch-1.13.1 [--only NAME ...]

The weights come from each model's committed TorchScript reference (copied into a fresh eager module
built by zoo.py), so every converter generation exports the same weights. Writes
models/<name>/exports/<generation>/<config>.onnx (and <config>.onnx.data, the dynamo exporter's
external data) and provenance.json, for the configurations zoo.configs_for gives the generation.
An exporter crash or an ONNX checker failure is recorded in provenance as a result, not raised.
"""
import argparse
import io
import json
import os
import sys
import time
import traceback
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo  # noqa: E402

CORPUS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))




def load_eager(name):
    model = zoo.make_model(name)
    ref = torch.jit.load(os.path.join(CORPUS, "models", name, "reference.pt"))
    state = ref.state_dict()
    if zoo.MODELS[name].get("library"):
        # a trace keeps the library's non-persistent buffers (position ids, ...) as state: they are
        # recomputed by the constructor, so only parameters and persistent buffers must match
        own = model.state_dict()
        missing = [k for k in own if k not in state]
        if missing:
            raise RuntimeError(f"reference of {name} lacks {missing[:3]}")
        state = {k: v for k, v in state.items() if k in own}
    model.load_state_dict(state)
    return model


def versions():
    """The converter's packages, as this Python has them."""
    import importlib.metadata as md
    out = {"python": sys.version.split()[0]}
    for p in ("torch", "onnx", "onnxscript", "onnx-ir", "torchvision", "numpy"):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            pass
    return out


def _first_line(e):
    """The exception's first line, and that of its root cause when the exporter wraps it (the dynamo
    exporter's TorchExportError says only which step failed); terminal colour codes removed."""
    import re

    def line(x):
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(x)).strip()
        return (type(x).__name__ + ": " + (text.splitlines()[0] if text else "")).strip()

    root = e
    while root.__cause__ is not None and root.__cause__ is not root:
        root = root.__cause__
    msg = line(e) if root is e else line(e) + " <- " + line(root)
    return msg[:400]


def _dynamic_shapes(desc):
    """torch.export's form of the manifest's symbolic dims: one {axis: Dim(name)} per input, in
    forward order; inputs that share a dim name share the Dim (the same symbolic size)."""
    from torch.export import Dim
    dims = {}
    out = []
    for n, *_ in desc["inputs"]:
        axes = desc["dynamic"].get(n)
        out.append({int(k): dims.setdefault(v, Dim(v)) for k, v in axes.items()} if axes else None)
    return tuple(out) if any(a is not None for a in out) else None


def export_one(name, desc, cname, cfg, edir, dynamo=False):
    """Exports one configuration into edir and returns its provenance record.

    dynamo=False is the TorchScript-based exporter (every generation before torch-2.13-dynamo);
    dynamo=True the torch.export-based one, which writes the weights as external data
    (<config>.onnx.data beside the .onnx): the record pins every external-data file by sha256."""
    import onnx
    out = os.path.join(edir, cname + ".onnx")
    for stale in (out, out + ".data"):
        if os.path.exists(stale):
            os.remove(stale)
    rec = {"converter": "torch.onnx", "torch_version": torch.__version__, "onnx_version": onnx.__version__,
           "opset": cfg["opset"], "do_constant_folding": cfg["fold"],
           "dynamic_axes": desc["dynamic"] if cfg["dynamic"] else {}, "file": cname + ".onnx"}
    if dynamo or "dynamo" in torch.onnx.export.__code__.co_varnames:
        rec["dynamo"] = dynamo
    rec["opset_requested"] = cfg["opset"]
    if dynamo:
        import onnxscript
        rec["onnxscript_version"] = onnxscript.__version__
    generation = os.path.basename(edir)
    try:
        if desc.get("library") and generation in zoo.FROM_TORCHSCRIPT:
            # this torch cannot build the library's module (hf_zoo.py): export the committed reference
            rec["exported_from"] = "torchscript-reference"
            model = torch.jit.load(os.path.join(CORPUS, "models", name, "reference.pt"))
        else:
            rec["exported_from"] = "eager-module"
            model = load_eager(name)
    except Exception as e:  # the converter cannot even load what it should export: an export crash
        rec["status"] = "export-crash"
        rec["message"] = "loading the model to export: " + _first_line(e)
        rec["export_seconds"] = 0.0
        rec["warnings"] = []
        return rec
    args = zoo.example_inputs(name)
    names_in = [i[0] for i in desc["inputs"]]
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            kwargs = {}
            if dynamo:
                shapes = _dynamic_shapes(desc) if cfg["dynamic"] else None
                rec["dynamic_shapes"] = {n: {str(k): d.__name__ for k, d in s.items()}
                                         for n, s in zip(names_in, shapes or ()) if s}
                rec["dynamic_axes"] = {}
                # fold is the onnxscript optimiser here (constant folding and more); weights go to
                # external data, the exporter's default
                program = torch.onnx.export(model, args, out, dynamo=True, opset_version=cfg["opset"],
                                             input_names=names_in, output_names=desc["outputs"],
                                             dynamic_shapes=shapes, optimize=cfg["fold"], external_data=True,
                                             verbose=False)
                rec["capture_strategy"] = getattr(program, "_capture_strategy", None)
            else:
                if "dynamo" in torch.onnx.export.__code__.co_varnames:
                    kwargs["dynamo"] = False  # the TorchScript-based exporter
                torch.onnx.export(model, args, out, opset_version=cfg["opset"], input_names=names_in,
                                  output_names=desc["outputs"],
                                  dynamic_axes=(desc["dynamic"] or None) if cfg["dynamic"] else None,
                                  do_constant_folding=cfg["fold"], **kwargs)
            rec["status"] = "ok"
        except Exception as e:
            rec["status"] = "export-crash"
            rec["message"] = _first_line(e)
    rec["export_seconds"] = round(time.perf_counter() - t0, 3)
    rec["warnings"] = sorted({str(w.message).strip().splitlines()[0][:300] for w in caught})
    if rec["status"] == "ok":
        proto = onnx.load(out, load_external_data=False)
        rec["opset_written"] = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
        try:
            # by path: the checker then reads the external data too
            onnx.checker.check_model(out, full_check=True)
        except Exception as e:
            rec["status"] = "checker-failure"
            rec["message"] = _first_line(e)
        rec["sha256"] = zoo.sha256(out)
        rec["bytes"] = os.path.getsize(out)
        locations = sorted(_external_locations(proto))
        if locations or dynamo:
            rec["external_data"] = [{"file": loc, "sha256": zoo.sha256(os.path.join(edir, loc)),
                                     "bytes": os.path.getsize(os.path.join(edir, loc))} for loc in locations]
    else:
        for partial in (out, out + ".data"):
            if os.path.exists(partial):
                os.remove(partial)
    return rec


def _external_locations(proto):
    """Every external-data file a model reads (initializers, attribute tensors, subgraphs)."""
    import onnx
    found = set()

    def tensor(t):
        if t.data_location == onnx.TensorProto.EXTERNAL:
            found.update(e.value for e in t.external_data if e.key == "location")

    def graph(g):
        for t in g.initializer:
            tensor(t)
        for n in g.node:
            for a in n.attribute:
                if a.HasField("t"):
                    tensor(a.t)
                for t in a.tensors:
                    tensor(t)
                if a.HasField("g"):
                    graph(a.g)
                for sub in a.graphs:
                    graph(sub)

    graph(proto.graph)
    return found


def export_isolated(name, cname, generation):
    """One dynamo export in a fresh Python process, its record read back from a file.

    torch 2.13's exporter leaves state behind: it registers a while_loop decomposition of
    aten::lstm/gru only for the duration of an export, but the operator's dispatch cache keeps the
    kernel it resolved, so a second export of an LSTM or GRU in the same process unrolls the loop,
    specialises the sequence length and silently exports it as static (seq fixed at 12). One process
    per export makes every file what a user's single export would write."""
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "record.json")
        cmd = [sys.executable, os.path.abspath(__file__), "--generation", generation, "--one", name, cname, out]
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0 or not os.path.exists(out):
            tail = (done.stderr or "").strip().splitlines()[-1:] or [""]
            return {"status": "export-crash", "file": cname + ".onnx", "opset": zoo.CONFIGS[cname]["opset"],
                    "message": f"exporter process exited with {done.returncode}: {tail[0][:300]}"}
        with open(out) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generation", required=True)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--one", nargs=3, metavar=("MODEL", "CONFIG", "RECORD_JSON"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.one:
        name, cname, record = a.one
        edir = os.path.join(CORPUS, "models", name, "exports", a.generation)
        rec = export_one(name, zoo.MODELS[name], cname, zoo.CONFIGS[cname], edir,
                         dynamo=zoo.GENERATIONS.get(a.generation, {}).get("dynamo", False))
        with open(record, "w") as f:
            json.dump(rec, f)
        return
    dynamo = zoo.GENERATIONS.get(a.generation, {}).get("dynamo", False)
    for name, desc in zoo.MODELS.items():
        if a.only and name not in a.only:
            continue
        configs = zoo.configs_for(name, a.generation)
        if not configs:
            continue
        edir = os.path.join(CORPUS, "models", name, "exports", a.generation)
        os.makedirs(edir, exist_ok=True)
        prov = {}
        for cname in configs:
            cfg = zoo.CONFIGS[cname]
            if "same_onnx_as" in cfg:
                continue
            rec = export_isolated(name, cname, a.generation) if dynamo else export_one(name, desc, cname, cfg, edir)
            prov[cname] = rec
            print(f"{a.generation} {name} {cname}: {rec['status']} {rec.get('message', '')}", file=sys.stderr)
        with open(os.path.join(edir, "provenance.json"), "w") as f:
            json.dump({"generation": a.generation, "versions": versions(), "exports": prov}, f, indent=1,
                      sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
