#!/usr/bin/env python3
"""Build the full-size Hugging Face transformers and timm models into .cache/full-corpus/ (git-ignored).

The published configurations of real checkpoints, written out as config arguments (nothing can be
downloaded: the classes' defaults are the published base sizes where the library says so), fixed
seeds (zoo.seed_of), random init; each with its traced reference and float64 twin (torch 2.13) and
torch-2.13-legacy (opset 17) and torch-2.13-dynamo (opset 18) exports, through build_references.build
and export.export_one, the manifest layout hf_zoo.py writes (roles, sweep, last_position). The entries
are merged into .cache/full-corpus/manifest.json beside build_full.py's torchvision models.

Run by `./parity corpus build --full` after the torch-1.13.1 part, with the torch-2.13 venv's python
(model-corpus/converters/torch-2.13-venv.sh full), or by hand:
    .cache/converters/torch-2.13/venv/bin/python model-corpus/builders/build_full_hf.py [--only NAME ...]
A build failure of one model (an exporter crash, a failed checker) is recorded in its provenance.json
and the build goes on; exit 1 when a model could not be built at all.
"""
import argparse
import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_full  # noqa: E402
import build_references  # noqa: E402
import export  # noqa: E402
import hf_zoo  # noqa: E402
import zoo  # noqa: E402

OUT = build_full.OUT
SEQ = 16  # the traced sequence length; the sweep tries 1, 16 and 32
SWEEP = {"batch": [1, 3], "seq": [1, SEQ, 2 * SEQ]}
GENERATIONS = {"torch-2.13-legacy": "opset17", "torch-2.13-dynamo": "opset18"}


# ---- the published configurations --------------------------------------------------------------

def bert_base():
    t = hf_zoo._hf()
    # bert-base-uncased: BertConfig()'s defaults (12 layers, hidden 768, 12 heads, vocab 30522);
    # eager attention as the small bert_tiny
    return hf_zoo.TextLogitsTyped(t.BertForSequenceClassification(t.BertConfig(num_labels=2, attn_implementation="eager")))


def gpt2_124m():
    t = hf_zoo._hf()
    # gpt2 (124M): GPT2Config()'s defaults (12 layers, 768, 12 heads, vocab 50257, 1024 positions), SDPA
    return hf_zoo.TextLogits(t.GPT2LMHeadModel(t.GPT2Config(use_cache=False)))


def smollm_135m():
    t = hf_zoo._hf()
    # HuggingFaceTB/SmolLM-135M's published config.json: a LLaMA with grouped-query attention (9 heads,
    # 3 KV heads), RoPE, RMSNorm, SiLU gate, tied embeddings; 30 layers, hidden 576
    cfg = t.LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                        num_attention_heads=9, num_key_value_heads=3, max_position_embeddings=2048,
                        rms_norm_eps=1e-5, rope_theta=10000.0, hidden_act="silu", attention_bias=False,
                        tie_word_embeddings=True, bos_token_id=0, eos_token_id=0, use_cache=False)
    return hf_zoo.TextLogits(t.LlamaForCausalLM(cfg))


def t5_small_encoder():
    t = hf_zoo._hf()
    # t5-small: T5Config()'s defaults (d_model 512, 6 layers, 8 heads, d_ff 2048, ReLU, 32 buckets)
    return hf_zoo.TextLogits(t.T5EncoderModel(t.T5Config(use_cache=False, attn_implementation="eager")),
                             output="last_hidden_state")


def whisper_tiny_encoder():
    t = hf_zoo._hf()
    # openai/whisper-tiny: WhisperConfig()'s defaults (d_model 384, 4 layers, 6 heads, 80 mels, 1500 positions)
    return hf_zoo.ImageLogits(t.WhisperModel(t.WhisperConfig(use_cache=False)).get_encoder(),
                              output="last_hidden_state")


def vit_base():
    t = hf_zoo._hf()
    # google/vit-base-patch16-224: ViTConfig()'s defaults (224 px, patch 16, 12 layers, 768, GELU), 1000 classes
    return hf_zoo.ImageLogits(t.ViTForImageClassification(t.ViTConfig(num_labels=1000)))


def timm_model(name):
    def make():
        timm = hf_zoo._timm()
        return timm.create_model(name, pretrained=False)
    return make


# ---- manifest entries ---------------------------------------------------------------------------

def text(make, names, vocab, outputs, family, task, notes, last_position=()):
    inputs = [(n, "int64", [2, SEQ], 0, vocab if n == "input_ids" else 2) for n in names]
    return zoo.M(make, inputs, outputs, family, task, notes, dynamic={n: {0: "batch", 1: "seq"} for n in names},
                 configs=hf_zoo.HF_CONFIGS, library="transformers", roles={n: hf_zoo.ROLES[n] for n in names},
                 sweep=SWEEP, last_position=list(last_position),
                 examples=hf_zoo.text_examples(names, seq=SEQ, vocab=vocab))


def image(make, family, notes, library, size=224, inputs=None, dynamic=None, outputs=("logits",),
          task="classification", bn_stats=False):
    # batch 2 in the example, as hf_zoo.py: torch.export cannot keep a Dim("batch") whose example size is
    # 1 where the model guards on it (timm convnext_atto: "Invalid ranges [2:1]", see docs/corpus.md)
    return zoo.M(make, inputs or [("x", "float32", [2, 3, size, size], None, None)], list(outputs), family, task,
                 notes, dynamic=dynamic or {"x": {0: "batch"}, outputs[0]: {0: "batch"}}, configs=hf_zoo.HF_CONFIGS,
                 library=library, bn_stats=bn_stats)


IDS_MASK = ["input_ids", "attention_mask"]
FULL_HF = {
    "bert_base": text(bert_base, IDS_MASK + ["token_type_ids"], 30522, ["logits"], "bert", "text-classification",
                      "BertForSequenceClassification, bert-base-uncased's config (12 layers, 768, vocab 30522), "
                      "eager attention, random init"),
    "gpt2_124m": text(gpt2_124m, IDS_MASK, 50257, ["logits"], "gpt2", "causal-lm",
                      "GPT2LMHeadModel, gpt2's config (124M: 12 layers, 768, vocab 50257), SDPA, tied embeddings",
                      last_position=["logits"]),
    "smollm_135m": text(smollm_135m, IDS_MASK, 49152, ["logits"], "llama", "causal-lm",
                        "LlamaForCausalLM, HuggingFaceTB/SmolLM-135M's config (30 layers, 576, 9 heads, 3 KV heads, "
                        "vocab 49152), RoPE, SDPA, tied embeddings", last_position=["logits"]),
    "t5_small_encoder": text(t5_small_encoder, IDS_MASK, 32128, ["hidden"], "t5", "text-encoder",
                             "T5EncoderModel, t5-small's config (6 layers, 512, 8 heads, ReLU FF), eager attention"),
    "whisper_tiny_encoder": image(whisper_tiny_encoder, "whisper",
                                  "WhisperEncoder, whisper-tiny's config (4 layers, 384, 6 heads), 80 mels x 3000 frames",
                                  "transformers", inputs=[("input_features", "float32", [2, 80, 3000], None, None)],
                                  dynamic={"input_features": {0: "batch"}}, outputs=("hidden",), task="audio-encoder"),
    "vit_base_patch16_224": image(vit_base, "vit", "ViTForImageClassification, vit-base-patch16-224's config "
                                  "(12 layers, 768, GELU), 1000 classes", "transformers"),
    "timm_convnext_atto": image(timm_model("convnext_atto"), "convnext",
                                "timm convnext_atto (3.7M), layer scale", "timm"),
    "timm_efficientnet_b0": image(timm_model("efficientnet_b0"), "efficientnet", "timm efficientnet_b0 (5.3M)", "timm",
                                  bn_stats=True),
    "timm_mobilevitv2_050": image(timm_model("mobilevitv2_050"), "mobilevit",
                                  "timm mobilevitv2_050 (1.4M), 256 px, separable self-attention", "timm", size=256,
                                  bn_stats=True),
    "timm_regnety_002": image(timm_model("regnety_002"), "regnet", "timm regnety_002 (3.2M), squeeze-excite", "timm",
                              bn_stats=True),
    "timm_resnet18d": image(timm_model("resnet18d"), "resnet", "timm resnet18d (11.7M), deep stem, avg-pool downsampling",
                            "timm", bn_stats=True),
    "timm_deit_tiny": image(timm_model("deit_tiny_patch16_224"), "deit", "timm deit_tiny_patch16_224 (5.7M)", "timm"),
}


# The expected outcomes (.cache/full-corpus/expectations.json, read by `parity run --corpus full`):
# what each architecture is known to do, as its small counterpart's rule in model-corpus/expectations.json
# says (same classes, same attention implementation, same exporters); a model not listed is faithful.
_SDPA_PADDED_ROW = ("only the padded-row cases (one sequence entirely padding), as {small} in this generation: "
                    "transformers' SDPA attention masks every key of that row; PyTorch >= 2.5's "
                    "scaled_dot_product_attention returns zeros for a fully masked query row, the dynamo export's "
                    "attention comes out finite but different, and through every later layer the row's logits and "
                    "its last-position top-1 differ; trailing padding and unpadded sequences are faithful")
EXPECT = {
    "gpt2_124m": [{"generation": "torch-2.13-dynamo", "outcome": "numeric-discrepancy",
                   "cause": _SDPA_PADDED_ROW.format(small="gpt2_tiny")}],
    "smollm_135m": [{"generation": "torch-2.13-dynamo", "outcome": "numeric-discrepancy",
                     "cause": _SDPA_PADDED_ROW.format(small="llama_gqa_tiny")}],
}


def write_expectations(built):
    """Rewrites the rules of the models built here in .cache/full-corpus/expectations.json, keeping the
    others of models the manifest still has (the torchvision part has none: every pair of it is
    expected faithful). Run after merge_manifest."""
    path = os.path.join(OUT, "expectations.json")
    doc = {"format": 1, "about": "Expected outcome of every pair of the full-size corpus, with its cause; written by "
           "model-corpus/builders/build_full_hf.py from its small counterparts' rules in "
           "model-corpus/expectations.json. A pair no rule matches is expected to be faithful.", "rules": []}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)["rules"]
        with open(os.path.join(OUT, "manifest.json")) as f:
            present = {e["name"] for e in json.load(f)["models"]}
        doc["rules"] = [r for r in old if r["model"] not in built and r["model"] in present]
    for name in built:
        doc["rules"].append({"model": name, "outcome": "faithful"})
        doc["rules"].extend(dict(model=name, **r) for r in EXPECT.get(name, ()))
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def du(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def build_one(name, desc):
    t0 = time.perf_counter()
    entry = build_references.build(name, desc, {}, all_probes=False)
    entry["builder"] = "builders/build_full_hf.py#" + name
    # the manifest names only the generations built here
    entry["configs"] = [dict(zoo.CONFIGS[c], name=c, generations=[g]) for g, c in GENERATIONS.items()]
    for gen, cname in GENERATIONS.items():
        edir = os.path.join(OUT, "models", name, "exports", gen)
        os.makedirs(edir, exist_ok=True)
        # in-process even for dynamo: export.export_isolated's reason (LSTM/GRU dispatch cache) does
        # not apply to these models, and it would re-import zoo without them
        rec = export.export_one(name, desc, cname, zoo.CONFIGS[cname], edir, dynamo=zoo.GENERATIONS[gen]["dynamo"])
        print(f"full corpus: {name} {gen} {cname}: {rec['status']} {rec.get('message', '')}", file=sys.stderr)
        with open(os.path.join(edir, "provenance.json"), "w") as f:
            json.dump({"generation": gen, "versions": export.versions(), "exports": {cname: rec}}, f, indent=1,
                      sort_keys=True)
            f.write("\n")
        gc.collect()
    mb = du(os.path.join(OUT, "models", name)) / 1e6
    print(f"full corpus: {name} built in {time.perf_counter() - t0:.0f} s, {mb:.0f} MB", file=sys.stderr)
    return entry


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="only these models (the others' manifest entries are kept)")
    a = ap.parse_args()
    import torch
    torch.set_num_threads(2)
    unknown = sorted(set(a.only or ()) - set(FULL_HF))
    if unknown:
        print(f"unknown model(s) {unknown}, expected some of {sorted(FULL_HF)}", file=sys.stderr)
        return 1  # not 2: the wrapper's 2 means "no torch-2.13 venv"
    zoo.MODELS.clear()
    zoo.MODELS.update(FULL_HF)
    os.makedirs(os.path.join(OUT, "models"), exist_ok=True)
    build_references.CORPUS = OUT
    export.CORPUS = OUT
    entries, failed = [], []
    for name, desc in FULL_HF.items():
        if a.only and name not in a.only:
            continue
        print("full corpus:", name, file=sys.stderr)
        try:
            entries.append(build_one(name, desc))
        except Exception as e:  # the model itself cannot be built or traced: say so, build the others
            failed.append(name)
            print(f"full corpus: {name} not built: {export._first_line(e)}", file=sys.stderr)
        gc.collect()
    # a whole build replaces every earlier transformers/timm entry; --only keeps the others
    build_full.merge_manifest(entries, "torch-2.13-legacy", torch.__version__,
                              owns=None if a.only else (lambda e: bool(e.get("library"))))
    write_expectations([e["name"] for e in entries])
    print("wrote", OUT)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
