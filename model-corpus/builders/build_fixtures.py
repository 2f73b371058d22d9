#!/usr/bin/env python3
"""Write the small bad-input and data fixtures that Parity's tests use.

Run with Debian's interpreter:  /usr/bin/python3 model-corpus/builders/build_fixtures.py
Output: harness/src/test/resources/fixtures/
"""
import os

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


if __name__ == "__main__":
    main()
