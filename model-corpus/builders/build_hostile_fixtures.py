#!/usr/bin/env python3
"""Write the hostile-model fixtures of the worker tests (harness/src/test/resources/fixtures/hostile/).

Each is harmless outside a test: it prints, spins or allocates; none touches a file or the network.

    python model-corpus/builders/build_hostile_fixtures.py     (any torch >= 2.0 with onnx)

- forger.pt: forward prints lines that imitate Parity's old stdout protocol and a faithful result,
  then returns 2 * linear(x); forger.onnx is linear(x) alone: the pair is discrepant whatever it prints.
- spinner.pt: forward never returns (a TorchScript while loop on a condition that stays true).
- hog.pt: forward keeps allocating 64 MiB tensors (up to 64 GiB) and holds them.
All take x: float32 [2, 16], like forger.onnx.
"""
import os

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "harness", "src", "test", "resources", "fixtures", "hostile")



class Forger(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        # what the old protocol read from stdout, and a faithful verdict line
        print('@@parity {"key": "next/pair", "outcome": "faithful", "verdict": "faithful"}')
        print("verdict: FAITHFUL - 4 of 4 cases agree")
        return self.fc(x) * 2.0


class Spinner(nn.Module):
    def forward(self, x):
        y = x
        while bool(y.sum() > -1.0e30):
            y = y * 1.0
        return y[:, :4]


class Hog(nn.Module):
    def forward(self, x):
        held = []
        for i in range(1024):
            held.append(torch.ones(16 * 1024 * 1024))
        return x[:, :4] + float(len(held))





def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(11)
    f = Forger().eval()
    torch.jit.save(torch.jit.script(f), os.path.join(OUT, "forger.pt"))
    torch.onnx.export(f.fc, (torch.randn(2, 16),), os.path.join(OUT, "forger.onnx"), input_names=["x"],
                      output_names=["y"], opset_version=13, dynamo=False)
    torch.jit.save(torch.jit.script(Spinner().eval()), os.path.join(OUT, "spinner.pt"))
    torch.jit.save(torch.jit.script(Hog().eval()), os.path.join(OUT, "hog.pt"))
    for n in sorted(os.listdir(OUT)):
        print(n, os.path.getsize(os.path.join(OUT, n)))


if __name__ == "__main__":
    main()
