#!/usr/bin/env python3
"""Build the full-size torchvision corpus on demand into .cache/full-corpus/ (git-ignored; 0.73 GB).

Real torchvision architectures at their published width and depth, fixed-seed random init (no weights
are downloaded), each with its float64 twin and torch-1.13.1 exports at opset 13 and 17; the same
manifest layout as model-corpus/, so `parity run --corpus full` checks it like the built-in corpus.
Run by `./parity corpus build --full` (Debian's /usr/bin/python3 with python3-torch, python3-torchvision,
python3-onnx). Its transformers and timm part is build_full_hf.py (torch 2.13): both merge their entries
into the one manifest (merge_manifest).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_references  # noqa: E402
import export  # noqa: E402
import zoo  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, ".cache", "full-corpus")


def tv(name, **kw):
    def make():
        import torchvision.models as m
        return getattr(m, name)(weights=None, **kw)
    return make


IMG224 = [("x", "float32", [1, 3, 224, 224], None, None)]
BATCH = {"x": {0: "batch"}, "logits": {0: "batch"}}
# MNASNet is left out: it versions its state dict, and the metadata does not survive a TorchScript
# state_dict, so the exporter cannot load the reference's weights back into the eager module.
FULL = {
    "resnet18": zoo.M(tv("resnet18"), IMG224, ["logits"], "resnet", "classification", "torchvision resnet18, full size",
                      dynamic=BATCH, configs=zoo.ARCH, bn_stats=True),
    "mobilenet_v3_small": zoo.M(tv("mobilenet_v3_small"), IMG224, ["logits"], "mobilenet", "classification",
                                "torchvision mobilenet_v3_small, full size", dynamic=BATCH, configs=zoo.ARCH, bn_stats=True),
    "squeezenet1_1": zoo.M(tv("squeezenet1_1"), IMG224, ["logits"], "squeezenet", "classification",
                           "torchvision squeezenet1_1, full size", dynamic=BATCH, configs=zoo.ARCH),
    "shufflenet_v2_x0_5": zoo.M(tv("shufflenet_v2_x0_5"), IMG224, ["logits"], "shufflenet", "classification",
                                "torchvision shufflenet_v2_x0_5, full size", dynamic=BATCH, configs=zoo.ARCH, bn_stats=True),
    "efficientnet_b0": zoo.M(tv("efficientnet_b0"), IMG224, ["logits"], "efficientnet", "classification",
                             "torchvision efficientnet_b0, full size", dynamic=BATCH, configs=zoo.ARCH, bn_stats=True),
    "regnet_y_400mf": zoo.M(tv("regnet_y_400mf"), IMG224, ["logits"], "regnet", "classification",
                            "torchvision regnet_y_400mf, full size", dynamic=BATCH, configs=zoo.ARCH, bn_stats=True),
}


def merge_manifest(entries, generation, torch_version, owns=None, primary=False):
    """Writes .cache/full-corpus/manifest.json with entries in it, keeping the other builder's models.

    Two builders share the manifest: this one (torchvision, torch 1.13.1) and build_full_hf.py
    (transformers and timm, torch 2.13). Existing entries of the same names are replaced in place;
    owns(entry) marks the calling builder's earlier entries, dropped when not rebuilt (a full build
    of one part leaves no stale model of that part). The header's reference generation and torch are
    the primary builder's (the torchvision part: `parity run --corpus full` checks its generation by
    default); each entry records its own reference_torch."""
    path = os.path.join(OUT, "manifest.json")
    old = {"format": 1, "reference_generation": generation, "reference_torch": torch_version, "datasets": {},
           "models": []}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
    new = {e["name"]: e for e in entries}
    models = []
    for e in old["models"]:
        if e["name"] in new:
            models.append(new.pop(e["name"]))
        elif not (owns and owns(e)):
            models.append(e)
    models.extend(new.values())
    header = (generation, torch_version) if primary else (old["reference_generation"], old["reference_torch"])
    with open(path, "w") as f:
        json.dump({"format": 1, "reference_generation": header[0], "reference_torch": header[1],
                   "datasets": old.get("datasets", {}), "models": models}, f, indent=1)
        f.write("\n")


def main():
    import torch
    torch.set_num_threads(2)
    zoo.MODELS.clear()
    zoo.MODELS.update(FULL)
    os.makedirs(os.path.join(OUT, "models"), exist_ok=True)
    build_references.CORPUS = OUT
    export.CORPUS = OUT
    digits = build_references.digits_split()
    models = []
    for name, desc in FULL.items():
        print("full corpus:", name, file=sys.stderr)
        entry = build_references.build(name, desc, digits, all_probes=False)
        # only torch-1.13.1 exports are built here: the manifest names that generation alone
        entry["configs"] = [dict(c, generations=["torch-1.13.1"]) for c in entry["configs"]
                            if "torch-1.13.1" in c.get("generations", ["torch-1.13.1"])]
        models.append(entry)
        edir = os.path.join(OUT, "models", name, "exports", "torch-1.13.1")
        os.makedirs(edir, exist_ok=True)
        prov = {c: export.export_one(name, desc, c, zoo.CONFIGS[c], edir) for c in desc["configs"]}
        with open(os.path.join(edir, "provenance.json"), "w") as f:
            json.dump({"generation": "torch-1.13.1", "exports": prov}, f, indent=1, sort_keys=True)
    merge_manifest(models, "torch-1.13.1", torch.__version__, owns=lambda e: not e.get("library"), primary=True)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
