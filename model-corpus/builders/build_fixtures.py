#!/usr/bin/env python3
"""Write the small bad-input and data fixtures that Parity's tests use.

Run with Debian's interpreter:  /usr/bin/python3 model-corpus/builders/build_fixtures.py
(or any torch >= 1.13 with numpy and onnx, e.g. a venv with torch 2.13.0+cpu: TorchScript saved by
newer torch loads in the libtorch 2.7.1 Parity uses; exports use the TorchScript-based exporter,
dynamo=False, where the keyword exists).
Output: harness/src/test/resources/fixtures/
With the argument "check", only the check path's model pairs are (re)built.
"""
import copy
import inspect
import os
import sys

import numpy as np
import onnx
import onnx.helper as oh
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "harness", "src", "test", "resources", "fixtures")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    m = nn.Linear(16, 4)
    # A state_dict saved with torch.save: a zip with data.pkl but no TorchScript code.
    torch.save(m.state_dict(), os.path.join(OUT, "state_dict.pt"))
    # The pre-1.6 pickle format.
    torch.save(m.state_dict(), os.path.join(OUT, "legacy_pickle.pt"), _use_new_zipfile_serialization=False)
    # Random bytes with a .pt name.
    rng = np.random.default_rng(7)
    with open(os.path.join(OUT, "random_bytes.pt"), "wb") as f:
        f.write(rng.bytes(4096))
    # A well-formed ONNX model using an operator no runtime knows: ONNX Runtime refuses to load it.
    x = oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2, 16])
    y = oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 16])
    node = oh.make_node("NoSuchOp", ["x"], ["y"], domain="parity.test")
    graph = oh.make_graph([node], "unknown_op", [x], [y])
    model = oh.make_model(graph, opset_imports=[oh.make_opsetid("", 13), oh.make_opsetid("parity.test", 1)])
    onnx.save(model, os.path.join(OUT, "unknown_op.onnx"))
    # NumPy-written arrays for the .npy/.npz reader, and real inputs for token_classifier.
    np.save(os.path.join(OUT, "f32_2x3.npy"), np.arange(6, dtype=np.float32).reshape(2, 3) / 4)
    np.save(os.path.join(OUT, "i64_4.npy"), np.array([-3, 0, 7, 1 << 40], dtype=np.int64))
    np.save(os.path.join(OUT, "bool_3.npy"), np.array([True, False, True]))
    np.save(os.path.join(OUT, "f64_scalar.npy"), np.float64(2.5))
    ids = rng.integers(0, 50, size=(2, 7), dtype=np.int64)
    mask = np.ones((2, 7), dtype=np.float32)
    mask[1, 5:] = 0
    np.savez(os.path.join(OUT, "token_inputs.npz"), ids=ids, mask=mask)
    check_fixtures()


def export(model, args, path, inputs, outputs, dynamic=None):
    """ONNX opset 13 through the TorchScript-based exporter (torch 2.x needs dynamo=False)."""
    kw = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(model, args, path, opset_version=13, input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, **kw)


class DropoutHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 16), nn.Dropout(0.5))

    def forward(self, x):
        return self.net(x)


class ArgmaxAsFloat(nn.Module):
    """Class scores and the predicted class cast back to float: the twin's second output is float32."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 8)

    def forward(self, x):
        logits = self.fc(x)
        return logits, logits.argmax(-1).float()


class FloorDivideAsFloat(nn.Module):
    """Quantise, floor-divide, cast back: float32 and int64 outputs in the float64 twin too."""

    def forward(self, x):
        q = (x * 10).long() // 3
        return q.float(), q


class MeanHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc(x.mean(1))


class FrozenMeanHead(MeanHead):
    """MeanHead reading the batch size as a Python int: tracing freezes it (corpus: frozen_batch)."""

    def forward(self, x):
        n = int(x.shape[0])
        return self.fc(x.reshape(n, -1, 16).mean(1))


def check_fixtures():
    """Pairs for the check path's rules (reference, float64 twin, export), a few KB each."""
    torch.manual_seed(10)
    x = torch.randn(2, 16)
    # Dropout left in training mode. Traced: the graph records dropout as active, so the reference is
    # nondeterministic. Scripted: the code reads self.training, which libtorch as Parity loads it
    # (eval() on load) sets false, so only the saved training = True flags remain to be named.
    torch.manual_seed(11)
    drop = DropoutHead().train()
    torch.jit.save(torch.jit.trace(drop, x, check_trace=False), os.path.join(OUT, "dropout_train_traced.pt"))
    torch.jit.save(torch.jit.script(drop), os.path.join(OUT, "dropout_train_scripted.pt"))
    torch.jit.save(torch.jit.script(copy.deepcopy(drop).double()), os.path.join(OUT, "dropout_train_scripted64.pt"))
    drop.eval()
    torch.jit.save(torch.jit.trace(drop, x), os.path.join(OUT, "dropout_eval.pt"))
    # Traced in eval mode (no dropout in the graph), then saved with training = True: deterministic.
    saved_train = torch.jit.trace(drop, x).train()
    torch.jit.save(saved_train, os.path.join(OUT, "dropout_traced_eval_saved_train.pt"))
    export(drop, (x,), os.path.join(OUT, "dropout.onnx"), ["x"], ["y"])
    # Twins whose outputs are not all float64.
    torch.manual_seed(12)
    am = ArgmaxAsFloat().eval()
    torch.jit.save(torch.jit.trace(am, x), os.path.join(OUT, "argmax_float.pt"))
    torch.jit.save(torch.jit.trace(copy.deepcopy(am).double(), x.double()), os.path.join(OUT, "argmax_float64.pt"))
    export(am, (x,), os.path.join(OUT, "argmax_float.onnx"), ["x"], ["logits", "label"])
    # torch 2.13's TorchScript-based exporter writes an integer Div (truncating): the export is
    # discrepant wherever x < 0, which the check must still find with this twin.
    fd = FloorDivideAsFloat().eval()
    torch.jit.save(torch.jit.trace(fd, x), os.path.join(OUT, "floor_div_float.pt"))
    torch.jit.save(torch.jit.trace(fd, x.double()), os.path.join(OUT, "floor_div_float64.pt"))
    export(fd, (x,), os.path.join(OUT, "floor_div_float.onnx"), ["x"], ["qf", "q"])
    # A twin traced with a frozen batch of 1: right shapes on the first case (batch 1), wrong at batch 3.
    torch.manual_seed(13)
    mean = MeanHead().eval()
    x3 = torch.randn(1, 3, 16)
    torch.jit.save(torch.jit.trace(mean, x3), os.path.join(OUT, "mean_head.pt"))
    frozen = FrozenMeanHead().eval()
    frozen.load_state_dict(mean.state_dict())
    torch.jit.save(torch.jit.trace(frozen.double(), x3.double()), os.path.join(OUT, "mean_head_frozen64.pt"))
    export(mean, (x3,), os.path.join(OUT, "mean_head.onnx"), ["x"], ["y"], dynamic={"x": {0: "batch"}, "y": {0: "batch"}})


if __name__ == "__main__":
    if sys.argv[1:] == ["check"]:
        os.makedirs(OUT, exist_ok=True)
        torch.manual_seed(7)
        check_fixtures()
    else:
        main()
