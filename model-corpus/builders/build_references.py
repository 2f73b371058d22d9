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


def table_split(loader):
    """A scikit-learn table standardised by its training part's mean and deviation; 30% held out."""
    d = loader()
    x = d.data.astype(np.float64)
    y = d.target.astype(np.int64)
    perm = np.random.default_rng(0).permutation(len(y))
    n_test = int(round(0.3 * len(y)))
    test, train = perm[:n_test], perm[n_test:]
    mu, sd = x[train].mean(0), x[train].std(0) + 1e-8
    x = ((x - mu) / sd).astype(np.float32)
    return x[train], y[train], x[test], y[test]


def load_datasets():
    """name -> (x_train, y_train, x_test, y_test, source): every labelled set the corpus trains on."""
    from sklearn.datasets import load_breast_cancer, load_wine
    out = {"digits": digits_split() + ("sklearn.datasets.load_digits, 540 held-out images",)}
    w = table_split(load_wine)
    out["wine"] = w + (f"sklearn.datasets.load_wine, standardised, {len(w[3])} held-out rows",)
    c = table_split(load_breast_cancer)
    out["breast_cancer"] = c + (f"sklearn.datasets.load_breast_cancer, standardised, {len(c[3])} held-out rows",)
    return out


def dataset_file(name):
    return os.path.join(CORPUS, "datasets", name + "_test.npz")


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


def build(name, desc, datasets, all_probes=False):
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
                                **({"low": lo, "high": hi} if lo is not None else {}),
                                **({"role": desc["roles"][n]} if n in desc.get("roles", {}) else {})})
    if desc.get("library"):
        entry["library"] = desc["library"]
    if desc.get("sweep"):
        entry["sweep"] = desc["sweep"]
    if desc.get("last_position"):
        entry["last_position"] = desc["last_position"]
    entry["reference_torch"] = torch.__version__
    if desc["dataset"]:
        xtr, ytr, xte, yte, _ = datasets[desc["dataset"]]
        model = train_digits(model, xtr, ytr)
        if desc["mode"] == "train":
            model.train()
        entry["dataset"] = rel(dataset_file(desc["dataset"]))
        with torch.no_grad():
            acc = (model.eval()(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()
        if desc["mode"] == "train":
            model.train()
        entry["notes"] += f" (reference test accuracy {acc:.4f} in eval mode on {len(yte)} held-out rows)"
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
        if (name in LARGE or desc.get("library")) and not all_probes:
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
    datasets = load_datasets()
    os.makedirs(os.path.join(CORPUS, "datasets"), exist_ok=True)
    mpath = os.path.join(CORPUS, "manifest.json")
    old, old_manifest = {}, None
    if os.path.exists(mpath) and a.only:
        old_manifest = json.load(open(mpath))
        old = {m["name"]: m for m in old_manifest["models"]}
    ds_entries = {}
    for dname, (_, _, xte, yte, source) in datasets.items():
        ds = dataset_file(dname)
        if not os.path.exists(ds) or not a.only:
            np.savez(ds, x=xte, labels=yte)
        ds_entries[dname + "_test"] = {"path": rel(ds), "sha256": zoo.sha256(ds), "source": source,
                                       "inputs": ["x"], "labels": "labels"}
    models = []
    for name, desc in zoo.MODELS.items():
        if a.only and name not in a.only:
            if name in old:
                models.append(old[name])
            continue
        print("reference:", name, file=sys.stderr)
        models.append(build(name, desc, datasets, a.all_probes))
    # the models built before this one keep the generation and torch they were built with
    manifest = {"format": 1,
                "reference_generation": old_manifest["reference_generation"] if old_manifest else a.generation,
                "reference_torch": old_manifest["reference_torch"] if old_manifest else torch.__version__,
                "datasets": ds_entries, "models": models}
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
