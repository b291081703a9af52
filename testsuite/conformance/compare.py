#!/usr/bin/env python3
"""Compare one case's outputs with its expected/argK.npy under the case's tolerance.

    python3 testsuite/conformance/compare.py CASE_DIR OUT_DIR

OUT_DIR holds the argK.npy files written by `cwcc run --out-dir OUT_DIR`.
This is the reference implementation of the rules in README.md; exit status 0
when every buffer matches, 1 otherwise (the first mismatches are printed).
"""
import pathlib
import sys

import numpy as np


def parse_tolerance(text):
    """'exact ...' -> ('exact', 0); 'ulp 4 (...)' -> ('ulp', 4); 'rel 1e-5 ...' -> ('rel', 1e-5)."""
    words = text.split()
    if not words:
        raise ValueError("empty tolerance file")
    if words[0] == "exact":
        return "exact", 0
    if words[0] == "ulp":
        return "ulp", int(words[1])
    if words[0] == "rel":
        return "rel", float(words[1])
    raise ValueError(f"unknown tolerance rule {words[0]!r}")


def ordered(bits, width):
    """Map IEEE bit patterns to integers whose order is the float order (-0 and +0 both map to 0)."""
    bits = bits.astype(np.int64) if width <= 32 else bits.astype(object)
    sign = 1 << (width - 1)
    return np.where(bits & sign, -(bits & (sign - 1)), bits)


def mismatches(got, exp, rule, amount):
    """Indices of elements of got that do not match exp."""
    if got.dtype != exp.dtype or got.shape != exp.shape:
        raise ValueError(f"dtype/shape {got.dtype}{got.shape} != expected {exp.dtype}{exp.shape}")
    if exp.dtype.kind in "iub":
        return np.nonzero(got != exp)[0]
    g, e = got.astype(np.float64), exp.astype(np.float64)
    both_nan = np.isnan(g) & np.isnan(e)
    if rule == "exact":
        ok = (g == e) & (np.signbit(g) == np.signbit(e))
    elif rule == "ulp":
        width = exp.dtype.itemsize * 8
        ibits = {16: np.uint16, 32: np.uint32}.get(width, np.uint64)
        dist = np.abs(ordered(got.view(ibits), width) - ordered(exp.view(ibits), width))
        finite = np.isfinite(g) & np.isfinite(e)
        ok = (finite & (dist.astype(np.float64) <= amount)) | (g == e)
    else:
        finite = np.isfinite(g) & np.isfinite(e)
        with np.errstate(invalid="ignore"):
            ok = (finite & (np.abs(g - e) <= amount * np.maximum(np.abs(e), 1.0))) | (g == e)
    return np.nonzero(~(ok | both_nan))[0]


def main(case_dir, out_dir):
    case_dir, out_dir = pathlib.Path(case_dir), pathlib.Path(out_dir)
    rule, amount = parse_tolerance((case_dir / "tolerance").read_text())
    failed = False
    for exp_path in sorted((case_dir / "expected").glob("arg*.npy")):
        exp = np.load(exp_path).reshape(-1)
        got_path = out_dir / exp_path.name
        if not got_path.exists():
            print(f"{case_dir.name}: {exp_path.name} missing from {out_dir}")
            failed = True
            continue
        got = np.load(got_path).reshape(-1)
        try:
            bad = mismatches(got, exp, rule, amount)
        except ValueError as e:
            print(f"{case_dir.name}: {exp_path.name}: {e}")
            failed = True
            continue
        if len(bad):
            failed = True
            first = bad[:5].tolist()
            print(f"{case_dir.name}: {exp_path.name}: {len(bad)} of {exp.size} differ ({rule} {amount}); "
                  f"at {first}: got {got[first].tolist()} expected {exp[first].tolist()}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
