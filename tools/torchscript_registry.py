#!/usr/bin/env python3
"""Dump libtorch's TorchScript operator registry and derive the calls Parity refuses.

    python3 -m venv .cache/venv && .cache/venv/bin/pip install --no-deps torch==2.13.0+cpu numpy \\
        typing_extensions filelock sympy networkx jinja2 fsspec
    .cache/venv/bin/python tools/torchscript_registry.py [--runtime-lib DIR] [--print]

Writes harness/src/main/resources/dev/parity/safety/torchscript-operators.txt (every operator and
TorchBind class libtorch registers itself) and torchscript-denied.txt (the operators, classes and
builtins whose calls reach files, other processes or the network, by the
rule in DENY_RULE below). --runtime-lib names the folder of the libtorch Parity runs (DJL's
~/.djl.ai/pytorch/<version>-cpu-linux-x86_64): schema strings found in its libtorch_cpu.so that the
Python wheel lacks are added, and the rule is applied to them too (needs binutils' strings).
--print prints the denylist for review.

The registry is the one TorchScript itself consults: torch._C._jit_get_all_schemas() (every
operator a TorchScript call can bind to) and torch._C._jit_get_custom_class_schemas() (TorchBind
classes). Operators registered from Python (torch.library; their dispatcher entry says "registered
at <file>.py") are left out: DJL's libtorch has no Python, so code naming them cannot load there.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "harness", "src", "main", "resources", "dev", "parity", "safety")
RUNTIME = "libtorch 2.7.1 (DJL pytorch-jni 2.7.1-0.36.0)"

DENY_RULE = """\
Rule (applied to every schema of every operator; an operator is denied when any schema matches):
  file    an argument of string type (str, str?, str[]) whose name, split at '_', has a word from
          FILE_ARGS: the operator takes a file name, path, URL or address
  name    the operator's name, split at '_' and at lower-to-upper case changes, has a word from
          NAME_WORDS: it saves, loads, opens, maps, sends, receives, or calls into Python
  net     an argument or result of type RRef or of a distributed TorchBind class (c10d.*,
          dist_c10d.*, dist_rpc.*), an argument named group_name/group/process_group of string,
          Any or class type, or an argument named peer: remote calls, collectives and one-sided
          puts and gets, which talk to other processes
A TorchBind class is denied when its namespace is distributed (c10d, dist_c10d, dist_rpc), or an
operator that takes or returns it is denied, or it is listed in CLASS_REVIEW (reason given there).
A Python builtin that TorchScript resolves without an import (probed below) is denied when the
operator it compiles to is denied (ir_emitter.cpp's table of globals; none is today).
'method' marks aten operators with an argument named 'self': TorchScript also binds them as
methods (x.name(...)), so '.name' is refused on any receiver."""

FILE_ARGS = {"file", "filename", "fname", "f", "fd", "path", "filepath", "dir", "directory", "url",
             "uri", "host", "hostname", "addr", "address", "port", "socket"}
NAME_WORDS = {  # word -> what an operator so named does
    "file": "file access", "save": "writes files", "load": "reads files", "open": "opens files",
    "write": "writes", "dump": "writes files", "mmap": "maps files", "pickle": "serializes to files",
    "unpickle": "deserializes", "socket": "network", "url": "network", "rpc": "remote calls",
    "remote": "remote calls", "send": "network", "recv": "network", "spawn": "processes",
    "exec": "processes", "system": "processes", "popen": "processes",
    "python": "calls into a Python interpreter"}
NET_CLASS = re.compile(r"__torch__\.torch\.classes\.(c10d|dist_c10d|dist_rpc)\.")
NET_ARGS = {"group_name", "group", "process_group"}
DISTRIBUTED_CLASS_NS = {"c10d", "dist_c10d", "dist_rpc"}
# Reviewed by hand: classes the registry cannot show are unsafe.
CLASS_REVIEW = {
    "_nnapi.Compilation": "loads the system's Android NNAPI library (dlopen) when initialised",
}
# Reviewed by eye: entries the rule denies that are harmless, kept denied (refusing them costs nothing).
REVIEWED = {
    "symm_mem::stream_write_value32_": "writes a value into a GPU tensor, not a file; CUDA symmetric memory only",
    "aten::owner, is_owner, owner_name, local_value, to_here, confirmed_by_owner":
        "RRef accessors; an RRef only comes from prim::rpc_remote (denied)",
}
# Names a TorchScript archive's code may use without defining them, beyond Python's builtins:
# the importer's environment (import_source.cpp) and modules a hostile file might hope for.
EXTRA_NAMES = ["torch", "ops", "CONSTANTS", "fork", "awaitable", "annotate", "unchecked_cast",
               "uninitialized", "inf", "nan", "infj", "nanj", "__torch__", "math", "os", "sys",
               "builtins", "io", "subprocess", "socket", "pathlib", "shutil", "rangelist",
               "_to_tensor", "AssertionError", "__builtins__", "__import__", "open", "exec", "eval"]
# What ir_emitter.cpp compiles each resolvable builtin to, where that is one operator.
BUILTIN_OPS = {"print": "prim::Print", "len": "aten::len", "hex": "aten::hex", "oct": "aten::oct",
               "round": "aten::round", "hash": "aten::hash", "id": "prim::id", "min": "prim::min",
               "max": "prim::max", "abs": "prim::abs", "all": "aten::all", "any": "aten::any",
               "divmod": "aten::divmod", "sum": "aten::sum", "ord": "aten::ord", "chr": "aten::chr",
               "bin": "aten::bin", "pow": "aten::pow", "sorted": "aten::sorted",
               "rangelist": "prim::rangelist", "float": "aten::Float", "int": "aten::Int",
               "bool": "aten::Bool", "str": "aten::str", "complex": "aten::Complex",
               "_to_tensor": "prim::NumToTensor"}


def words(name):
    parts = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().replace(".", "_").split("_")
    return {p for p in parts if p}


def python_registered(qualname, overload):
    """True when the dispatcher says the schema was registered from a .py file."""
    try:
        dump = torch._C._dispatch_dump(qualname + ("." + overload if overload else ""))
    except RuntimeError:
        return False
    m = re.search(r"^debug: registered at (\S+)", dump, re.M)
    return bool(m and re.search(r"\.py:\d+$", m.group(1)))


def reasons(name, args, rets):
    """Why one schema is denied (empty when it is not). args/rets: [(name, type string)]."""
    out = []
    for a, t in args:
        if "str" in t.replace("Stream", "") and words(a) & FILE_ARGS:
            out.append(("file", "argument '%s' (%s) names a file, path or address" % (a, t)))
    for w in sorted(words(name.split("::")[1]) & NAME_WORDS.keys()):
        out.append(("name", "its name says %s (%s)" % (w, NAME_WORDS[w])))
    for a, t in args + rets:
        if "RRef" in t or NET_CLASS.search(t):
            out.append(("net", "takes or returns %s (remote calls, collectives: other processes)" % t))
            break
    for a, t in args:
        if a in NET_ARGS and re.search(r"str|Any|__torch__", t):
            out.append(("net", "argument '%s' names a process group (collectives: other processes)" % a))
            break
        if a == "peer":
            out.append(("net", "argument 'peer' names another process (one-sided communication)"))
            break
    return out


def parse_schema_string(s):
    """(qualname or None, overload, [(arg, type)], [(ret, type)]) of a schema string, best effort."""
    m = re.match(r"^(?:([A-Za-z_0-9]+)::)?([A-Za-z_][A-Za-z_0-9]*)(?:\.([A-Za-z_0-9]+))?\((.*)\) -> (.*)$", s)
    if not m:
        return None
    ns, name, overload, argtext, rettext = m.groups()

    def split(text):
        out, depth, cur = [], 0, ""
        for ch in text:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            if ch == "," and depth == 0:
                out.append(cur.strip())
                cur = ""
            else:
                cur += ch
        if cur.strip():
            out.append(cur.strip())
        res = []
        for piece in out:
            if piece == "*":
                continue
            piece = piece.split("=")[0].strip()
            bits = piece.rsplit(" ", 1)
            res.append((bits[1], bits[0]) if len(bits) == 2 else ("", bits[0]))
        return res

    rets = split(rettext.strip("()")) if rettext.startswith("(") else [("", rettext)]
    return (ns + "::" + name if ns else None), overload, split(argtext), rets


def runtime_schemas(libdir):
    """Schema strings in the runtime's libtorch binaries (string literals of its registrations)."""
    found = set()
    for lib in ("libtorch_cpu.so", "libtorch.so"):
        path = os.path.join(libdir, lib)
        if not os.path.exists(path):
            continue
        text = subprocess.run(["strings", "-n", "6", path], check=True, capture_output=True, text=True).stdout
        for line in text.splitlines():
            if re.match(r"^([A-Za-z_0-9]+::)?[A-Za-z_][A-Za-z_0-9]*(\.[A-Za-z_0-9]+)?\(.*\) -> ", line):
                found.add(line)
    return found


def probe_builtins():
    """Names TorchScript's importer resolves in archive code without any import (load-time probe)."""
    class Probe(torch.nn.Module):
        def forward(self, x):
            return x

    names = sorted(set(n for n in dir(__import__("builtins")) if not n.startswith("__") or n == "__import__")
                   | set(EXTRA_NAMES))
    resolved = []
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base.pt")
        torch.jit.save(torch.jit.script(Probe()), base)
        for n in names:
            src = ("class Probe(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n"
                   "  _is_full_backward_hook : Optional[bool]\n  def forward(self: __torch__.Probe,\n"
                   "    x: Tensor) -> Tensor:\n    _probe = %s\n    return x\n" % n)
            path = os.path.join(tmp, "p.pt")
            with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w") as zout:
                for i in zin.infolist():
                    if i.filename.endswith(".debug_pkl"):
                        continue
                    data = src.encode() if i.filename.endswith("code/__torch__.py") else zin.read(i)
                    zout.writestr(i, data)
            try:
                torch.jit.load(path)(torch.ones(1))
                resolved.append(n)
            except Exception as e:  # noqa: BLE001 - any error but "undefined value" means it resolved
                if "undefined value " + n not in str(e):
                    resolved.append(n)
    return resolved


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runtime-lib", default=os.path.expanduser("~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64"))
    ap.add_argument("--print", action="store_true")
    opts = ap.parse_args()

    schemas = torch._C._jit_get_all_schemas()
    ops = {}  # qualname -> origin ("cpp", "python", "runtime")
    denied = collections.OrderedDict()  # qualname -> (kind, reason, method)
    classes = set()
    per_op_schemas = collections.defaultdict(list)
    for s in schemas:
        q = str(s.name)
        args = [(a.name, str(a.type)) for a in s.arguments]
        rets = [(r.name, str(r.type)) for r in s.returns]
        per_op_schemas[q].append((str(s), args, rets))
        origin = "python" if python_registered(q, s.overload_name) else "cpp"
        if ops.get(q) != "cpp":
            ops[q] = origin
        for _, t in args + rets:
            classes.update(re.findall(r"__torch__\.torch\.classes\.[A-Za-z_0-9]+\.[A-Za-z_0-9]+", t))
    for cs in torch._C._jit_get_custom_class_schemas():
        for a in list(cs.arguments) + list(cs.returns):
            classes.update(re.findall(r"__torch__\.torch\.classes\.[A-Za-z_0-9]+\.[A-Za-z_0-9]+", str(a.type)))

    runtime_only = []
    runtime_classes = set()
    unplaced = []
    cross_checked = bool(opts.runtime_lib and os.path.exists(os.path.join(opts.runtime_lib, "libtorch_cpu.so")))
    if not cross_checked:
        print("warning: %s has no libtorch_cpu.so; the runtime cross-check is skipped" % opts.runtime_lib)
    else:
        short = collections.defaultdict(set)
        for q in ops:
            short[q.split("::")[1]].add(q)
        for text in sorted(runtime_schemas(opts.runtime_lib)):
            parsed = parse_schema_string(text)
            if not parsed:
                continue
            q, overload, args, rets = parsed
            for c in re.findall(r"__torch__\.torch\.classes\.[A-Za-z_0-9]+\.[A-Za-z_0-9]+", text):
                if c not in classes:
                    runtime_classes.add(c)
            name = q.split("::")[1] if q else re.match(r"[A-Za-z_0-9]+", text).group(0)
            if q is None:
                if name not in short:
                    # an m.def string without its namespace that the wheel lacks: if the rule matches
                    # it, stop below for a person to place it
                    unplaced.append(text)
                continue
            if q not in ops:
                ops[q] = "runtime"
                runtime_only.append(q)
            per_op_schemas[q].append((text, args, rets))

    for q, lst in sorted(per_op_schemas.items()):
        if ops.get(q) == "python":
            continue
        why = []
        method = False
        for text, args, rets in lst:
            why += reasons(q, args, rets)
            method |= q.startswith("aten::") and any(a == "self" for a, _ in args)
        if why:
            kinds = sorted({k for k, _ in why})
            denied[q] = (",".join(kinds), "; ".join(sorted({r for _, r in why})), method)
    unplaced_hits = [t for t in unplaced if reasons("aten::" + re.match(r"[A-Za-z_0-9]+", t).group(0),
                                                     *parse_schema_string(t)[2:])]
    if unplaced_hits:
        sys.exit("review: runtime schemas without a namespace match the rule: %s" % unplaced_hits)

    classes |= runtime_classes
    denied_classes = collections.OrderedDict()
    for c in sorted(classes):
        short = c[len("__torch__.torch.classes."):]
        ns = short.split(".")[0]
        if ns in DISTRIBUTED_CLASS_NS:
            denied_classes[c] = ("net", "a distributed class (%s): process groups and remote calls" % ns)
        elif short in CLASS_REVIEW:
            denied_classes[c] = ("process", CLASS_REVIEW[short])
        else:
            for q, (kind, _, _) in denied.items():
                if any(c in t for t, _, _ in per_op_schemas[q]):
                    denied_classes[c] = (kind, "taken or returned by denied %s" % q)
                    break

    resolved = probe_builtins()
    notable = ["open", "exec", "eval", "compile", "__import__", "__builtins__", "globals", "locals", "vars", "input",
               "breakpoint", "os", "sys", "subprocess", "socket", "io", "pathlib", "shutil", "builtins", "math"]
    unresolved = [n for n in notable if n not in resolved]
    denied_builtins = collections.OrderedDict()
    for n in resolved:
        op = BUILTIN_OPS.get(n)
        if op and op in denied:
            denied_builtins[n] = (denied[op][0], "compiles to %s: %s" % (op, denied[op][1]))

    version = torch.__version__
    cpp = sorted(q for q, o in ops.items() if o != "python")
    python_ns = sorted({q.split("::")[0] for q, o in ops.items() if o == "python"}
                       - {q.split("::")[0] for q in cpp})
    runtime_denied = [q for q in runtime_only if q in denied]
    head = [
        "# Generated by tools/torchscript_registry.py; do not edit.",
        "# Dumped from torch %s (the wheel this machine's package index has), not from the libtorch" % version,
        "# Parity runs, %s: torch._C._jit_get_all_schemas()," % RUNTIME,
        "# torch._C._jit_get_custom_class_schemas(), and builtins probed by loading archives in torch's importer.",
        ("# Cross-checked against 2.7.1 by the schema strings in its libtorch_cpu.so and libtorch.so: %d operators"
         % len(runtime_only)) if cross_checked else "# NOT cross-checked against the runtime's libtorch (no --runtime-lib).",
        ("# and %d classes are found only there and added (operators marked '2.7.1'); the rule denies %d of them."
         % (len(runtime_classes), len(runtime_denied))) if cross_checked else "#",
        "# Operators registered from Python (torch.library) are left out: DJL's libtorch has no Python.",
        "# Namespaces only Python registers: %s." % ", ".join(python_ns),
    ]
    with open(os.path.join(OUT, "torchscript-operators.txt"), "w") as f:
        f.write("\n".join(head) + "\n")
        f.write("# Lines: 'namespace::name' (an operator), 'class <qualified name>' (a TorchBind class),\n")
        f.write("# 'builtin <name>' (a name TorchScript's importer resolves in archive code without an import).\n")
        f.write("# Probed and not resolvable there (archive code cannot name them): %s.\n" % " ".join(unresolved))
        for q in cpp:
            f.write(q + ("\t2.7.1" if ops[q] == "runtime" else "") + "\n")
        for c in sorted(classes):
            f.write("class " + c + "\n")
        for n in resolved:
            f.write("builtin " + n + "\n")
    with open(os.path.join(OUT, "torchscript-denied.txt"), "w") as f:
        f.write("\n".join(head) + "\n")
        f.write("#\n# TorchScript calls refused before libtorch loads an archive: they reach files, other processes\n")
        f.write("# or the network. (Printing is not refused: what a model prints stays in its worker's log.)\n#\n")
        f.write("".join("# " + line + "\n" for line in DENY_RULE.splitlines()))
        f.write("#   FILE_ARGS  = %s\n" % " ".join(sorted(FILE_ARGS)))
        f.write("#   NAME_WORDS = %s\n" % " ".join(sorted(NAME_WORDS)))
        for q, note in REVIEWED.items():
            f.write("# reviewed: %s: %s\n" % (q, note))
        f.write("#\n# Lines: <what>\\t<rule>\\t<method or ->\\t<why>; <what> is an operator, 'class Q' or 'builtin N'.\n")
        f.write("# Reviewed by eye on regeneration (tools/torchscript_registry.py --print).\n")
        for q, (kind, why, method) in denied.items():
            f.write("%s\t%s\t%s\t%s\n" % (q, kind, "method" if method else "-", why))
        for c, (kind, why) in denied_classes.items():
            f.write("class %s\t%s\t-\t%s\n" % (c, kind, why))
        for n, (kind, why) in denied_builtins.items():
            f.write("builtin %s\t%s\t-\t%s\n" % (n, kind, why))
    print("%d operators (%d libtorch-only), %d classes, %d builtins; denied: %d operators, %d classes, %d builtins"
          % (len(cpp), len(runtime_only), len(classes), len(resolved), len(denied), len(denied_classes),
             len(denied_builtins)))
    if opts.print:
        for q, (kind, why, method) in denied.items():
            print("%-48s %-9s %-6s %s" % (q, kind, "method" if method else "", why))
        for c, (kind, why) in denied_classes.items():
            print("%-48s %-9s        %s" % (c, kind, why))
        for n, (kind, why) in denied_builtins.items():
            print("%-48s %-9s        %s" % ("builtin " + n, kind, why))
        print("resolved builtins:", " ".join(resolved))
        print("runtime-only operators:", " ".join(runtime_only))


if __name__ == "__main__":
    main()
