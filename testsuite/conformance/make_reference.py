#!/usr/bin/env python3
"""Make the expected outputs of the conformance cases on a real NVIDIA GPU.

Runs on a machine with nvcc, CuPy and a CUDA GPU. For every case directory
(one holding kernel.cu and run.args) it:

1. builds kernel.cu with nvcc (`nvcc -std=c++17 -arch=sm_XY -cubin`),
2. parses run.args exactly as `cwcc run` reads them (--kernel, --grid,
   --block, --shared-bytes, --arg SPEC with SPEC one of i32:V u32:V i64:V
   u64:V f32:V f64:V @FILE.npy zeros:DTYPE:LEN),
3. launches the nvcc-built kernel through CuPy (cupy.RawModule(path=cubin)),
   twice on fresh buffers, and checks both runs agree bit for bit
   (a difference means the case is racy or reads uninitialised memory),
4. builds and launches the same source through NVRTC (cupy.RawModule(code=...))
   and reports any difference from the nvcc result,
5. writes every buffer argument K, as the GPU left it, to expected/argK.npy.

Usage (from the repository root, on the GPU machine):

    python3 testsuite/conformance/make_reference.py --out results.tar [CASE ...]

The tar holds CASE/expected/argK.npy for every case plus env.txt (GPU, driver,
nvcc, CuPy versions) and report.txt (per-case status). Unpack it into
testsuite/conformance/. Exit status 1 if any case failed.
"""
import argparse
import concurrent.futures
import datetime
import io
import pathlib
import re
import shlex
import subprocess
import sys
import tarfile
import tempfile
import traceback

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

DTYPES = {
    "i32": np.int32,
    "u32": np.uint32,
    "i64": np.int64,
    "u64": np.uint64,
    "f32": np.float32,
    "f64": np.float64,
    "u8": np.uint8,
    "i8": np.int8,
    "i16": np.int16,
    "u16": np.uint16,
    "f16": np.float16,
}


class CaseError(Exception):
    """A problem with one case (bad run.args, compile error, launch error)."""


def parse_dims(text):
    parts = [int(p) for p in text.split(",")]
    if not 1 <= len(parts) <= 3 or any(p <= 0 for p in parts):
        raise CaseError(f"bad dimensions {text!r}")
    return tuple(parts + [1] * (3 - len(parts)))


def parse_scalar(kind, value):
    dtype = DTYPES[kind]
    if kind in ("f32", "f64"):
        return dtype(float(value))
    v = int(value, 0)
    info = np.iinfo(dtype)
    if not info.min <= v <= info.max:
        raise CaseError(f"{kind}:{value} is out of range")
    return dtype(v)


def parse_run_args(case_dir):
    """run.args -> dict(kernel, grid, block, shared, args=[('scalar', value) | ('buffer', ndarray)])."""
    toks = shlex.split((case_dir / "run.args").read_text())
    spec = {"kernel": None, "grid": None, "block": None, "shared": 0, "args": []}
    k = 0
    while k < len(toks):
        opt = toks[k]
        if k + 1 >= len(toks):
            raise CaseError(f"{opt} without a value")
        val = toks[k + 1]
        k += 2
        if opt == "--kernel":
            spec["kernel"] = val
        elif opt == "--grid":
            spec["grid"] = parse_dims(val)
        elif opt == "--block":
            spec["block"] = parse_dims(val)
        elif opt == "--shared-bytes":
            spec["shared"] = int(val)
        elif opt == "--arg":
            if val.startswith("@"):
                arr = np.load(case_dir / val[1:])
                spec["args"].append(("buffer", arr))
            elif val.startswith("zeros:"):
                _, dt, n = val.split(":")
                spec["args"].append(("buffer", np.zeros(int(n), dtype=DTYPES[dt])))
            else:
                kind, _, v = val.partition(":")
                if kind not in DTYPES or kind == "u8":
                    raise CaseError(f"bad argument spec {val!r}")
                spec["args"].append(("scalar", parse_scalar(kind, v)))
        else:
            raise CaseError(f"unknown option {opt!r}")
    if not spec["kernel"] or not spec["grid"] or not spec["block"]:
        raise CaseError("run.args needs --kernel, --grid and --block")
    return spec


def sm_arch(cp):
    major, minor = cp.cuda.Device().compute_capability[0], cp.cuda.Device().compute_capability[1:]
    return f"sm_{major}{minor}"


def nvcc_build(case_dir, arch, workdir):
    """nvcc -cubin; returns (cubin path, {demangled base name: mangled name})."""
    cubin = pathlib.Path(workdir) / f"{case_dir.name}.cubin"
    cmd = ["nvcc", "-std=c++17", f"-arch={arch}", "-cubin", "-o", str(cubin), str(case_dir / "kernel.cu")]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise CaseError(f"nvcc failed:\n{res.stderr}")
    syms = subprocess.run(["cuobjdump", "-symbols", str(cubin)], capture_output=True, text=True).stdout
    entries = [line.split()[-1] for line in syms.splitlines() if "STO_ENTRY" in line]
    names = {}
    if entries:
        dem = subprocess.run(["cu++filt"], input="\n".join(entries) + "\n", capture_output=True, text=True).stdout.split("\n")
        for mangled, pretty in zip(entries, dem):
            names[normalize(pretty)] = mangled
            names[mangled] = mangled
    return cubin, names, res.stderr


def normalize(pretty):
    """'void fill_pattern<int, (int)4>(int*, int)' -> 'fill_pattern<int,4>'; 'scale_values(float*, float, int)' -> 'scale_values'."""
    s = pretty.strip()
    depth = 0
    for idx, ch in enumerate(s):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            s = s[:idx]
            break
    s = re.sub(r"^void\s+", "", s)
    # cu++filt prints non-type template arguments with a cast: fill_pattern<int, (int)4>
    s = re.sub(r"\((?:unsigned |signed |long |short )*(?:int|long|short|char|bool)\)(?=-?\d)", "", s)
    return s.replace(" ", "")


def launch(cp, fn, spec):
    """Launch once on fresh device buffers; returns {arg index: host ndarray} for every buffer argument."""
    dev_args = []
    buffers = {}
    for idx, (kind, val) in enumerate(spec["args"]):
        if kind == "buffer":
            d = cp.asarray(val.copy())
            buffers[idx] = d
            dev_args.append(d)
        else:
            dev_args.append(val)
    fn(spec["grid"], spec["block"], tuple(dev_args), shared_mem=spec["shared"])
    cp.cuda.runtime.deviceSynchronize()
    return {idx: cp.asnumpy(d) for idx, d in buffers.items()}


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def describe_diff(a, b):
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    ab = np.ascontiguousarray(a).reshape(a.size, 1).view(np.uint8)
    bb = np.ascontiguousarray(b).reshape(b.size, 1).view(np.uint8)
    diff = np.nonzero(np.any(ab != bb, axis=1))[0]
    first = diff[:5].tolist()
    return f"{len(diff)} of {a.size} elements differ, first at {first}: {a.reshape(-1)[first].tolist()} vs {b.reshape(-1)[first].tolist()}"


def run_case(cp, case_dir, build, arch):
    """Returns (expected {K: array}, notes list)."""
    notes = []
    spec = parse_run_args(case_dir)
    cubin, names, warnings = build
    if warnings.strip():
        notes.append("nvcc warnings: " + " | ".join(l for l in warnings.splitlines() if "warning" in l)[:400])
    want = spec["kernel"].replace(" ", "")
    mangled = names.get(want)
    if mangled is None:
        raise CaseError(f"kernel {spec['kernel']!r} not among the cubin's entries {sorted(names)}")
    mod = cp.RawModule(path=str(cubin))
    fn = mod.get_function(mangled)
    first = launch(cp, fn, spec)
    second = launch(cp, fn, spec)
    for k in first:
        if not same_bits(first[k], second[k]):
            raise CaseError(f"NONDETERMINISTIC: arg{k} differs between two runs: {describe_diff(first[k], second[k])}")
    # cross-check with NVRTC (CuPy's own compiler path)
    try:
        src = (case_dir / "kernel.cu").read_text()
        try:
            rmod = cp.RawModule(code=src, options=("-std=c++17",), name_expressions=[spec["kernel"]])
            rfn = rmod.get_function(spec["kernel"])
        except Exception:
            rmod = cp.RawModule(code=src, options=("-std=c++17",))
            rfn = rmod.get_function(spec["kernel"])
        third = launch(cp, rfn, spec)
        for k in first:
            if not same_bits(first[k], third[k]):
                notes.append(f"nvrtc differs from nvcc in arg{k}: {describe_diff(first[k], third[k])}")
    except Exception as e:  # noqa: BLE001 - reported, not fatal: the nvcc result is the reference
        notes.append(f"nvrtc cross-check failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    return first, notes


def environment(cp, arch):
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except Exception as e:  # noqa: BLE001
            return f"({e})"

    lines = [
        f"date (UTC): {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}",
        f"gpu: {sh('nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader')}",
        f"arch: {arch}",
        f"nvcc: {' '.join(sh('nvcc --version').splitlines()[-2:])}",
        f"cupy: {cp.__version__}",
        f"cuda runtime: {cp.cuda.runtime.runtimeGetVersion()}",
        f"cuda driver api: {cp.cuda.runtime.driverGetVersion()}",
        f"nvrtc: {cp.cuda.nvrtc.getVersion()}",
        f"numpy: {np.__version__}",
        f"python: {sys.version.split()[0]}",
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="tar file to write")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()

    import cupy as cp

    arch = sm_arch(cp)
    names = opts.cases or sorted(p.name for p in HERE.iterdir() if (p / "kernel.cu").exists())
    env = environment(cp, arch)
    print(env)
    report = []
    failed = 0
    tar = tarfile.open(opts.out, "w")

    def add(name, data):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    with tempfile.TemporaryDirectory() as work:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            builds = {n: pool.submit(nvcc_build, HERE / n, arch, work) for n in names}
        for name in names:
            case_dir = HERE / name
            try:
                build = builds[name].result()
                expected, notes = run_case(cp, case_dir, build, arch)
                for k, arr in expected.items():
                    buf = io.BytesIO()
                    np.save(buf, arr)
                    add(f"{name}/expected/arg{k}.npy", buf.getvalue())
                status = "ok"
            except Exception as e:  # noqa: BLE001 - one case must not stop the others
                failed += 1
                notes = [str(e) if isinstance(e, CaseError) else traceback.format_exc()]
                status = "FAILED"
            line = f"{status:6} {name}" + "".join(f"\n       - {n}" for n in notes)
            print(line, flush=True)
            report.append(line)
    summary = f"{len(names) - failed} ok, {failed} failed, of {len(names)} cases"
    print(summary)
    add("env.txt", env.encode())
    add("report.txt", ("\n".join(report) + "\n" + summary + "\n").encode())
    tar.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
