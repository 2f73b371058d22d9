"""Parity's built-in model corpus: every model, its example inputs and its converter configurations.

Imported by build_references.py (run once, with the host's torch 1.13.1: fixes the weights) and by
export.py (run under each converter generation: exports those same weights). Must import under
torch 1.13 (Python 3.11), torch 2.6 (Python 3.13) and torch 2.13 (Python 3.11).
"""
import hashlib
import sys
import types
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---- micro-models: one converter pitfall (or one control) each --------------------------------------


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class AvgPoolCeil(nn.Module):
    """PyTorch divides a border window by the part inside the padded input; ONNX AveragePool
    (opset < 19) with count_include_pad=1 divides by the whole kernel."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)

    def forward(self, x):
        return self.pool(self.conv(x))


class MaxPoolCeil(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)

    def forward(self, x):
        return self.pool(self.conv(x))


class TokenClassifier(nn.Module):
    def __init__(self, vocab=50, dim=16, classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.proj = nn.Linear(dim, dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids, mask):
        h = torch.tanh(self.proj(self.emb(ids)))
        m = mask.unsqueeze(-1)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(12, 24), nn.GELU(), nn.Linear(24, 8))
        self.cls = nn.Linear(8, 5)

    def forward(self, x):
        z = self.body(x)
        return self.cls(z), F.normalize(z, dim=-1)


class DynamicBatchCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.bn = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2)
        self.fc = nn.Linear(8 * 3 * 3, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.conv1(x)))
        x = F.relu(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


class FrozenBatch(nn.Module):
    """Reads the batch size as a Python int: tracing freezes it at the traced size."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        n = int(x.shape[0])
        return self.fc(x.reshape(n, -1, 16).mean(1))


class ControlFlow(nn.Module):
    """A data-dependent branch: tracing records only the branch the example took."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = self.fc(x)
        if bool(h.sum() > 0):
            return h * 2.0
        return -h


class UnrolledLoop(nn.Module):
    """A Python loop over the sequence: tracing unrolls it for the traced length."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        acc = torch.zeros_like(x[:, 0])
        for t in range(x.size(1)):
            acc = torch.maximum(acc, self.fc(x[:, t]))
        return acc


class IntFloorDivide(nn.Module):
    """Integer floor division and remainder with negative operands."""

    def forward(self, a):
        return torch.div(a, 3, rounding_mode="floor"), torch.remainder(a, 3)


class BatchNormTrainMode(nn.Module):
    """Exported while still in training mode: the exporter switches to eval (running statistics)
    while the traced reference normalises with batch statistics."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        return self.bn(self.conv(x))


class InterpNearest(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=1.5, mode="nearest")


class InterpBilinearAlign(nn.Module):
    def forward(self, x):
        return F.interpolate(x, size=(9, 9), mode="bilinear", align_corners=True)


class InterpBicubic(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="bicubic", align_corners=False)


class GeluTanh(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.act = nn.GELU(approximate="tanh")

    def forward(self, x):
        return self.act(self.fc(x))


class LayerNormEps(nn.Module):
    """A large epsilon: dropping or changing it shows at small input magnitudes."""

    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(16, eps=0.1)

    def forward(self, x):
        return self.ln(x)


class MaskedSoftmax(nn.Module):
    """Fully masked rows give NaN in PyTorch: NaN placement must agree."""

    def forward(self, x, mask):
        return torch.softmax(x.masked_fill(mask, float("-inf")), dim=-1)


class AdaptivePoolUneven(nn.Module):
    """Adaptive pooling whose input size is not a multiple of the output size."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(3)

    def forward(self, x):
        return self.pool(self.conv(x))


class ArgmaxTopk(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        y = self.fc(x)
        v, i = torch.topk(y, 3, dim=-1)
        return torch.argmax(y, dim=-1), v, i


class GroupInstanceNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.gn = nn.GroupNorm(2, 8)
        self.inorm = nn.InstanceNorm2d(8, affine=True)

    def forward(self, x):
        return self.inorm(F.silu(self.gn(self.conv(x))))


class CumsumWhere(nn.Module):
    def forward(self, x):
        c = torch.cumsum(x, dim=-1)
        return torch.where(c > 0, c, 0.1 * c)


class PixelShuffleHardswish(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 16, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        return F.hardswish(self.shuffle(self.conv(x)))


class StdUnbiased(nn.Module):
    def forward(self, x):
        return x.std(dim=1), x.var(dim=1, unbiased=False)


class EinsumAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)

    def forward(self, x):
        s = torch.einsum("bqd,bkd->bqk", self.q(x), self.k(x)) / 8 ** 0.5
        return torch.softmax(s, dim=-1)


# ---- real architectures, reduced width and depth through their own constructors -----------------


def _torchvision():
    """Imports torchvision for its Python model classes only.

    The torch-2.13 generations install torchvision 0.28 without its dependencies next to torch
    2.13.0+cpu; its compiled ops are built for the CUDA torch and do not load, and its package
    __init__ then fails in _meta_registrations, which registers fake kernels for those ops
    (torchvision::nms, ...). No corpus model uses them: that module is replaced by an empty one."""
    try:
        import torchvision  # noqa: F401
    except RuntimeError as e:
        if "torchvision::" not in str(e):
            raise
        for k in [k for k in sys.modules if k == "torchvision" or k.startswith("torchvision.")]:
            del sys.modules[k]
        sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")
        import torchvision  # noqa: F401


def resnet_tiny():
    _torchvision()
    from torchvision.models.resnet import BasicBlock

    class ResNetTiny(nn.Module):
        """resnet18's BasicBlock stages at widths 8-64, one block each."""

        def __init__(self, widths=(8, 16, 32, 64), classes=10):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                                      nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
            layers, cin = [], widths[0]
            for i, w in enumerate(widths):
                stride = 1 if i == 0 else 2
                down = None
                if stride != 1 or cin != w:
                    down = nn.Sequential(nn.Conv2d(cin, w, 1, stride=stride, bias=False), nn.BatchNorm2d(w))
                layers.append(BasicBlock(cin, w, stride, down))
                cin = w
            self.layers = nn.Sequential(*layers)
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(cin, classes)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))

    return ResNetTiny()


def mobilenet_v3_small():
    _torchvision()
    from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf
    setting, _ = _mobilenet_v3_conf("mobilenet_v3_small", width_mult=0.25)
    return MobileNetV3(setting, 128, num_classes=10)


def efficientnet_b0():
    _torchvision()
    from torchvision.models.efficientnet import EfficientNet, _efficientnet_conf
    setting, last = _efficientnet_conf("efficientnet_b0", width_mult=0.25, depth_mult=0.25)
    return EfficientNet(setting, 0.2, last_channel=last, num_classes=10)


def regnet_y():
    _torchvision()
    from torchvision.models.regnet import BlockParams, RegNet
    return RegNet(BlockParams.from_init_params(depth=4, w_0=8, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25),
                  num_classes=10)


def shufflenet_v2():
    _torchvision()
    from torchvision.models.shufflenetv2 import ShuffleNetV2
    return ShuffleNetV2([2, 2, 2], [8, 16, 32, 64, 128], num_classes=10)


def vit_tiny():
    _torchvision()
    from torchvision.models.vision_transformer import VisionTransformer
    return VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=32, mlp_dim=64,
                             num_classes=10)


def convnext_tiny():
    _torchvision()
    from torchvision.models.convnext import CNBlockConfig, ConvNeXt
    return ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)], num_classes=10)


def swin_tiny():
    _torchvision()
    from torchvision.models.swin_transformer import SwinTransformer
    return SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1], num_heads=[1, 2], window_size=[4, 4],
                           num_classes=10)


def densenet_tiny():
    _torchvision()
    from torchvision.models.densenet import DenseNet
    return DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16, num_classes=10)


class TransformerClassifier(nn.Module):
    """nn.TransformerEncoder over int64 token ids with a padding mask."""

    def __init__(self, vocab=100, dim=32, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        layer = nn.TransformerEncoderLayer(dim, 2, 64, dropout=0.0, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, 2)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids, mask):
        h = self.enc(self.emb(ids), src_key_padding_mask=mask.logical_not())
        m = mask.unsqueeze(-1).to(h.dtype)
        return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))


class LstmClassifier(nn.Module):
    def __init__(self, vocab=100, dim=16, hidden=32, classes=5):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.LSTM(dim, hidden, num_layers=2, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, ids):
        out, _ = self.rnn(self.emb(ids))
        return self.head(out[:, -1])


class GruBidirectional(nn.Module):
    def __init__(self, vocab=100, dim=16, hidden=16, classes=5):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, ids):
        out, _ = self.rnn(self.emb(ids))
        return self.head(out.mean(1))


class DigitsCnn(nn.Module):
    """A small CNN for sklearn's 8x8 digits; the pooling kind is the only difference between the two
    variants. Both pools run past the input edge under ceil_mode (8 -> 5 -> 3)."""

    def __init__(self, pool="max"):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        if pool == "max":
            self.pool1 = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
            self.pool2 = nn.MaxPool2d(2, stride=2, ceil_mode=True)
        else:
            self.pool1 = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
            self.pool2 = nn.AvgPool2d(2, stride=2, ceil_mode=True, count_include_pad=True)
        self.fc = nn.Linear(32 * 3 * 3, 10)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


class TabularMlp(nn.Module):
    """A small MLP with BatchNorm for scikit-learn's tables (wine: 13 features, 3 classes;
    breast cancer: 30 features, 2 classes)."""

    def __init__(self, features, classes):
        super().__init__()
        self.fc1 = nn.Linear(features, 32)
        self.bn = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, classes)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


class TabularPoolCeil(nn.Module):
    """The features as a one-channel sequence: Conv1d, then AvgPool1d past the edge (ceil_mode,
    count_include_pad), then a linear head; PyTorch divides the last window by its in-bounds size."""

    def __init__(self, features, classes):
        super().__init__()
        self.conv = nn.Conv1d(1, 8, 3, padding=1)
        self.pool = nn.AvgPool1d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)
        out = -(-(features + 2 - 3) // 2) + 1
        if (out - 1) * 2 >= features + 1:
            out -= 1
        self.fc = nn.Linear(8 * out, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(F.relu(self.conv(x.unsqueeze(1)))), 1))


# ---- the registry -----------------------------------------------------------------------------------

IMG = [("x", "float32", [2, 3, 32, 32], None, None)]
BATCH = {"x": {0: "batch"}}
IDS = [("ids", "int64", [2, 12], 0, 100)]
IDS_DYN = {"ids": {0: "batch", 1: "seq"}}

MICRO = ["opset11", "opset13", "opset17", "opset13-nofold"]
ARCH = ["opset13", "opset17"]


def M(make, inputs, outputs, family, task, notes, dynamic=None, configs=None, scriptable=False, mode="eval",
      bn_stats=False, dataset=None, expect=None, library=None, roles=None, sweep=None, last_position=None,
      examples=None):
    """One corpus model. library: "transformers" or "timm" for the hf_zoo.py models (references traced
    with torch 2.13; see hf_zoo.py); roles: input name -> role ("token-ids", "attention-mask",
    "token-type-ids") for Parity's input planner; sweep: symbolic dim -> sizes Parity tries;
    last_position: outputs [B, S, V] whose last position Parity also judges as classification;
    examples: (name, dtype) -> trace-time inputs, where the default random ones would not do."""
    return dict(make=make, inputs=inputs, outputs=outputs, family=family, task=task, notes=notes,
                dynamic=dynamic or {}, configs=list(configs or MICRO), scriptable=scriptable, mode=mode,
                bn_stats=bn_stats, dataset=dataset, expect=expect or {}, library=library, roles=roles or {},
                sweep=sweep, last_position=last_position or [], examples=examples)


MODELS = {
    # controls and the foundation's pairs
    "mlp": M(Mlp, [("x", "float32", [2, 16], None, None)], ["y"], "micro", "regression", "Linear-ReLU-Linear",
             scriptable=True),
    "two_heads": M(TwoHeads, [("x", "float32", [3, 12], None, None)], ["logits", "embedding"], "micro",
                   "classification", "two outputs"),
    "token_classifier": M(TokenClassifier, [("ids", "int64", [2, 7], 0, 50), ("mask", "float32", [2, 7], 0, 1)],
                          ["logits"], "micro", "classification", "int64 token ids and a float mask"),
    "dynamic_batch_cnn": M(DynamicBatchCnn, [("x", "float32", [2, 1, 8, 8], None, None)], ["logits"], "micro",
                           "classification", "symbolic batch, BatchNorm with non-trivial statistics",
                           dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, bn_stats=True,
                           configs=MICRO + ["opset13-static"]),
    "maxpool_ceil": M(MaxPoolCeil, [("x", "float32", [1, 3, 10, 10], None, None)], ["y"], "micro", "features",
                      "control for avgpool_ceil"),
    # pitfalls
    "avgpool_ceil": M(AvgPoolCeil, [("x", "float32", [1, 3, 10, 10], None, None)], ["y"], "pitfall", "features",
                      "AvgPool2d(ceil_mode=True, count_include_pad=True): border divisor differs",
                      expect={"opset11": "discrepant", "opset13": "discrepant", "opset17": "discrepant",
                              "opset13-nofold": "discrepant"}),
    "frozen_batch": M(FrozenBatch, [("x", "float32", [2, 3, 16], None, None)], ["y"], "pitfall", "regression",
                      "batch size read as a Python int is frozen by tracing",
                      dynamic={"x": {0: "batch"}, "y": {0: "batch"}}),
    "control_flow": M(ControlFlow, [("x", "float32", [2, 8], None, None)], ["y"], "pitfall", "regression",
                      "data-dependent branch frozen by tracing (scripted reference keeps it)", scriptable=True,
                      configs=MICRO + ["opset13-scripted"]),
    "unrolled_loop": M(UnrolledLoop, [("x", "float32", [2, 3, 4], None, None)], ["y"], "pitfall", "regression",
                       "Python loop over the sequence unrolled by tracing",
                       dynamic={"x": {0: "batch", 1: "seq"}, "y": {0: "batch"}}, scriptable=True,
                       configs=MICRO + ["opset13-static", "opset13-scripted"]),
    "int_floor_divide": M(IntFloorDivide, [("a", "int64", [16], -20, 20)], ["q", "r"], "pitfall", "arithmetic",
                          "integer floor division and remainder with negative operands"),
    "bn_train_mode": M(BatchNormTrainMode, [("x", "float32", [4, 3, 8, 8], None, None)], ["y"], "pitfall",
                       "features", "exported in training mode: BatchNorm statistics differ", mode="train",
                       bn_stats=True),
    "interp_nearest": M(InterpNearest, [("x", "float32", [1, 2, 6, 6], None, None)], ["y"], "pitfall", "resize",
                        "nearest resize by 1.5"),
    "interp_bilinear_align": M(InterpBilinearAlign, [("x", "float32", [1, 2, 5, 5], None, None)], ["y"],
                               "pitfall", "resize", "bilinear resize with align_corners=True"),
    "interp_bicubic": M(InterpBicubic, [("x", "float32", [1, 2, 5, 5], None, None)], ["y"], "pitfall", "resize",
                        "bicubic resize by 2"),
    "gelu_tanh": M(GeluTanh, [("x", "float32", [4, 16], None, None)], ["y"], "pitfall", "activation",
                   "GELU(approximate='tanh')"),
    "layernorm_eps": M(LayerNormEps, [("x", "float32", [4, 16], None, None)], ["y"], "pitfall", "normalisation",
                       "LayerNorm with eps=0.1"),
    "masked_softmax": M(MaskedSoftmax, [("x", "float32", [2, 4, 6], None, None), ("mask", "bool", [2, 4, 6], None, None)],
                        ["p"], "pitfall", "attention", "fully masked rows give NaN"),
    "adaptive_pool_uneven": M(AdaptivePoolUneven, [("x", "float32", [1, 3, 7, 7], None, None)], ["y"], "pitfall",
                              "features", "AdaptiveAvgPool2d(3) on 7x7"),
    "argmax_topk": M(ArgmaxTopk, [("x", "float32", [4, 12], None, None)], ["argmax", "values", "indices"], "micro",
                     "classification", "integer outputs"),
    "group_instance_norm": M(GroupInstanceNorm, [("x", "float32", [2, 3, 8, 8], None, None)], ["y"], "micro",
                             "normalisation", "GroupNorm, SiLU, InstanceNorm"),
    "cumsum_where": M(CumsumWhere, [("x", "float32", [3, 10], None, None)], ["y"], "micro", "arithmetic",
                      "cumsum and where"),
    "pixel_shuffle_hardswish": M(PixelShuffleHardswish, [("x", "float32", [1, 4, 6, 6], None, None)], ["y"],
                                 "micro", "features", "PixelShuffle and Hardswish"),
    "std_unbiased": M(StdUnbiased, [("x", "float32", [4, 9], None, None)], ["std", "var"], "micro", "arithmetic",
                      "unbiased std and biased var"),
    "einsum_attention": M(EinsumAttention, [("x", "float32", [2, 5, 8], None, None)], ["attn"], "micro",
                          "attention", "einsum scores and softmax"),
    # real architectures
    "resnet_tiny": M(resnet_tiny, IMG, ["logits"], "resnet", "classification",
                     "torchvision BasicBlock stages, widths 8-64", dynamic=BATCH, configs=ARCH, bn_stats=True),
    "mobilenet_v3_small": M(mobilenet_v3_small, IMG, ["logits"], "mobilenet", "classification",
                            "MobileNetV3 small, width_mult 0.25", dynamic=BATCH, configs=ARCH, bn_stats=True),
    "efficientnet_b0": M(efficientnet_b0, IMG, ["logits"], "efficientnet", "classification",
                         "EfficientNet-B0 settings, width 0.25, depth 0.25", dynamic=BATCH, configs=ARCH,
                         bn_stats=True),
    "regnet_y": M(regnet_y, IMG, ["logits"], "regnet", "classification", "RegNetY, depth 4, w0 8, SE",
                  dynamic=BATCH, configs=ARCH, bn_stats=True),
    "shufflenet_v2": M(shufflenet_v2, IMG, ["logits"], "shufflenet", "classification",
                       "ShuffleNetV2 stages [2,2,2], channels 8-128", dynamic=BATCH, configs=ARCH, bn_stats=True),
    "vit_tiny": M(vit_tiny, IMG, ["logits"], "vit", "classification",
                  "VisionTransformer 32px, patch 8, 2 layers, dim 32", dynamic=BATCH, configs=ARCH),
    "convnext_tiny": M(convnext_tiny, IMG, ["logits"], "convnext", "classification", "ConvNeXt two stages, 16/32",
                       dynamic=BATCH, configs=ARCH),
    "swin_tiny": M(swin_tiny, IMG, ["logits"], "swin", "classification", "Swin, embed 16, depths [1,1], window 4",
                   dynamic=BATCH, configs=ARCH),
    "densenet_tiny": M(densenet_tiny, IMG, ["logits"], "densenet", "classification",
                       "DenseNet growth 8, blocks (2,2)", dynamic=BATCH, configs=ARCH, bn_stats=True),
    "transformer_encoder": M(TransformerClassifier, [("ids", "int64", [2, 12], 0, 100), ("mask", "bool", [2, 12], None, None)],
                             ["logits"], "transformer", "text-classification",
                             "nn.TransformerEncoder, 2 layers, dim 32, padding mask",
                             dynamic={"ids": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"}}, configs=ARCH),
    "lstm_classifier": M(LstmClassifier, IDS, ["logits"], "rnn", "text-classification", "2-layer LSTM",
                         dynamic=IDS_DYN, configs=ARCH),
    "gru_bidirectional": M(GruBidirectional, IDS, ["logits"], "rnn", "text-classification", "bidirectional GRU",
                           dynamic=IDS_DYN, configs=ARCH),
    "digits_cnn": M(lambda: DigitsCnn("max"), [("x", "float32", [2, 1, 8, 8], None, None)], ["logits"], "digits",
                    "classification", "trained on sklearn digits; max pooling (control)",
                    dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH, dataset="digits"),
    "digits_cnn_avgpool_ceil": M(lambda: DigitsCnn("avg"), [("x", "float32", [2, 1, 8, 8], None, None)], ["logits"],
                                 "digits", "classification",
                                 "trained on sklearn digits; AvgPool2d(ceil_mode, count_include_pad)",
                                 dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH,
                                 dataset="digits"),
    # tabular data scikit-learn ships: one faithful export and one deliberately broken one per table
    "wine_mlp": M(lambda: TabularMlp(13, 3), [("x", "float32", [4, 13], None, None)], ["logits"], "tabular",
                  "classification", "trained on sklearn wine (standardised); BatchNorm in eval mode (control)",
                  dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH, dataset="wine"),
    "wine_mlp_bn_train": M(lambda: TabularMlp(13, 3), [("x", "float32", [4, 13], None, None)], ["logits"], "tabular",
                           "classification", "trained on sklearn wine; left in training mode when traced and exported "
                           "(BatchNorm on batch statistics)",
                           dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH, dataset="wine",
                           mode="train"),
    "cancer_mlp": M(lambda: TabularMlp(30, 2), [("x", "float32", [4, 30], None, None)], ["logits"], "tabular",
                    "classification", "trained on sklearn breast cancer (standardised); BatchNorm in eval mode (control)",
                    dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH, dataset="breast_cancer"),
    "cancer_pool_ceil": M(lambda: TabularPoolCeil(30, 2), [("x", "float32", [4, 30], None, None)], ["logits"],
                          "tabular", "classification", "trained on sklearn breast cancer; AvgPool1d(ceil_mode, "
                          "count_include_pad) past the feature edge",
                          dynamic={"x": {0: "batch"}, "logits": {0: "batch"}}, configs=ARCH, dataset="breast_cancer"),
}

CONFIGS = {
    "opset11": dict(opset=11, fold=True, dynamic=True, reference="traced"),
    "opset13": dict(opset=13, fold=True, dynamic=True, reference="traced"),
    "opset17": dict(opset=17, fold=True, dynamic=True, reference="traced"),
    "opset13-nofold": dict(opset=13, fold=False, dynamic=True, reference="traced"),
    "opset13-static": dict(opset=13, fold=True, dynamic=False, reference="traced"),
    # The scripted reference against the usual export (which traces the eager module): the user's
    # real pairing when their TorchScript comes from torch.jit.script.
    "opset13-scripted": dict(opset=13, fold=True, dynamic=True, reference="scripted", same_onnx_as="opset13"),
    # torch.export-based exporter (dynamo=True): its own lowest opset (18) and its newest (23, torch
    # 2.13's ONNX_MAX_OPSET). "fold" there is the exporter's onnxscript optimiser (optimize=).
    "opset18": dict(opset=18, fold=True, dynamic=True, reference="traced"),
    "opset23": dict(opset=23, fold=True, dynamic=True, reference="traced"),
    "opset18-static": dict(opset=18, fold=True, dynamic=False, reference="traced"),
    "opset18-scripted": dict(opset=18, fold=True, dynamic=True, reference="scripted", same_onnx_as="opset18"),
}

# Converter generations: the folder under converters/ and under models/<name>/exports/, and how
# export.py calls torch.onnx.export for it.
GENERATIONS = {
    "torch-1.13.1": dict(dynamo=False),
    "torch-2.6.0": dict(dynamo=False),
    "torch-2.13-legacy": dict(dynamo=False),
    "torch-2.13-dynamo": dict(dynamo=True),
}
FIRST_GENERATIONS = ("torch-1.13.1", "torch-2.6.0")  # a model's own "configs" list

# The torch-2.13 generations export opset 13 and 17 (legacy) or 18 and 23 (dynamo), each with the
# static and scripted variants a model has; the models listed here keep only the lower opset with
# dynamo (size budget of the committed corpus, see docs/corpus.md).
DYNAMO_NEWEST_DROPPED = set()

# Generations that export a transformers/timm model's committed TorchScript reference rather than the
# eager module (they cannot build it: see hf_zoo.py).
FROM_TORCHSCRIPT = ("torch-1.13.1", "torch-2.6.0")


def configs_for(name, generation):
    """Names of the configurations a generation exports for a model, in manifest order."""
    own = MODELS[name]["configs"]
    if generation == "torch-2.13-legacy":
        return [c for c in own if c in ("opset13", "opset17", "opset13-static", "opset13-scripted")]
    if generation == "torch-2.13-dynamo":
        out = ["opset18"] + ([] if name in DYNAMO_NEWEST_DROPPED else ["opset23"])
        out += [c.replace("opset13", "opset18") for c in own if c in ("opset13-static", "opset13-scripted")]
        return out
    return list(own)


def manifest_configs(name):
    """The manifest's configurations of a model: every one any generation exports, each with the
    generations that export it (Parity's pairs of a generation are the configurations naming it)."""
    out = {}
    for g in GENERATIONS:
        for c in configs_for(name, g):
            if c not in out:
                out[c] = dict(CONFIGS[c], name=c, generations=[])
            out[c]["generations"].append(g)
    return list(out.values())


def sha256(path):
    """Hex sha256 of a file, as the manifest and the provenance record it."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def seed_of(name):
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def make_model(name):
    """The eager module with its fixed-seed initialisation, before any weights are loaded."""
    desc = MODELS[name]
    torch.manual_seed(seed_of(name))
    model = desc["make"]()
    # Some constructors zero-initialise a layer (ViT's head): its output would be exactly 0 and
    # every comparison vacuous. Give such weight matrices a small random init instead.
    g0 = torch.Generator().manual_seed(seed_of(name) + 3)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2 and float(p.abs().max()) == 0.0:
                p.copy_(torch.randn(p.shape, generator=g0) * 0.02)
    if desc["bn_stats"]:
        g = torch.Generator().manual_seed(seed_of(name) + 1)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                    m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) - 0.5)
                    m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) * 1.5 + 0.5)
    return model.train() if desc["mode"] == "train" else model.eval()


def example_inputs(name, dtype=torch.float32):
    if MODELS[name].get("examples") is not None:
        return MODELS[name]["examples"](name, dtype)
    g = torch.Generator().manual_seed(seed_of(name) + 2)
    out = []
    for _, dt, shape, lo, hi in MODELS[name]["inputs"]:
        if dt == "int64":
            out.append(torch.randint(lo, hi, shape, generator=g, dtype=torch.int64))
        elif dt == "bool":
            m = torch.rand(shape, generator=g) < 0.7
            if name == "transformer_encoder":
                m[:, 0] = True  # every sequence keeps one token
            out.append(m)
        elif lo is not None:
            out.append((torch.rand(shape, generator=g) * (hi - lo) + lo).to(dtype))
        else:
            x = torch.randn(shape, generator=g).to(dtype)
            if name == "control_flow":
                x = x.abs()
            out.append(x)
    return tuple(out)


# ---- Hugging Face transformers and timm (hf_zoo.py) --------------------------------------------------
import hf_zoo  # noqa: E402

MODELS.update(hf_zoo.models(M))
DYNAMO_NEWEST_DROPPED.update(n for n, d in MODELS.items() if d.get("library"))
