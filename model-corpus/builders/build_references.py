#!/usr/bin/env python3
"""Fix the corpus's weights once: write every model's TorchScript reference, its float64 twin, the
scripted variants, the digits data set, and model-corpus/manifest.json.

Run once with the host's converter generation (Debian bookworm's python3-torch 1.13.1):
    /usr/bin/python3 model-corpus/builders/build_references.py [--only NAME ...]
Re-running changes the weights only if zoo.py changes: seeds are fixed per model name.
"""
import argparse
import copy
import json
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo  # noqa: E402

CORPUS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))




def rel(path):
    return os.path.relpath(path, CORPUS)


def digits_split():
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int64)
    perm = np.random.default_rng(0).permutation(len(y))
    test, train = perm[:540], perm[540:]
    return x[train], y[train], x[test], y[test]


def train_digits(model, x, y):
    g = torch.Generator().manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(15):
        perm = torch.randperm(len(yt), generator=g)
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    return model.eval()


# Probes of the two largest real architectures (4 MB together) are built only with --all-probes,
# to keep the committed corpus small.
LARGE = {"efficientnet_b0", "mobilenet_v3_small"}


def build(name, desc, digits, all_probes=False):
    mdir = os.path.join(CORPUS, "models", name)
    os.makedirs(mdir, exist_ok=True)
    model = zoo.make_model(name)
    entry = {"name": name, "family": desc["family"], "task": desc["task"], "notes": desc["notes"],
             "builder": "builders/zoo.py#" + name, "seed": zoo.seed_of(name), "mode": desc["mode"],
             "inputs": [], "outputs": desc["outputs"], "references": {}, "configs": [], "expect": desc["expect"]}
    for n, dt, shape, lo, hi in desc["inputs"]:
        dyn = desc["dynamic"].get(n, {})
        entry["inputs"].append({"name": n, "dtype": dt, "shape": shape,
                                "symbolic": {str(k): v for k, v in dyn.items()},
                                **({"low": lo, "high": hi} if lo is not None else {})})
    if desc["dataset"] == "digits":
        xtr, ytr, xte, yte = digits
        model = train_digits(model, xtr, ytr)
        entry["dataset"] = "datasets/digits_test.npz"
        with torch.no_grad():
            acc = (model(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()
        entry["notes"] += f" (reference test accuracy {acc:.4f} on 540 held-out digits)"
    args32 = zoo.example_inputs(name)
    args64 = zoo.example_inputs(name, torch.float64)
    problems = []
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = os.path.join(mdir, "reference.pt")
        torch.jit.save(torch.jit.trace(model, args32, check_trace=False), path)
        entry["references"]["traced"] = rel(path)
        m64 = copy.deepcopy(model).double()
        try:
            path = os.path.join(mdir, "reference64.pt")
            torch.jit.save(torch.jit.trace(m64, args64, check_trace=False), path)
            entry["references"]["traced64"] = rel(path)
        except Exception as e:  # a twin that cannot be traced is reported, not fatal
            problems.append("float64 twin (traced): " + str(e).splitlines()[0])
        if desc["scriptable"]:
            try:
                path = os.path.join(mdir, "scripted.pt")
                torch.jit.save(torch.jit.script(copy.deepcopy(model)), path)
                entry["references"]["scripted"] = rel(path)
                path = os.path.join(mdir, "scripted64.pt")
                torch.jit.save(torch.jit.script(copy.deepcopy(m64)), path)
                entry["references"]["scripted64"] = rel(path)
            except Exception as e:
                problems.append("scripting: " + str(e).splitlines()[0])
    try:
        import probe
        if name in LARGE and not all_probes:
            raise StopIteration
        normal, names = probe.save_probe(copy.deepcopy(model), args32, mdir, args64)
        entry["probe"] = {"torch": rel(os.path.join(mdir, "probe.pt")), "torch64": rel(os.path.join(mdir, "probe64.pt")),
                          "spec": rel(os.path.join(mdir, "probe.json")), "boundaries": len(names)}
    except StopIteration:
        for f in ("probe.pt", "probe64.pt", "probe.json"):
            if os.path.exists(os.path.join(mdir, f)):
                os.remove(os.path.join(mdir, f))
    except Exception as e:  # a model whose probe cannot be traced is reported, not fatal
        problems.append("probe: " + str(e).splitlines()[0])
    entry["configs"] = zoo.manifest_configs(name)
    entry["problems"] = problems
    pinned = list(entry["references"].values()) + ([entry["probe"]["torch"], entry["probe"]["torch64"]] if "probe" in entry else [])
    entry["sha256"] = {v: zoo.sha256(os.path.join(CORPUS, v)) for v in pinned}
    return entry


def rewrite_configs():
    mpath = os.path.join(CORPUS, "manifest.json")
    with open(mpath) as f:
        manifest = json.load(f)
    for entry in manifest["models"]:
        entry["configs"] = zoo.manifest_configs(entry["name"])
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*")
    # Named after the Debian package version: bookworm's python3-torch 1.13.1 reports 1.13.0a0.
    ap.add_argument("--generation", default="torch-1.13.1")
    ap.add_argument("--all-probes", action="store_true", help="also probe the largest architectures")
    ap.add_argument("--configs-only", action="store_true",
                    help="rewrite only the configurations of manifest.json from zoo.py (weights, references and "
                         "pins untouched; runs under any converter generation's Python)")
    a = ap.parse_args()
    if a.configs_only:
        rewrite_configs()
        return
    torch.set_num_threads(1)
    digits = digits_split()
    os.makedirs(os.path.join(CORPUS, "datasets"), exist_ok=True)
    ds = os.path.join(CORPUS, "datasets", "digits_test.npz")
    np.savez(ds, x=digits[2], labels=digits[3])
    mpath = os.path.join(CORPUS, "manifest.json")
    old = {}
    if os.path.exists(mpath) and a.only:
        old = {m["name"]: m for m in json.load(open(mpath))["models"]}
    models = []
    for name, desc in zoo.MODELS.items():
        if a.only and name not in a.only:
            if name in old:
                models.append(old[name])
            continue
        print("reference:", name, file=sys.stderr)
        models.append(build(name, desc, digits, a.all_probes))
    manifest = {"format": 1, "reference_generation": a.generation,
                "reference_torch": torch.__version__,
                "datasets": {"digits_test": {"path": rel(ds), "sha256": zoo.sha256(ds),
                                             "source": "sklearn.datasets.load_digits, 540 held-out images",
                                             "inputs": ["x"], "labels": "labels"}},
                "models": models}
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
