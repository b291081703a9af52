#!/usr/bin/env python3
"""Deterministic inputs for the conformance cases.

Writes every case's in*.npy next to its kernel.cu. Each case draws from its own
generator seeded with crc32(case name), so adding or changing one case never
changes the inputs of another. Run from anywhere:

    python3 testsuite/conformance/make_inputs.py [CASE ...]

After changing inputs, the expected outputs must be regenerated on a GPU
(make_reference.py; see README.md).
"""
import pathlib
import shlex
import sys
import zlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

i32, u32, i64, u64, f32, f64, u8 = np.int32, np.uint32, np.int64, np.uint64, np.float32, np.float64, np.uint8
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NAN, INF = float("nan"), float("inf")


def ints(rng, lo, hi, n, dtype=i32):
    """n integers in [lo, hi]."""
    return rng.integers(lo, hi, size=n, endpoint=True, dtype=np.int64).astype(dtype)


def uni(rng, lo, hi, n, dtype=f32):
    """n floats uniform in [lo, hi)."""
    return rng.uniform(lo, hi, size=n).astype(dtype)


def with_specials(values, specials):
    """Overwrite the first len(specials) entries with the given special values."""
    out = values.copy()
    out[: len(specials)] = np.array(specials, dtype=values.dtype)
    return out


def logspace(rng, lo_exp, hi_exp, n, dtype=f32):
    """n positive values spread over 10**lo_exp .. 10**hi_exp."""
    return (10.0 ** rng.uniform(lo_exp, hi_exp, size=n)).astype(dtype)


def full_u32(rng, n):
    return rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(u32)


def full_i64(rng, n):
    return rng.integers(-(2**63), 2**63 - 1, size=n, dtype=np.int64, endpoint=True)


# --- one function per case: rng -> {file name: array} -------------------------------------------

def vec_add_i32(r):
    return {"in0": ints(r, -10**6, 10**6, 1000), "in1": ints(r, -10**6, 10**6, 1000)}


def vec_add_f32(r):
    return {"in0": (r.standard_normal(3000) * 100).astype(f32), "in1": (r.standard_normal(3000) * 100).astype(f32)}


def vec_add_f64(r):
    return {"in0": r.standard_normal(2000) * 1e3, "in1": r.standard_normal(2000)}


def saxpy_f32(r):
    return {"in0": uni(r, -1, 1, 4000), "in1": uni(r, -1, 1, 4000)}


def daxpy_grid_stride(r):
    return {"in0": r.uniform(-1, 1, 5000), "in1": r.uniform(-1, 1, 5000)}


def grid_stride_i64(r):
    return {"in0": ints(r, -10**12, 10**12, 3001, i64)}


def scale_cpp_name(r):
    return {"in0": (r.standard_normal(1000) * 10).astype(f32)}


def vector_types_float4(r):
    return {"in0": uni(r, -100, 100, 1024), "in1": uni(r, -100, 100, 1024)}


def stencil_1d_shared_i32(r):
    return {"in0": ints(r, -1000, 1000, 2000)}


def stencil_1d_shared_f32(r):
    return {"in0": uni(r, 0, 1, 3000)}


def stencil_2d_shared(r):
    return {"in0": uni(r, 0, 1, 60 * 40)}


def heat_2d_global(r):
    return {"in0": uni(r, 0, 1, 70 * 32)}


def conv2d_constant_filter(r):
    return {"in0": uni(r, 0, 1, 48 * 60)}


def matmul_naive_f32(r):
    return {"in0": uni(r, 0, 1, 48 * 36), "in1": uni(r, 0, 1, 36 * 40)}


def matmul_tiled_f32(r):
    return {"in0": uni(r, 0, 1, 75 * 70), "in1": uni(r, 0, 1, 70 * 60)}


def matmul_tiled_i32(r):
    return {"in0": ints(r, -100, 100, 38 * 38), "in1": ints(r, -100, 100, 38 * 38)}


def matmul_naive_f64(r):
    return {"in0": r.uniform(0, 1, 40 * 25), "in1": r.uniform(0, 1, 30 * 25), "in2": r.uniform(0, 1, 40 * 30)}


def sgemv_warp_per_row(r):
    return {"in0": uni(r, 0, 1, 32 * 100), "in1": uni(r, 0, 1, 100)}


def transpose_naive(r):
    return {"in0": uni(r, -1, 1, 61 * 100)}


def transpose_shared_padded(r):
    return {"in0": uni(r, -1, 1, 80 * 70)}


def transpose_shared_unpadded(r):
    return {"in0": full_u32(r, 64 * 33)}


def reduce_interleaved(r):
    return {"in0": ints(r, -1000, 1000, 4000)}


def reduce_sequential_f32(r):
    return {"in0": uni(r, -1, 1, 5000)}


def reduce_warp_unrolled(r):
    return {"in0": ints(r, -10**5, 10**5, 10000)}


def reduce_shuffle_f32(r):
    return {"in0": uni(r, -1, 1, 7000)}


def reduce_xor_allreduce_f64(r):
    return {"in0": r.standard_normal(256)}


def reduce_atomic_total(r):
    return {"in0": ints(r, -10**6, 10**6, 4000)}


def scan_hillis_steele(r):
    return {"in0": ints(r, -100, 100, 2000)}


def scan_blelloch(r):
    return {"in0": ints(r, 0, 1000, 1500, u32)}


def scan_warp_shfl_up(r):
    return {"in0": (ints(r, -32, 32, 1200).astype(f32) / 8).astype(f32)}


def histogram_shared_atomics(r):
    # skewed: many small byte values, some hot bins
    a = np.minimum(r.exponential(40, 20000), 255).astype(u8)
    a[::7] = 77
    return {"in0": a}


def histogram_global_atomics(r):
    return {"in0": ints(r, -100, 11000, 5000)}


def atomic_min_max(r):
    v = ints(r, INT_MIN, INT_MAX, 1200)
    return {
        "in0": v,
        "in1": np.array([INT_MAX], dtype=i32),
        "in2": np.array([INT_MIN], dtype=i32),
        "in3": np.array([0xFFFFFFFF], dtype=u32),
        "in4": np.array([2**63 - 1], dtype=i64),
    }


def atomic_cas_exch(r):
    return {"in0": ints(r, -1000, 1000, 1000)}


def atomic_inc_dec_bitwise(r):
    return {"in0": np.array([0, 0, 5, 100], dtype=u32), "in1": np.array([-1, 0, 0x12345678], dtype=i32)}


def warp_vote(r):
    v = ints(r, 0, 100, 256)
    v[0:32] = ints(r, 51, 94, 32)   # warp 0: all > 50, none > 95
    v[32:64] = ints(r, 0, 2, 32)    # warp 1: all < 3
    v[64 + 5] = 7
    v[96 + 20] = 99
    return {"in0": v}


def shuffle_width(r):
    return {"in0": ints(r, -10**6, 10**6, 128)}


def match_any_all(r):
    k = ints(r, 0, 5, 192) * 1000 + ints(r, 0, 2, 192)
    k[0:32] = 3000 + ints(r, 0, 999, 32)  # warp 0: same k/1000 everywhere
    k[32:64] = 42                         # warp 1: all equal
    return {"in0": k}


def warp_reduce_builtins(r):
    return {"in0": ints(r, 0, 100000, 192, u32)}


def syncthreads_count_and_or(r):
    v = ints(r, 0, 40, 1024)
    v[3 * 128 + 17] = 42
    v[5 * 128 + 127] = 42
    v[6 * 128:7 * 128] = ints(r, 10, 40, 128)
    return {"in0": v}


def bitonic_sort_shared(r):
    v = ints(r, -10**6, 10**6, 2048)
    v[100:140] = 5  # duplicates
    return {"in0": v}


def odd_even_sort_kv(r):
    keys = (ints(r, -20, 20, 384).astype(f32) * 0.5).astype(f32)
    return {"in0": keys, "in1": np.arange(384, dtype=i32)[::-1].copy()}


def struct_aos_particles(r):
    n = 200
    p = np.zeros((n, 8), dtype=f32)
    p[:, 0:3] = uni(r, -10, 10, 3 * n).reshape(n, 3)
    p[:, 1] = uni(r, 0, 0.002, n)  # close to the floor so some bounce
    p[:, 3:6] = uni(r, -2, 2, 3 * n).reshape(n, 3)
    p[:, 6] = uni(r, 0.5, 2, n)
    p[:, 7] = uni(r, -1, 1, n)
    return {"in0": p.reshape(-1)}


def struct_mixed_layout(r):
    n = 100
    dt = np.dtype(
        [("tag", "i1"), ("small", "<i2"), ("count", "<i4"), ("weight", "<f8"), ("flag", "u1"), ("bytes", "u1", (3,)), ("ratio", "<f4")],
        align=True,
    )
    assert dt.itemsize == 24 and dt.fields["weight"][1] == 8 and dt.fields["ratio"][1] == 20
    rec = np.zeros(n, dtype=dt)
    rec["tag"] = ints(r, -128, 127, n, np.int8)
    rec["small"] = ints(r, -32768, 32767, n, np.int16)
    rec["count"] = ints(r, -10**6, 10**6, n)
    rec["weight"] = r.uniform(-1000, 1000, n)
    rec["flag"] = ints(r, 0, 1, n, u8)
    rec["bytes"] = ints(r, 0, 255, 3 * n, u8).reshape(n, 3)
    rec["ratio"] = uni(r, -100, 100, n)
    return {"in0": np.frombuffer(rec.tobytes(), dtype=u8).copy()}


def templates_device_functions(r):
    return {"in0": ints(r, -60, 60, 200), "in1": uni(r, -2, 2, 200), "in2": r.uniform(-3, 3, 200)}


def constant_lut(r):
    return {"in0": full_u32(r, 1000)}


def constant_poly_f32(r):
    return {"in0": uni(r, -2, 2, 1000)}


def math_sin_cos_f32(r):
    x = uni(r, -100, 100, 2048)
    return {"in0": with_specials(x, [0.0, -0.0, INF, -INF, NAN, 1e-30, 1e4, 1e6, 3.0e8, -123456.7, 1.5707964, 3.1415927, 1e-6])}


def math_exp_log_f32(r):
    x = with_specials(uni(r, -90, 90, 2048), [0.0, -0.0, INF, -INF, NAN, 88.7, -87.3, -103.9, 1e-7])
    y = with_specials(logspace(r, -30, 30, 2048), [0.0, -0.0, INF, NAN, -1.0, 1.0, 1e-40, 3.4e38, 1e-7, 2.0])
    return {"in0": x, "in1": y}


def math_pow_f32(r):
    n = 2048
    base = uni(r, 0, 10, n)
    expo = uni(r, -10, 10, n)
    neg = slice(1024, 1536)  # negative bases with integer exponents
    base[neg] = uni(r, -5, 0, 512)
    expo[neg] = ints(r, -8, 8, 512).astype(f32)
    sb = [0.0, 0.0, -0.0, 1.0, -1.0, -1.0, INF, -INF, NAN, 2.0, 0.5, -2.0, 10.0, 1e-20]
    se = [2.0, -1.0, 3.0, NAN, INF, 2.5, -0.5, 3.0, 0.0, 0.5, 128.0, -3.0, 38.0, 2.0]
    return {"in0": with_specials(base, sb), "in1": with_specials(expo, se)}


def math_sqrt_div_f32(r):
    x = with_specials(logspace(r, -20, 20, 1024), [0.0, -0.0, INF, NAN, -4.0, 1e-40, 2.0, 3.4e38])
    y = with_specials(uni(r, -100, 100, 1024), [3.0, 0.0, -0.0, 7.0, INF, 3.0, 1e-30, 0.5])
    return {"in0": x, "in1": y}


def math_rsqrt_f32(r):
    return {"in0": with_specials(logspace(r, -30, 30, 1024), [0.0, INF, NAN, 1.0, 4.0, 1e-40, -1.0])}


def math_tanh_erf_f32(r):
    return {"in0": with_specials(uni(r, -6, 6, 1024), [0.0, -0.0, 1e-7, -1e-7, 6.0, -6.0, 0.5, 1.5])}


def math_f64(r):
    x = with_specials(r.uniform(-50, 50, 1024), [0.0, -0.0, 1e-300, 50.0, -50.0])
    y = with_specials(logspace(r, -10, 10, 1024, f64), [1.0, 1e-300, 2.0, 1e10])
    return {"in0": x, "in1": y}


def math_misc_exact_f32(r):
    x = (ints(r, -80, 80, 512).astype(f32) * 0.25).astype(f32)
    x[256:] = uni(r, -1000, 1000, 256)
    x = with_specials(x, [0.5, -0.5, 1.5, 2.5, -2.5, 0.0, -0.0, INF, -INF, NAN, 8388609.0, 1e-40, 0.49999997])
    y = with_specials(uni(r, -10, 10, 512), [NAN, 1.0, -0.0, 0.0, 2.0, INF, -INF, 3.0, 0.75, -1.5, 4.0, 1.0, 1.0])
    y[np.abs(y) < 1e-3] = 0.125
    return {"in0": x, "in1": y}


def math_cbrt_hypot_f32(r):
    return {"in0": uni(r, -100, 100, 1024), "in1": with_specials(uni(r, -1000, 1000, 1024), [0.0, -8.0, 27.0, INF, 1e-40])}


def softmax_rows(r):
    return {"in0": (r.standard_normal(16 * 300) * 3).astype(f32)}


def black_scholes(r):
    return {"in0": uni(r, 5, 30, 1500), "in1": uni(r, 1, 100, 1500), "in2": uni(r, 0.25, 10, 1500)}


def nbody_shared_tiles(r):
    p = np.zeros((256, 4), dtype=f32)
    p[:, :3] = uni(r, -10, 10, 768).reshape(256, 3)
    p[:, 3] = uni(r, 0.5, 1.5, 256)
    return {"in0": p.reshape(-1)}


def int64_index_math(r):
    v = full_i64(r, 500)
    v[:6] = [0, -1, 1, -(2**63), 2**63 - 1, -12345]
    return {"in0": v}


def int_intrinsics(r):
    a = with_specials(full_u32(r, 512), [0, 0xFFFFFFFF, 1, 0x80000000, 0x12345678, 0])
    b = with_specials(full_u32(r, 512), [0, 0xFFFFFFFF, 0xFFFFFFFF, 0x80000000, 0x9ABCDEF0, 5])
    return {"in0": a, "in1": b}


def unsigned_wraparound(r):
    a = full_u32(r, 500)
    a[:100] = ints(r, 0, 300, 100, u32)
    a[:4] = [0, 1, 0xFFFFFFFF, 0x80000000]
    return {"in0": a}


def int_div_mod_negative(r):
    a = ints(r, INT_MIN + 1, INT_MAX, 500)
    b = ints(r, -1000, 1000, 500)
    b[b == 0] = 3
    b[:50] = ints(r, -(2**30), 2**30, 50)
    b[b == 0] = -7
    a[:8] = [-7, 7, -7, 7, -1, 0, INT_MAX, INT_MIN + 1]
    b[:8] = [2, -2, -2, 2, 5, -3, -1, 2]
    return {"in0": a, "in1": b}


def float_to_int_conversions(r):
    f = uni(r, -1e4, 1e4, 256)
    f[128:] = (ints(r, -40, 40, 128).astype(f32) * 0.5).astype(f32)
    f = with_specials(f, [NAN, INF, -INF, 3e9, -3e9, 2147483520.0, -2147483648.0, 4294967040.0, 5e9, 1e19, -1e19,
                          0.5, -0.5, 1.5, 2.5, -2.5, -0.0, 0.49999997, -1.5, 16777216.0, 1e-40])
    d = r.uniform(-1e4, 1e4, 256)
    d = with_specials(d, [NAN, INF, -INF, 3e9, -3e9, 2147483647.5, -2147483648.7, 0.5, -0.5, 2.5, 1e300, 1e-320,
                          3.4028235677973366e38, 1.0000000596046448, 1e39])
    L = full_i64(r, 256)
    L[100:] = ints(r, -10**9, 10**9, 156, i64)
    L[:8] = [16777217, 16777219, -16777217, 2**40 + 1, 2**53 + 1, 2**63 - 1, -(2**63), 0]
    return {"in0": f, "in1": d, "in2": L}


def switch_fallthrough(r):
    return {"in0": ints(r, 0, 10000, 500)}


def barrier_in_loop(r):
    return {"in0": ints(r, 0, 10000, 1536)}


def barrier_uniform_branch(r):
    return {"in0": ints(r, 0, 60000, 640), "in1": np.array([0, 3, 7, 1, 12], dtype=i32)}


def dynamic_shared_reverse(r):
    return {"in0": ints(r, -10**6, 10**6, 1024)}


def dynamic_shared_carved(r):
    return {"in0": uni(r, -100, 100, 380)}


def grid_3d_block_3d(r):
    return {"in0": ints(r, -1000, 1000, 20 * 12 * 7)}


def device_function_chain(r):
    a = ints(r, -5000, 5000, 300)
    b = ints(r, -5000, 5000, 300)
    a[:4] = [0, 0, 12, -36]
    b[:4] = [0, 7, 18, 24]
    return {"in0": a, "in1": b}


def local_array_sort(r):
    return {"in0": ints(r, -1000, 1000, 2048)}


def short_circuit_ternary(r):
    v = ints(r, -300, 300, 256)
    v[:8] = [0, 1, -1, 100, 101, -101, 4, INT_MAX]
    return {"in0": v}


def warp_aggregated_atomics(r):
    return {"in0": ints(r, -10, 10, 500)}


# --- half precision ------------------------------------------------------------------------------

f16 = np.float16


def half_bits(rng, n, lo_exp=0, hi_exp=30):
    """n half values with random signs and mantissas, biased exponent fields in [lo_exp, hi_exp]."""
    sign = rng.integers(0, 2, size=n, dtype=np.int64) << 15
    exp = rng.integers(lo_exp, hi_exp, size=n, endpoint=True, dtype=np.int64) << 10
    mant = rng.integers(0, 1024, size=n, dtype=np.int64)
    return (sign | exp | mant).astype(np.uint16).view(f16)


def fp16_conversions(r):
    n = 16384
    # Random float bit patterns over exponents 2^-30 .. 2^17 (subnormal to overflow).
    sign = r.integers(0, 2, size=n, dtype=np.int64) << 31
    exp = r.integers(97, 144, size=n, endpoint=True, dtype=np.int64) << 23
    mant = r.integers(0, 1 << 23, size=n, dtype=np.int64)
    x = (sign | exp | mant).astype(np.uint32).view(f32)
    # Exact ties between two halves and their float neighbours (round-to-nearest-even cases).
    h = half_bits(r, 3000, 0, 30).astype(np.float64)
    h = h[np.isfinite(h)]
    up = np.nextafter(h.astype(f16), f16(np.inf)).astype(np.float64)
    mid = ((h + up) / 2).astype(f32)
    x[2000:2000 + len(mid)] = mid
    k = 2000 + len(mid)
    x[k:k + 1000] = np.nextafter(mid[:1000], f32(np.inf))
    x[k + 1000:k + 2000] = np.nextafter(mid[1000:2000], f32(-np.inf))
    specials = [0.0, -0.0, 1.0, -1.0, 65504.0, 65519.996, 65520.0, -65520.0, 65536.0, 1e10, -1e10,
                INF, -INF, NAN, -NAN, 2.0**-24, 2.0**-25, -(2.0**-25), 1.5 * 2.0**-25, 3 * 2.0**-25,
                2.0**-14, (1 - 2.0**-11) * 2.0**-14, 1e-40, -1e-40, 2.0**-26, -(2.0**-26),
                1 + 2.0**-11, 1 + 3 * 2.0**-11, -(1 + 2.0**-11), 1 + 2.0**-11 + 2.0**-23,
                2049.0, 2051.0, 4097.0, 0.1, -0.1, 1.0 / 3, 3.4028235e38, -3.4028235e38, 1e-45]
    x = with_specials(x, specials)
    # Integers: small, around the half range and the short range, and extremes.
    v = ints(r, -70000, 70000, n)
    v[: n // 4] = ints(r, -3000, 3000, n // 4)
    v = with_specials(v, [0, 1, -1, 2049, 2051, 4097, -4097, 65504, 65505, 65519, 65520, 65535,
                          65536, -65520, 32767, -32768, 32768, -32769, INT_MAX, INT_MIN,
                          123456789, -123456789])
    return {"in0": x, "in1": v}


def fp16_arith_fma(r):
    n = 4096
    a = half_bits(r, n, 0, 31)
    b = half_bits(r, n, 0, 31)
    c = half_bits(r, n, 0, 31)
    # Moderate exponents for most elements, so that results are mostly finite and normal.
    a[: n // 2] = half_bits(r, n // 2, 8, 22)
    b[: n // 2] = half_bits(r, n // 2, 8, 22)
    c[: n // 2] = half_bits(r, n // 2, 8, 22)
    # fma inputs where rounding a*b+c to float first and then to half would round twice: keep
    # random candidates whose float sum lands on a different half than the exact sum.
    m = 600000
    ca = half_bits(r, m, 13, 17).astype(np.float64)
    cb = half_bits(r, m, 1, 5).astype(np.float64)
    cc = half_bits(r, m, 14, 16).astype(np.float64)
    exact = ca * cb + cc  # exact in float64: at most 22 + 2^5 bits apart
    twice = exact.astype(f32).astype(f16)
    keep = np.nonzero(exact.astype(f16) != twice)[0][:512]
    lo = n // 2
    a[lo:lo + len(keep)] = ca[keep].astype(f16)
    b[lo:lo + len(keep)] = cb[keep].astype(f16)
    c[lo:lo + len(keep)] = cc[keep].astype(f16)
    specials_a = [0.0, -0.0, INF, -INF, NAN, 65504.0, 2.0**-24, -(2.0**-24), 1.0, 2.0**-14, 3.0, -0.0]
    specials_b = [-0.0, 0.0, INF, 2.0, 1.0, 2.0, 0.5, 2.0**-24, 0.0, 0.5, 3.0, 1.0]
    specials_c = [0.0, 0.0, -INF, 1.0, 1.0, -65504.0, 0.0, 1.0, 1.0, 2.0**-14, -9.0, -0.0]
    return {"in0": with_specials(a, specials_a), "in1": with_specials(b, specials_b),
            "in2": with_specials(c, specials_c)}


def fp16_mul_add(r):
    # Positive halves in [0.5, 4) whose products' low bits make the twice-rounded and the
    # fused results differ for about half of the elements.
    n = 1024
    a, b, c = (half_bits(r, n, 14, 16) for _ in range(3))
    return {"in0": np.abs(a), "in1": np.abs(b), "in2": np.abs(c)}


def fp16_half2_axpy_dot(r):
    n2 = 2000
    x = uni(r, -4, 4, 2 * n2).astype(f16)
    y = uni(r, -4, 4, 2 * n2).astype(f16)
    return {"in0": x, "in1": y}


def fp16_math(r):
    n = 2048
    x = uni(r, -10, 10, n).astype(f16)
    x[: n // 4] = uni(r, -0.1, 0.1, n // 4).astype(f16)
    x[n // 4: n // 2] = half_bits(r, n // 4, 0, 30)
    return {"in0": with_specials(x, [0.0, -0.0, 1.0, -1.0, INF, -INF, NAN, 65504.0, 2.0**-24,
                                     11.0, -11.0, 0.5])}


def cg_tile_reduce(r):
    return {"in0": (ints(r, 0, 64 * 64 - 1, 1200) / np.float32(64)).astype(f32),
            "in1": ints(r, -1000, 1000, 1200)}


def cg_tile_shuffles(r):
    return {"in0": ints(r, 0, 100, 288)}


def cg_block_scan(r):
    return {"in0": ints(r, -50, 100, 1024),
            "in1": (ints(r, 0, 255, 1024) / np.float32(16)).astype(f32)}


def cg_coalesced_atomics(r):
    return {"in0": ints(r, -10, 10, 390)}


def cg_memcpy_async(r):
    return {"in0": uni(r, -4, 4, 500), "in1": ints(r, 0, 255, 592, u8)}


CASES = {name: fn for name, fn in list(globals().items()) if callable(fn) and (HERE / name / "kernel.cu").exists()}


def referenced_inputs(case_dir):
    """The @FILE arguments of a case's run.args."""
    toks = shlex.split((case_dir / "run.args").read_text())
    return [toks[k + 1][1:] for k, t in enumerate(toks) if t == "--arg" and toks[k + 1].startswith("@")]


def main(argv):
    names = argv or sorted(p.name for p in HERE.iterdir() if (p / "kernel.cu").exists())
    problems = 0
    for name in names:
        case = HERE / name
        files = CASES[name](np.random.default_rng(zlib.crc32(name.encode()))) if name in CASES else {}
        for stem, arr in files.items():
            np.save(case / f"{stem}.npy", np.ascontiguousarray(arr))
        for ref in referenced_inputs(case):
            if not (case / ref).exists():
                print(f"{name}: run.args names {ref}, which was not generated")
                problems += 1
        size = sum(p.stat().st_size for p in case.glob("in*.npy"))
        if size > 200_000:
            print(f"{name}: inputs are {size} bytes (over 200 KB)")
            problems += 1
    print(f"{len(names)} cases, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
