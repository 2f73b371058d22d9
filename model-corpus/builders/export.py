#!/usr/bin/env python3
"""Export every corpus model under every configuration with the torch.onnx of the running Python.

    python3 export.py --generation torch-1.13.1 [--only NAME ...]

The weights come from each model's committed TorchScript reference (copied into a fresh eager module
built by zoo.py), so every converter generation exports the same weights. Writes
models/<name>/exports/<generation>/<config>.onnx and provenance.json. An exporter crash or an ONNX
checker failure is recorded in provenance as a result, not raised.
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
    model.load_state_dict(ref.state_dict())
    return model


def export_one(name, desc, cname, cfg, edir):
    import onnx
    out = os.path.join(edir, cname + ".onnx")
    rec = {"converter": "torch.onnx", "torch_version": torch.__version__, "onnx_version": onnx.__version__,
           "opset": cfg["opset"], "do_constant_folding": cfg["fold"],
           "dynamic_axes": desc["dynamic"] if cfg["dynamic"] else {}, "file": cname + ".onnx"}
    model = load_eager(name)
    args = zoo.example_inputs(name)
    names_in = [i[0] for i in desc["inputs"]]
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            kwargs = {}
            if "dynamo" in torch.onnx.export.__code__.co_varnames:
                kwargs["dynamo"] = False  # the TorchScript-based exporter in every generation
            torch.onnx.export(model, args, out, opset_version=cfg["opset"], input_names=names_in,
                              output_names=desc["outputs"],
                              dynamic_axes=(desc["dynamic"] or None) if cfg["dynamic"] else None,
                              do_constant_folding=cfg["fold"], **kwargs)
            rec["status"] = "ok"
        except Exception as e:
            rec["status"] = "export-crash"
            rec["message"] = (type(e).__name__ + ": " + str(e)).strip().splitlines()[0][:400]
    rec["export_seconds"] = round(time.perf_counter() - t0, 3)
    rec["warnings"] = sorted({str(w.message).strip().splitlines()[0][:300] for w in caught})
    if rec["status"] == "ok":
        try:
            onnx.checker.check_model(onnx.load(out), full_check=True)
        except Exception as e:
            rec["status"] = "checker-failure"
            rec["message"] = (type(e).__name__ + ": " + str(e)).strip().splitlines()[0][:400]
        rec["sha256"] = zoo.sha256(out)
        rec["bytes"] = os.path.getsize(out)
    elif os.path.exists(out):
        os.remove(out)
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generation", required=True)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    torch.set_num_threads(1)
    for name, desc in zoo.MODELS.items():
        if a.only and name not in a.only:
            continue
        edir = os.path.join(CORPUS, "models", name, "exports", a.generation)
        os.makedirs(edir, exist_ok=True)
        prov = {}
        for cname in desc["configs"]:
            cfg = zoo.CONFIGS[cname]
            if "same_onnx_as" in cfg:
                continue
            rec = export_one(name, desc, cname, cfg, edir)
            prov[cname] = rec
            print(f"{a.generation} {name} {cname}: {rec['status']} {rec.get('message', '')}", file=sys.stderr)
        with open(os.path.join(edir, "provenance.json"), "w") as f:
            json.dump({"generation": a.generation, "exports": prov}, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
