#!/usr/bin/env python3
"""Build the resnet18-sized benchmark pair into .cache/bench/ (git-ignored; 45 MB per file).

torchvision's resnet18 at full width, fixed-seed random init (no weights are downloaded), traced
TorchScript and its ONNX export (opset 13, symbolic batch). Run with Debian's interpreter:
    /usr/bin/python3 benchmarks/models/build_resnet18.py
"""
import os
import warnings

import torch
import torchvision

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, ".cache", "bench")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(18)
    model = torchvision.models.resnet18(weights=None).eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.save(torch.jit.trace(model, x), os.path.join(OUT, "resnet18.pt"))
        torch.onnx.export(model, x, os.path.join(OUT, "resnet18.onnx"), opset_version=13, input_names=["x"],
                          output_names=["logits"], dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", OUT)


if __name__ == "__main__":
    main()
