#!/usr/bin/env python3
"""Write the hostile TorchScript fixtures for TorchScriptCodeCheck's tests (issue 13).

Run with the registry venv (see tools/torchscript_registry.py):
    .cache/venv/bin/python model-corpus/builders/build_code_fixtures.py
Output: harness/src/test/resources/fixtures/saves_on_load.pt, maps_file_in_forward.pt

Both are torch.jit.script of real modules. The file they write is MARKER, a placeholder of fixed
length that the tests replace, byte for byte, with a path under their temporary folder (padded
with '/'), so the code's source ranges (.debug_pkl) stay valid:
  saves_on_load.pt        __setstate__ (runs while the archive loads, before any input) calls
                          torch.save(self.w, self.marker): creates a file
  maps_file_in_forward.pt forward calls torch.from_file(MARKER, shared=True, size=4) and fill_(7):
                          overwrites an existing file's first 4 bytes
Each is loaded here once with the placeholder replaced, to prove it does what it says.
"""
import os
import tempfile
import zipfile
from typing import Tuple

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "harness", "src", "test", "resources", "fixtures")
MARKER = "/PARITY_MARKER_" + "x" * 185  # 200 characters; the tests swap in their own path


class SavesOnLoad(torch.nn.Module):
    marker: torch.jit.Final[str]

    def __init__(self):
        super().__init__()
        self.w = torch.ones(2)
        self.marker = MARKER

    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, bool]:
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool]) -> None:
        self.w = state[0]
        self.training = state[1]
        torch.save(self.w, self.marker)

    def forward(self, x):
        return x + self.w


class MapsFileInForward(torch.nn.Module):
    marker: torch.jit.Final[str]

    def __init__(self):
        super().__init__()
        self.marker = MARKER

    def forward(self, x):
        t = torch.from_file(self.marker, shared=True, size=4, dtype=torch.uint8)
        t.fill_(7)
        return x + t[0]


def with_path(src, dst, path):
    """Copy an archive, replacing MARKER in its code by path (same length, padded with '/')."""
    head, tail = os.path.split(path)
    padded = head + "/" * (len(MARKER) - len(head) - len(tail)) + tail
    assert len(padded) == len(MARKER) and len(head) + len(tail) < len(MARKER), path
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for i in zin.infolist():
            data = zin.read(i)
            if i.filename.endswith(".py"):
                data = data.replace(MARKER.encode(), padded.encode())
            zout.writestr(i, data)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    saves = os.path.join(OUT, "saves_on_load.pt")
    maps = os.path.join(OUT, "maps_file_in_forward.pt")
    torch.jit.save(torch.jit.script(SavesOnLoad()), saves)
    torch.jit.save(torch.jit.script(MapsFileInForward()), maps)
    with tempfile.TemporaryDirectory() as tmp:
        marker = os.path.join(tmp, "marker")
        with_path(saves, os.path.join(tmp, "a.pt"), marker)
        torch.jit.load(os.path.join(tmp, "a.pt"))
        assert os.path.exists(marker), "saves_on_load.pt did not write its marker"
        os.remove(marker)
        with open(marker, "wb") as f:
            f.write(b"\0\0\0\0")
        with_path(maps, os.path.join(tmp, "b.pt"), marker)
        torch.jit.load(os.path.join(tmp, "b.pt"))(torch.zeros(1))
        with open(marker, "rb") as f:
            assert f.read() == b"\7\7\7\7", "maps_file_in_forward.pt did not write its marker"
    for p in (saves, maps):
        print(p, os.path.getsize(p), "bytes")


if __name__ == "__main__":
    main()
