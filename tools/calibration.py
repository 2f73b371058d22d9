#!/usr/bin/env python3
"""Print the verdict calibration tables (Markdown) from corpus runs' results.jsonl files.

    tools/calibration.py ATTRIBUTION_RUN NOISE_AWARE_RUN FIXED_RUN

Per pair: the case and output with the largest attribution ratio (onnx_err, torch_err, ratio) and
the verdict of each mode. Reads only the runs' JSON; standard library only.
"""
import json
import sys


def load(folder):
    with open(folder + "/results.jsonl") as f:
        return {r["key"]: r for r in (json.loads(line) for line in f if line.strip())}


def worst(rec):
    best = None
    for c in (rec.get("check") or {}).get("cases", []):
        for o in c.get("outputs", []):
            a = o.get("attribution")
            if a and (best is None or float(a["ratio"]) > float(best["ratio"])):
                best = a
    return best


def fmt(x):
    return "-" if x is None else "%.3g" % float(x)


def main():
    att, noise, fixed = (load(p) for p in sys.argv[1:4])
    print("| pair | onnx_err | torch_err | ratio | attribution | noise-aware tolerance | fixed tolerance |")
    print("|---|---|---|---|---|---|---|")
    faithful_ratios, bad_ratios, faithful_err = [], [], []
    for k, r in att.items():
        a = worst(r)
        print("| %s | %s | %s | %s | %s | %s | %s |" % (k, fmt(a and a["onnx_err"]), fmt(a and a["torch_err"]),
              fmt(a and a["ratio"]), r["outcome"], noise[k]["outcome"], fixed[k]["outcome"]))
        if a:
            if r["outcome"] == "faithful":
                faithful_ratios.append(float(a["ratio"]))
            elif r["outcome"] in ("numeric-discrepancy", "accuracy-discrepancy"):
                bad_ratios.append(float(a["ratio"]))
            if r["outcome"] == "faithful":
                faithful_err.append(float(a["onnx_err"]))
    faithful = [k for k, r in att.items() if r["outcome"] == "faithful"]
    print()
    print("faithful pairs: %d; largest ratio among them %.3g, largest onnx_err %.3g; smallest ratio among "
          "numeric/accuracy discrepancies %.3g" % (len(faithful), max(faithful_ratios), max(faithful_err),
                                                   min(bad_ratios) if bad_ratios else float("nan")))
    for name, run in (("noise-aware tolerance", noise), ("fixed tolerance", fixed)):
        fa = [k for k in faithful if run[k]["outcome"] != "faithful"]
        missed = [k for k, r in att.items() if r["outcome"] != "faithful" and run[k]["outcome"] == "faithful"]
        print("%s: %d false alarms of %d faithful pairs %s; %d missed" % (name, len(fa), len(faithful), fa, len(missed)))


if __name__ == "__main__":
    main()
