"""The corpus's Hugging Face transformers and timm architectures, at small sizes, random weights.

Every model is built from the library's own classes (transformers 5.17.0, timm 1.0.29) with a
reduced configuration and zoo.py's fixed seed; no weights are downloaded. Their references are
traced with torch 2.13 (transformers 5 needs torch >= 2.2):

    .cache/converters/torch-2.13/venv/bin/python model-corpus/builders/build_references.py \
        --generation torch-2.13 --only bert_tiny ...

Generations torch-1.13.1 and torch-2.6.0 cannot build these modules (transformers 5.17 refuses
torch 1.13; its compiled dependencies have no wheels for trixie's Python 3.13 on the index, and
Debian's python3-regex is older than transformers' runtime check accepts), so they export the
committed TorchScript reference itself (torch.onnx.export of a ScriptModule, as a team that ships
TorchScript does); the torch-2.13 generations export the eager module. provenance.json records
which ("exported_from").

Imported by zoo.py (models(M) adds these entries to zoo.MODELS); transformers and timm are imported
only when a model is built, so zoo.py still imports under torch 1.13 and 2.6 without them.
"""
import torch
import torch.nn as nn

VOCAB = 256
SEQ = 8


def _hf():
    import zoo
    zoo._torchvision()  # transformers' image utilities import torchvision
    import transformers
    transformers.logging.set_verbosity_error()
    return transformers


def _timm():
    import zoo
    zoo._torchvision()
    import timm
    return timm


class TextLogits(nn.Module):
    """A transformers model called with ids and a mask, returning one tensor (traceable; named
    positional inputs, as torch.export's dynamic_shapes need)."""

    def __init__(self, model, output="logits"):
        super().__init__()
        self.model = model
        self.output = output

    def forward(self, input_ids, attention_mask):
        return getattr(self.model(input_ids=input_ids, attention_mask=attention_mask), self.output)


class TextLogitsTyped(TextLogits):
    """The same with token-type ids (BERT)."""

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return getattr(out, self.output)


class ImageLogits(nn.Module):
    def __init__(self, model, output="logits"):
        super().__init__()
        self.model = model
        self.output = output

    def forward(self, x):
        out = self.model(x)
        return out if isinstance(out, torch.Tensor) else getattr(out, self.output)


def _cfg(cls, **kw):
    return cls(**kw)


# ---- transformers: text -------------------------------------------------------------------------

def bert_tiny():
    t = _hf()
    cfg = t.BertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                       intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, num_labels=3,
                       attn_implementation="eager")
    return TextLogitsTyped(t.BertForSequenceClassification(cfg))


def distilbert_tiny():
    t = _hf()
    cfg = t.DistilBertConfig(vocab_size=VOCAB, dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                             max_position_embeddings=64, num_labels=3, attn_implementation="eager")
    return TextLogits(t.DistilBertForSequenceClassification(cfg))


def roberta_tiny():
    t = _hf()
    cfg = t.RobertaConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                          intermediate_size=64, max_position_embeddings=80, type_vocab_size=1, num_labels=3,
                          pad_token_id=1)
    return TextLogits(t.RobertaForSequenceClassification(cfg))


def gpt2_tiny():
    t = _hf()
    cfg = t.GPT2Config(vocab_size=VOCAB, n_positions=64, n_embd=32, n_layer=2, n_head=4, use_cache=False)
    return TextLogits(t.GPT2LMHeadModel(cfg))


def llama_gqa_tiny():
    t = _hf()
    cfg = t.LlamaConfig(vocab_size=VOCAB, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                        rope_theta=10000.0, use_cache=False, tie_word_embeddings=False)
    return TextLogits(t.LlamaForCausalLM(cfg))


def t5_encoder_tiny():
    t = _hf()
    cfg = t.T5Config(vocab_size=VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                     relative_attention_num_buckets=8, relative_attention_max_distance=16,
                     feed_forward_proj="gated-gelu", use_cache=False, attn_implementation="eager")
    return TextLogits(t.T5EncoderModel(cfg), output="last_hidden_state")


# ---- transformers: audio and vision -------------------------------------------------------------

WHISPER_MELS, WHISPER_POS = 8, 16


def whisper_encoder_tiny():
    t = _hf()
    cfg = t.WhisperConfig(vocab_size=VOCAB, num_mel_bins=WHISPER_MELS, d_model=32, encoder_layers=2,
                          encoder_attention_heads=4, decoder_layers=1, decoder_attention_heads=4,
                          encoder_ffn_dim=64, decoder_ffn_dim=64, max_source_positions=WHISPER_POS,
                          max_target_positions=16, use_cache=False, pad_token_id=0, bos_token_id=1,
                          eos_token_id=2, decoder_start_token_id=1, begin_suppress_tokens=None, suppress_tokens=None)
    return ImageLogits(t.WhisperModel(cfg).get_encoder(), output="last_hidden_state")


def vit_hf_tiny():
    t = _hf()
    cfg = t.ViTConfig(image_size=32, patch_size=8, num_channels=3, hidden_size=32, num_hidden_layers=2,
                      num_attention_heads=4, intermediate_size=64, hidden_act="gelu_pytorch_tanh", num_labels=10)
    return ImageLogits(t.ViTForImageClassification(cfg))


def swin_hf_tiny():
    t = _hf()
    cfg = t.SwinConfig(image_size=32, patch_size=2, num_channels=3, embed_dim=16, depths=[1, 1], num_heads=[2, 4],
                       window_size=4, num_labels=10)
    return ImageLogits(t.SwinForImageClassification(cfg))


# ---- timm ---------------------------------------------------------------------------------------

def timm_convnext():
    _timm()
    from timm.models.convnext import ConvNeXt
    return ConvNeXt(depths=(1, 1, 1, 1), dims=(8, 16, 24, 32), num_classes=10, ls_init_value=0.3)


def timm_efficientnet():
    _timm()
    from timm.models.efficientnet import _gen_efficientnet
    from timm.layers import BatchNormAct2d
    m = _gen_efficientnet("efficientnet_b0", channel_multiplier=0.25, depth_multiplier=0.25, pretrained=False,
                          num_classes=10)
    # the 1280-wide head would be most of the weights (corpus size budget): 96 wide instead
    m.conv_head = nn.Conv2d(m.conv_head.in_channels, 96, 1, bias=False)
    m.bn2 = BatchNormAct2d(96, act_layer=nn.SiLU)
    m.num_features = m.head_hidden_size = 96
    m.classifier = nn.Linear(96, 10)
    return m


def timm_mobilevit():
    _timm()
    from timm.models.byobnet import ByobNet, ByoModelCfg
    from timm.models.mobilevit import _inverted_residual_block, _mobilevitv2_block
    # mobilevitv2's block structure at widths 16-64 and one transformer layer per stage
    cfg = ByoModelCfg(blocks=(_inverted_residual_block(d=1, c=16, s=1, br=2.0),
                              _inverted_residual_block(d=1, c=24, s=2, br=2.0),
                              _mobilevitv2_block(d=1, c=48, s=2, transformer_depth=1),
                              _mobilevitv2_block(d=1, c=64, s=2, transformer_depth=1)),
                      stem_chs=8, stem_type="3x3", stem_pool="", downsample="", act_layer="silu")
    return ByobNet(cfg=cfg, num_classes=10)


def timm_regnet():
    _timm()
    from timm.models.regnet import RegNet, RegNetCfg
    return RegNet(RegNetCfg(depth=6, w0=8, wa=8.0, wm=2.0, group_size=8, se_ratio=0.25, stem_width=8), num_classes=10)


def timm_resnet_d():
    _timm()
    from timm.models.resnet import BasicBlock, ResNet
    return ResNet(block=BasicBlock, layers=(1, 1, 1, 1), channels=(8, 16, 24, 32), stem_width=8, stem_type="deep",
                  avg_down=True, num_classes=10, zero_init_last=False)


def timm_deit():
    _timm()
    from timm.models.deit import VisionTransformerDistilled
    return VisionTransformerDistilled(img_size=32, patch_size=8, embed_dim=32, depth=2, num_heads=4, num_classes=10)


# ---- example inputs as users feed them ----------------------------------------------------------

def text_examples(names, batch=2, seq=SEQ, vocab=VOCAB):
    """Trace-time inputs: ids in the vocabulary, a mask whose second row has trailing padding (so the
    traced mask path is the general one, not an all-ones shortcut), token types 0 then 1."""
    def make(name, dtype=torch.float32):
        g = torch.Generator().manual_seed(1234)
        ids = torch.randint(2, vocab, (batch, seq), generator=g, dtype=torch.int64)
        mask = torch.ones(batch, seq, dtype=torch.int64)
        mask[1:, seq - 3:] = 0
        types = torch.zeros(batch, seq, dtype=torch.int64)
        types[:, seq // 2:] = 1
        ids = ids.masked_fill(mask == 0, 1 if name == "roberta_tiny" else 0)
        pool = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return tuple(pool[n] for n in names)
    return make


TEXT_DYN = ("batch", "seq")
IMG32 = [("x", "float32", [2, 3, 32, 32], None, None)]
IMG_DYN = {"x": {0: "batch"}, "logits": {0: "batch"}}


def _text_inputs(names):
    shapes = {"input_ids": ("int64", 0, VOCAB), "attention_mask": ("int64", 0, 2), "token_type_ids": ("int64", 0, 2)}
    return [(n, shapes[n][0], [2, SEQ], shapes[n][1], shapes[n][2]) for n in names]


ROLES = {"input_ids": "token-ids", "attention_mask": "attention-mask", "token_type_ids": "token-type-ids"}
SWEEP = {"batch": [1, 3], "seq": [1, SEQ, 2 * SEQ]}
HF_CONFIGS = ["opset17"]


def models(M):
    """The entries zoo.MODELS gains: name -> zoo.M(...)."""
    def text(make, names, outputs, family, task, notes, last_position=()):
        dyn = {n: {0: "batch", 1: "seq"} for n in names}
        return M(make, _text_inputs(names), outputs, family, task, notes, dynamic=dyn, configs=HF_CONFIGS,
                 library="transformers", roles={n: ROLES[n] for n in names}, sweep=SWEEP,
                 last_position=list(last_position), examples=text_examples(names))

    def image(make, family, notes, library, inputs=IMG32, dynamic=IMG_DYN, outputs=("logits",), task="classification",
              bn_stats=False):
        return M(make, inputs, list(outputs), family, task, notes, dynamic=dynamic, configs=HF_CONFIGS,
                 library=library, bn_stats=bn_stats)

    ids_mask = ["input_ids", "attention_mask"]
    return {
        "bert_tiny": text(bert_tiny, ["input_ids", "attention_mask", "token_type_ids"], ["logits"], "bert",
                          "text-classification", "BertForSequenceClassification, 2 layers, hidden 32, vocab 256, eager attention"),
        "distilbert_tiny": text(distilbert_tiny, ids_mask, ["logits"], "distilbert", "text-classification",
                                "DistilBertForSequenceClassification, 2 layers, dim 32, eager attention"),
        "roberta_tiny": text(roberta_tiny, ids_mask, ["logits"], "roberta", "text-classification",
                             "RobertaForSequenceClassification, 2 layers, SDPA attention, positions from ids (pad id 1)"),
        "gpt2_tiny": text(gpt2_tiny, ids_mask, ["logits"], "gpt2", "causal-lm",
                          "GPT2LMHeadModel, 2 layers, 4 heads, SDPA attention, tied embeddings", last_position=["logits"]),
        "llama_gqa_tiny": text(llama_gqa_tiny, ids_mask, ["logits"], "llama", "causal-lm",
                               "LlamaForCausalLM, grouped-query attention (4 heads, 2 KV heads), RoPE, RMSNorm, SiLU gate",
                               last_position=["logits"]),
        "t5_encoder_tiny": text(t5_encoder_tiny, ids_mask, ["hidden"], "t5", "text-encoder",
                                "T5EncoderModel, 2 layers, relative position buckets, gated GELU, eager attention"),
        "whisper_encoder_tiny": image(whisper_encoder_tiny, "whisper", "WhisperEncoder, 8 mel bins, 32 frames, 2 layers",
                                      "transformers",
                                      inputs=[("input_features", "float32", [2, WHISPER_MELS, 2 * WHISPER_POS], None, None)],
                                      dynamic={"input_features": {0: "batch"}}, outputs=["hidden"], task="audio-encoder"),
        "vit_hf_tiny": image(vit_hf_tiny, "vit", "ViTForImageClassification 32px, patch 8, GELU-tanh", "transformers"),
        "swin_hf_tiny": image(swin_hf_tiny, "swin", "SwinForImageClassification, embed 16, depths [1,1], window 4",
                              "transformers"),
        "timm_convnext": image(timm_convnext, "convnext", "timm ConvNeXt, dims 8-32, layer scale 0.3", "timm"),
        "timm_efficientnet": image(timm_efficientnet, "efficientnet", "timm EfficientNet-B0, width 0.25, depth 0.25, head 96",
                                   "timm", bn_stats=True),
        "timm_mobilevit": image(timm_mobilevit, "mobilevit", "timm MobileViTv2 blocks, widths 16-64, one transformer layer per stage (separable self-attention)",
                                "timm", bn_stats=True),
        "timm_regnet": image(timm_regnet, "regnet", "timm RegNet, depth 6, w0 8, group 8, squeeze-excite", "timm",
                             bn_stats=True),
        "timm_resnet_d": image(timm_resnet_d, "resnet", "timm ResNet-D: deep stem, average-pool downsampling, 8-32",
                               "timm", bn_stats=True),
        "timm_deit": image(timm_deit, "deit", "timm DeiT with distillation token, 32px, patch 8, dim 32", "timm"),
    }
