/* cwcc device library: half precision (__half, __half2) as in CUDA's cuda_fp16.h */
#ifndef CWCC_CUDA_FP16_H_INCLUDED
#define CWCC_CUDA_FP16_H_INCLUDED

/*
 * `__half` is a struct holding the 16 bits of an IEEE binary16 value, as in NVIDIA's header.
 * Nothing here relies on a backend's native f16: conversions to half are integer code that
 * rounds once (every rounding mode, subnormals, overflow, NaN -> 0x7fff as on the GPU), and
 * arithmetic converts to float, computes there and rounds back. For `+ - * /` and sqrt that is
 * CUDA's correctly rounded result (float has 24 >= 2*11+2 bits, so the double rounding is
 * innocuous); `__hfma` rounds its float sum to odd first so that the result is rounded once.
 * `__hdiv` follows CUDA's own algorithm (reciprocal, product, correction for tiny results) with
 * a correctly rounded reciprocal in place of the GPU's `rcp.approx`. The math functions
 * (`hexp`, `hsin`, ...) round the float function's result to half, as CUDA's do.
 * `__half(double)` / `__double2half` compute in double (a clear error on WebGPU, which has no
 * f64): write `__float2half(x)` or a float literal there. `atomicAdd` on `__half` is a CAS loop
 * on the aligned 32-bit word that holds it.
 */

#include <cuda_runtime.h>

struct __half_raw {
    unsigned short x;
};

struct __half2_raw {
    unsigned short x;
    unsigned short y;
};

/* ---- rounding of float to half, in integer code ------------------------------------------- */

/* mode: 0 nearest even, 1 toward zero, 2 down (toward -inf), 3 up (toward +inf). */
static __host__ __device__ __forceinline__ unsigned short __cwcc_float2half_bits(float f, int mode)
{
    unsigned int u = __float_as_uint(f);
    unsigned int sign = (u >> 16) & 0x8000u;
    unsigned int exp = (u >> 23) & 0xffu;
    unsigned int mant = u & 0x7fffffu;
    bool neg = sign != 0u;
    if (exp == 0xffu) {
        if (mant != 0u) {
            return (unsigned short)0x7fffu;
        }
        return (unsigned short)(sign | 0x7c00u);
    }
    /* The half exponent field of a normal result; <= 0 means a subnormal result. */
    int e = (int)exp - 127 + 15;
    if (exp == 0u) {
        e = 1 - 127 + 15;
    } else {
        mant = mant | 0x800000u;
    }
    if (e >= 31) {
        /* Beyond the largest finite half even before rounding. */
        bool to_inf = mode == 0 || (mode == 3 && !neg) || (mode == 2 && neg);
        return (unsigned short)(sign | (to_inf ? 0x7c00u : 0x7bffu));
    }
    int shift = 13;
    if (e < 1) {
        shift = 13 + (1 - e);
    }
    if (shift > 25) {
        /* mant < 2^24 < half of 2^25: only the sticky bit is left. */
        shift = 25;
    }
    unsigned int q = mant >> shift;
    unsigned int rem = mant & ((1u << shift) - 1u);
    unsigned int halfway = 1u << (shift - 1);
    unsigned int bits;
    if (e >= 1) {
        bits = ((unsigned int)(e - 1) << 10) + q;
    } else {
        bits = q;
    }
    bool up = false;
    if (mode == 0) {
        up = rem > halfway || (rem == halfway && (q & 1u) != 0u);
    } else if (mode == 2) {
        up = neg && rem != 0u;
    } else if (mode == 3) {
        up = !neg && rem != 0u;
    }
    if (up) {
        /* A carry moves into the exponent (and from the largest finite value to inf). */
        bits = bits + 1u;
    }
    return (unsigned short)(sign | bits);
}

/* The float value of half bits (exact). */
static __host__ __device__ __forceinline__ float __cwcc_half_bits2float(unsigned short h)
{
    unsigned int sign = ((unsigned int)h & 0x8000u) << 16;
    unsigned int exp = ((unsigned int)h >> 10) & 0x1fu;
    unsigned int mant = (unsigned int)h & 0x3ffu;
    if (exp == 0x1fu) {
        return __uint_as_float(sign | 0x7f800000u | (mant << 13));
    }
    if (exp == 0u) {
        /* Zero or subnormal: mant * 2^-24 is exact in float. */
        float m = (float)mant * 5.9604644775390625e-8f;
        return sign != 0u ? -m : m;
    }
    return __uint_as_float(sign | ((exp + 112u) << 23) | (mant << 13));
}

/* ---- the types ---------------------------------------------------------------------------- */

struct __align__(2) __half {
    unsigned short __x;

    __host__ __device__ __half() {}
    __host__ __device__ __half(const __half_raw &hr) : __x(hr.x) {}
    __host__ __device__ __half(float f) : __x(__cwcc_float2half_bits(f, 0)) {}
    /* Double is narrowed to float rounding to odd, so that the one rounding to half is exact. */
    __host__ __device__ __half(double d)
    {
        float f = (float)d;
        if ((double)f != d && f == f && (__float_as_uint(f) & 1u) == 0u) {
            unsigned int b = __float_as_uint(f);
            if (f == 0.0f) {
                b = (d > 0.0 ? 0u : 0x80000000u) | 1u;
            } else {
                /* The other float neighbour of d (an odd pattern): one step toward d. */
                bool grow = (d > (double)f) == (f > 0.0f);
                b = grow ? b + 1u : b - 1u;
            }
            f = __uint_as_float(b);
        }
        __x = __cwcc_float2half_bits(f, 0);
    }
    __host__ __device__ __half(short v) : __x(__cwcc_float2half_bits((float)v, 0)) {}
    __host__ __device__ __half(unsigned short v) : __x(__cwcc_float2half_bits((float)v, 0)) {}
    __host__ __device__ __half(int v) : __x(__cwcc_float2half_bits((float)v, 0)) {}
    __host__ __device__ __half(unsigned int v) : __x(__cwcc_float2half_bits((float)v, 0)) {}
    __host__ __device__ __half(long long v) : __x(__cwcc_float2half_bits((float)v, 0)) {}
    __host__ __device__ __half(unsigned long long v) : __x(__cwcc_float2half_bits((float)v, 0)) {}

    __host__ __device__ operator __half_raw() const { __half_raw r; r.x = __x; return r; }
    __host__ __device__ operator float() const { return __cwcc_half_bits2float(__x); }
};

struct __align__(4) __half2 {
    __half x;
    __half y;

    __host__ __device__ __half2() {}
    __host__ __device__ __half2(const __half &a, const __half &b) : x(a), y(b) {}
    __host__ __device__ __half2(const __half2_raw &h2r)
    {
        __half_raw lo;
        __half_raw hi;
        lo.x = h2r.x;
        hi.x = h2r.y;
        x = __half(lo);
        y = __half(hi);
    }
    __host__ __device__ operator __half2_raw() const
    {
        __half2_raw r;
        r.x = x.__x;
        r.y = y.__x;
        return r;
    }
};

typedef __half half;
typedef __half2 half2;
typedef __half __nv_half;
typedef __half2 __nv_half2;
typedef __half_raw __nv_half_raw;
typedef __half2_raw __nv_half2_raw;

static __host__ __device__ __forceinline__ __half __cwcc_half_from_bits(unsigned short b)
{
    __half_raw r;
    r.x = b;
    return __half(r);
}

/* ---- conversions -------------------------------------------------------------------------- */

__host__ __device__ __forceinline__ __half __float2half(const float a) { return __cwcc_half_from_bits(__cwcc_float2half_bits(a, 0)); }
__host__ __device__ __forceinline__ __half __float2half_rn(const float a) { return __cwcc_half_from_bits(__cwcc_float2half_bits(a, 0)); }
__host__ __device__ __forceinline__ __half __float2half_rz(const float a) { return __cwcc_half_from_bits(__cwcc_float2half_bits(a, 1)); }
__host__ __device__ __forceinline__ __half __float2half_rd(const float a) { return __cwcc_half_from_bits(__cwcc_float2half_bits(a, 2)); }
__host__ __device__ __forceinline__ __half __float2half_ru(const float a) { return __cwcc_half_from_bits(__cwcc_float2half_bits(a, 3)); }
__host__ __device__ __forceinline__ __half __double2half(const double a) { return __half(a); }
__host__ __device__ __forceinline__ float __half2float(const __half a) { return __cwcc_half_bits2float(a.__x); }

__host__ __device__ __forceinline__ __half2 __float2half2_rn(const float a)
{
    __half h = __float2half_rn(a);
    return __half2(h, h);
}
__host__ __device__ __forceinline__ __half2 __floats2half2_rn(const float a, const float b)
{
    return __half2(__float2half_rn(a), __float2half_rn(b));
}
__host__ __device__ __forceinline__ __half2 __float22half2_rn(const float2 a)
{
    return __half2(__float2half_rn(a.x), __float2half_rn(a.y));
}
__host__ __device__ __forceinline__ float2 __half22float2(const __half2 a)
{
    return make_float2(__half2float(a.x), __half2float(a.y));
}
__host__ __device__ __forceinline__ float __low2float(const __half2 a) { return __half2float(a.x); }
__host__ __device__ __forceinline__ float __high2float(const __half2 a) { return __half2float(a.y); }
__host__ __device__ __forceinline__ __half __low2half(const __half2 a) { return a.x; }
__host__ __device__ __forceinline__ __half __high2half(const __half2 a) { return a.y; }
__host__ __device__ __forceinline__ __half2 __halves2half2(const __half a, const __half b) { return __half2(a, b); }
__host__ __device__ __forceinline__ __half2 make_half2(const __half x, const __half y) { return __half2(x, y); }
__host__ __device__ __forceinline__ __half2 __half2half2(const __half a) { return __half2(a, a); }
__host__ __device__ __forceinline__ __half2 __low2half2(const __half2 a) { return __half2(a.x, a.x); }
__host__ __device__ __forceinline__ __half2 __high2half2(const __half2 a) { return __half2(a.y, a.y); }
__host__ __device__ __forceinline__ __half2 __lowhigh2highlow(const __half2 a) { return __half2(a.y, a.x); }
__host__ __device__ __forceinline__ __half2 __lows2half2(const __half2 a, const __half2 b) { return __half2(a.x, b.x); }
__host__ __device__ __forceinline__ __half2 __highs2half2(const __half2 a, const __half2 b) { return __half2(a.y, b.y); }

/* Integer to half: every int converts exactly to float below 2^24, and anything at or above
 * 65520 is beyond half's range in every mode, so the float rounding first is harmless. */
__host__ __device__ __forceinline__ __half __int2half_rn(const int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }
__host__ __device__ __forceinline__ __half __int2half_rz(const int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 1)); }
__host__ __device__ __forceinline__ __half __int2half_rd(const int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 2)); }
__host__ __device__ __forceinline__ __half __int2half_ru(const int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 3)); }
__host__ __device__ __forceinline__ __half __uint2half_rn(const unsigned int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }
__host__ __device__ __forceinline__ __half __uint2half_rz(const unsigned int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 1)); }
__host__ __device__ __forceinline__ __half __uint2half_rd(const unsigned int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 2)); }
__host__ __device__ __forceinline__ __half __uint2half_ru(const unsigned int i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 3)); }
__host__ __device__ __forceinline__ __half __short2half_rn(const short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }
__host__ __device__ __forceinline__ __half __short2half_rz(const short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 1)); }
__host__ __device__ __forceinline__ __half __short2half_rd(const short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 2)); }
__host__ __device__ __forceinline__ __half __short2half_ru(const short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 3)); }
__host__ __device__ __forceinline__ __half __ushort2half_rn(const unsigned short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }
__host__ __device__ __forceinline__ __half __ushort2half_rz(const unsigned short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 1)); }
__host__ __device__ __forceinline__ __half __ushort2half_rd(const unsigned short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 2)); }
__host__ __device__ __forceinline__ __half __ushort2half_ru(const unsigned short i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 3)); }
__host__ __device__ __forceinline__ __half __ll2half_rn(const long long i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }
__host__ __device__ __forceinline__ __half __ull2half_rn(const unsigned long long i) { return __cwcc_half_from_bits(__cwcc_float2half_bits((float)i, 0)); }

/* Half to integer: the float value is exact; out-of-range values saturate and NaN gives 0. */
__host__ __device__ __forceinline__ int __half2int_rn(const __half h) { return __float2int_rn(__half2float(h)); }
__host__ __device__ __forceinline__ int __half2int_rz(const __half h) { return __float2int_rz(__half2float(h)); }
__host__ __device__ __forceinline__ int __half2int_rd(const __half h) { return __float2int_rd(__half2float(h)); }
__host__ __device__ __forceinline__ int __half2int_ru(const __half h) { return __float2int_ru(__half2float(h)); }
__host__ __device__ __forceinline__ unsigned int __half2uint_rn(const __half h) { return __float2uint_rn(__half2float(h)); }
__host__ __device__ __forceinline__ unsigned int __half2uint_rz(const __half h) { return __float2uint_rz(__half2float(h)); }
__host__ __device__ __forceinline__ long long __half2ll_rz(const __half h) { return __float2ll_rz(__half2float(h)); }
static __host__ __device__ __forceinline__ short __cwcc_sat_short(int v)
{
    return (short)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}
__host__ __device__ __forceinline__ short __half2short_rn(const __half h) { return __cwcc_sat_short(__float2int_rn(__half2float(h))); }
__host__ __device__ __forceinline__ short __half2short_rz(const __half h) { return __cwcc_sat_short(__float2int_rz(__half2float(h))); }
__host__ __device__ __forceinline__ unsigned short __half2ushort_rn(const __half h)
{
    unsigned int v = __float2uint_rn(__half2float(h));
    return (unsigned short)(v > 65535u ? 65535u : v);
}
__host__ __device__ __forceinline__ unsigned short __half2ushort_rz(const __half h)
{
    unsigned int v = __float2uint_rz(__half2float(h));
    return (unsigned short)(v > 65535u ? 65535u : v);
}

/* Reinterpretation. */
__host__ __device__ __forceinline__ short __half_as_short(const __half h) { return (short)h.__x; }
__host__ __device__ __forceinline__ unsigned short __half_as_ushort(const __half h) { return h.__x; }
__host__ __device__ __forceinline__ __half __short_as_half(const short i) { return __cwcc_half_from_bits((unsigned short)i); }
__host__ __device__ __forceinline__ __half __ushort_as_half(const unsigned short i) { return __cwcc_half_from_bits(i); }

/* ---- comparisons (ordered unless the name ends in u) -------------------------------------- */

__host__ __device__ __forceinline__ bool __heq(const __half a, const __half b) { return __half2float(a) == __half2float(b); }
__host__ __device__ __forceinline__ bool __hne(const __half a, const __half b)
{
    float x = __half2float(a);
    float y = __half2float(b);
    return x < y || x > y;
}
__host__ __device__ __forceinline__ bool __hlt(const __half a, const __half b) { return __half2float(a) < __half2float(b); }
__host__ __device__ __forceinline__ bool __hle(const __half a, const __half b) { return __half2float(a) <= __half2float(b); }
__host__ __device__ __forceinline__ bool __hgt(const __half a, const __half b) { return __half2float(a) > __half2float(b); }
__host__ __device__ __forceinline__ bool __hge(const __half a, const __half b) { return __half2float(a) >= __half2float(b); }
__host__ __device__ __forceinline__ bool __hequ(const __half a, const __half b) { return !__hne(a, b); }
__host__ __device__ __forceinline__ bool __hneu(const __half a, const __half b) { return !__heq(a, b); }
__host__ __device__ __forceinline__ bool __hltu(const __half a, const __half b) { return !__hge(a, b); }
__host__ __device__ __forceinline__ bool __hleu(const __half a, const __half b) { return !__hgt(a, b); }
__host__ __device__ __forceinline__ bool __hgtu(const __half a, const __half b) { return !__hle(a, b); }
__host__ __device__ __forceinline__ bool __hgeu(const __half a, const __half b) { return !__hlt(a, b); }
__host__ __device__ __forceinline__ bool __hisnan(const __half a) { return (a.__x & 0x7fffu) > 0x7c00u; }
/* -1 for -inf, 1 for +inf, 0 otherwise. */
__host__ __device__ __forceinline__ int __hisinf(const __half a)
{
    if (a.__x == 0xfc00u) {
        return -1;
    }
    return a.__x == 0x7c00u ? 1 : 0;
}

/* ---- arithmetic --------------------------------------------------------------------------- */

__host__ __device__ __forceinline__ __half __hadd(const __half a, const __half b) { return __float2half_rn(__half2float(a) + __half2float(b)); }
__host__ __device__ __forceinline__ __half __hsub(const __half a, const __half b) { return __float2half_rn(__half2float(a) - __half2float(b)); }
__host__ __device__ __forceinline__ __half __hmul(const __half a, const __half b) { return __float2half_rn(__half2float(a) * __half2float(b)); }
__host__ __device__ __forceinline__ __half __hadd_rn(const __half a, const __half b) { return __hadd(a, b); }
__host__ __device__ __forceinline__ __half __hsub_rn(const __half a, const __half b) { return __hsub(a, b); }
__host__ __device__ __forceinline__ __half __hmul_rn(const __half a, const __half b) { return __hmul(a, b); }
__host__ __device__ __forceinline__ __half __hdiv(const __half a, const __half b)
{
    /* CUDA's algorithm: reciprocal, product, and a correction step for tiny results. */
    float fa = __half2float(a);
    float fb = __half2float(b);
    float rcp = 1.0f / fb;
    float fv = rcp * fa;
    __half v = __float2half_rn(fv);
    unsigned int mag = v.__x & 0x7fffu;
    if (mag < 0x008fu && mag != 0u) {
        float err = __fmaf_rn(-fb, fv, fa);
        fv = __fmaf_rn(rcp, err, fv);
        v = __float2half_rn(fv);
    }
    return v;
}
/* The flipped sign bit, as the GPU's neg.f16 (NaNs keep their payload). */
__host__ __device__ __forceinline__ __half __hneg(const __half a) { return __cwcc_half_from_bits((unsigned short)(a.__x ^ 0x8000u)); }
__host__ __device__ __forceinline__ __half __habs(const __half a) { return __cwcc_half_from_bits((unsigned short)(a.__x & 0x7fffu)); }

/* a*b is exact in float (11 x 11 bits); the sum is rounded to odd in float, then to half. */
static __host__ __device__ __forceinline__ float __cwcc_fma_to_odd(float a, float b, float c)
{
    float p = a * b;
    float s = p + c;
    unsigned int bits = __float_as_uint(s);
    if ((bits & 0x7f800000u) != 0x7f800000u && (bits & 1u) == 0u) {
        /* TwoSum: the exact rounding error of p + c. */
        float bb = s - p;
        float err = (p - (s - bb)) + (c - bb);
        if (err != 0.0f) {
            /* The other neighbour of the exact sum, toward err, has an odd last bit. */
            bool grow = (err > 0.0f) == (s > 0.0f);
            bits = grow ? bits + 1u : bits - 1u;
            s = __uint_as_float(bits);
        }
    }
    return s;
}
__host__ __device__ __forceinline__ __half __hfma(const __half a, const __half b, const __half c)
{
    return __float2half_rn(__cwcc_fma_to_odd(__half2float(a), __half2float(b), __half2float(c)));
}
/* Clamps to [0, 1]; NaN becomes +0. */
static __host__ __device__ __forceinline__ __half __cwcc_hsat(const __half h)
{
    if (__hisnan(h) || __half2float(h) <= 0.0f) {
        return __cwcc_half_from_bits((unsigned short)0u);
    }
    if (__half2float(h) > 1.0f) {
        return __cwcc_half_from_bits((unsigned short)0x3c00u);
    }
    return h;
}
__host__ __device__ __forceinline__ __half __hadd_sat(const __half a, const __half b) { return __cwcc_hsat(__hadd(a, b)); }
__host__ __device__ __forceinline__ __half __hsub_sat(const __half a, const __half b) { return __cwcc_hsat(__hsub(a, b)); }
__host__ __device__ __forceinline__ __half __hmul_sat(const __half a, const __half b) { return __cwcc_hsat(__hmul(a, b)); }
__host__ __device__ __forceinline__ __half __hfma_sat(const __half a, const __half b, const __half c) { return __cwcc_hsat(__hfma(a, b, c)); }
__host__ __device__ __forceinline__ __half __hfma_relu(const __half a, const __half b, const __half c)
{
    __half r = __hfma(a, b, c);
    if (__hisnan(r)) {
        return __cwcc_half_from_bits((unsigned short)0x7fffu);
    }
    return __half2float(r) < 0.0f ? __cwcc_half_from_bits((unsigned short)0u) : r;
}
/* max/min: a NaN operand gives the other one, two NaNs the canonical NaN, and -0 < +0 (on the
 * bits, independent of how a backend's fmaxf orders zeros). */
static __host__ __device__ __forceinline__ __half __cwcc_hminmax(const __half a, const __half b, bool want_max)
{
    bool an = __hisnan(a);
    bool bn = __hisnan(b);
    if (an && bn) {
        return __cwcc_half_from_bits((unsigned short)0x7fffu);
    }
    if (an) {
        return b;
    }
    if (bn) {
        return a;
    }
    float fa = __half2float(a);
    float fb = __half2float(b);
    if (fa == fb) {
        /* Equal values have equal bits except +0 / -0. */
        unsigned short z = want_max ? (unsigned short)(a.__x & b.__x) : (unsigned short)(a.__x | b.__x);
        return __cwcc_half_from_bits(z);
    }
    return ((fa > fb) == want_max) ? a : b;
}
__host__ __device__ __forceinline__ __half __hmax(const __half a, const __half b) { return __cwcc_hminmax(a, b, true); }
__host__ __device__ __forceinline__ __half __hmin(const __half a, const __half b) { return __cwcc_hminmax(a, b, false); }
__host__ __device__ __forceinline__ __half __hmax_nan(const __half a, const __half b)
{
    if (__hisnan(a) || __hisnan(b)) {
        return __cwcc_half_from_bits((unsigned short)0x7fffu);
    }
    return __hmax(a, b);
}
__host__ __device__ __forceinline__ __half __hmin_nan(const __half a, const __half b)
{
    if (__hisnan(a) || __hisnan(b)) {
        return __cwcc_half_from_bits((unsigned short)0x7fffu);
    }
    return __hmin(a, b);
}

/* ---- math: the float function's result rounded to half ------------------------------------- */

__device__ __forceinline__ __half hsqrt(const __half a) { return __float2half_rn(sqrtf(__half2float(a))); }
__device__ __forceinline__ __half hrsqrt(const __half a) { return __float2half_rn(rsqrtf(__half2float(a))); }
__device__ __forceinline__ __half hrcp(const __half a) { return __float2half_rn(1.0f / __half2float(a)); }
__device__ __forceinline__ __half hexp(const __half a) { return __float2half_rn(expf(__half2float(a))); }
__device__ __forceinline__ __half hexp2(const __half a) { return __float2half_rn(exp2f(__half2float(a))); }
__device__ __forceinline__ __half hexp10(const __half a) { return __float2half_rn(exp10f(__half2float(a))); }
__device__ __forceinline__ __half hlog(const __half a) { return __float2half_rn(logf(__half2float(a))); }
__device__ __forceinline__ __half hlog2(const __half a) { return __float2half_rn(log2f(__half2float(a))); }
__device__ __forceinline__ __half hlog10(const __half a) { return __float2half_rn(log10f(__half2float(a))); }
__device__ __forceinline__ __half hsin(const __half a) { return __float2half_rn(sinf(__half2float(a))); }
__device__ __forceinline__ __half hcos(const __half a) { return __float2half_rn(cosf(__half2float(a))); }
__device__ __forceinline__ __half htanh(const __half a) { return __float2half_rn(tanhf(__half2float(a))); }
__device__ __forceinline__ __half hfloor(const __half a) { return __float2half_rn(floorf(__half2float(a))); }
__device__ __forceinline__ __half hceil(const __half a) { return __float2half_rn(ceilf(__half2float(a))); }
__device__ __forceinline__ __half htrunc(const __half a) { return __float2half_rn(truncf(__half2float(a))); }
__device__ __forceinline__ __half hrint(const __half a) { return __float2half_rn(rintf(__half2float(a))); }

/* ---- __half2: each half on its own ---------------------------------------------------------- */

__host__ __device__ __forceinline__ __half2 __hadd2(const __half2 a, const __half2 b) { return __half2(__hadd(a.x, b.x), __hadd(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hsub2(const __half2 a, const __half2 b) { return __half2(__hsub(a.x, b.x), __hsub(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hmul2(const __half2 a, const __half2 b) { return __half2(__hmul(a.x, b.x), __hmul(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __h2div(const __half2 a, const __half2 b) { return __half2(__hdiv(a.x, b.x), __hdiv(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hfma2(const __half2 a, const __half2 b, const __half2 c) { return __half2(__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)); }
__host__ __device__ __forceinline__ __half2 __hadd2_sat(const __half2 a, const __half2 b) { return __half2(__hadd_sat(a.x, b.x), __hadd_sat(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hsub2_sat(const __half2 a, const __half2 b) { return __half2(__hsub_sat(a.x, b.x), __hsub_sat(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hmul2_sat(const __half2 a, const __half2 b) { return __half2(__hmul_sat(a.x, b.x), __hmul_sat(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hfma2_sat(const __half2 a, const __half2 b, const __half2 c) { return __half2(__hfma_sat(a.x, b.x, c.x), __hfma_sat(a.y, b.y, c.y)); }
__host__ __device__ __forceinline__ __half2 __hfma2_relu(const __half2 a, const __half2 b, const __half2 c) { return __half2(__hfma_relu(a.x, b.x, c.x), __hfma_relu(a.y, b.y, c.y)); }
__host__ __device__ __forceinline__ __half2 __hneg2(const __half2 a) { return __half2(__hneg(a.x), __hneg(a.y)); }
__host__ __device__ __forceinline__ __half2 __habs2(const __half2 a) { return __half2(__habs(a.x), __habs(a.y)); }
__host__ __device__ __forceinline__ __half2 __hmax2(const __half2 a, const __half2 b) { return __half2(__hmax(a.x, b.x), __hmax(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hmin2(const __half2 a, const __half2 b) { return __half2(__hmin(a.x, b.x), __hmin(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hmax2_nan(const __half2 a, const __half2 b) { return __half2(__hmax_nan(a.x, b.x), __hmax_nan(a.y, b.y)); }
__host__ __device__ __forceinline__ __half2 __hmin2_nan(const __half2 a, const __half2 b) { return __half2(__hmin_nan(a.x, b.x), __hmin_nan(a.y, b.y)); }

/* Comparisons of __half2: 1.0 or 0.0 per half; the __hb* forms are true when both hold. */
static __host__ __device__ __forceinline__ __half __cwcc_half_bool(bool b) { return __cwcc_half_from_bits((unsigned short)(b ? 0x3c00u : 0u)); }
__host__ __device__ __forceinline__ __half2 __heq2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__heq(a.x, b.x)), __cwcc_half_bool(__heq(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hne2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__hne(a.x, b.x)), __cwcc_half_bool(__hne(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hlt2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__hlt(a.x, b.x)), __cwcc_half_bool(__hlt(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hle2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__hle(a.x, b.x)), __cwcc_half_bool(__hle(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hgt2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__hgt(a.x, b.x)), __cwcc_half_bool(__hgt(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hge2(const __half2 a, const __half2 b) { return __half2(__cwcc_half_bool(__hge(a.x, b.x)), __cwcc_half_bool(__hge(a.y, b.y))); }
__host__ __device__ __forceinline__ __half2 __hisnan2(const __half2 a) { return __half2(__cwcc_half_bool(__hisnan(a.x)), __cwcc_half_bool(__hisnan(a.y))); }
__host__ __device__ __forceinline__ bool __hbeq2(const __half2 a, const __half2 b) { return __heq(a.x, b.x) && __heq(a.y, b.y); }
__host__ __device__ __forceinline__ bool __hbne2(const __half2 a, const __half2 b) { return __hne(a.x, b.x) && __hne(a.y, b.y); }
__host__ __device__ __forceinline__ bool __hblt2(const __half2 a, const __half2 b) { return __hlt(a.x, b.x) && __hlt(a.y, b.y); }
__host__ __device__ __forceinline__ bool __hble2(const __half2 a, const __half2 b) { return __hle(a.x, b.x) && __hle(a.y, b.y); }
__host__ __device__ __forceinline__ bool __hbgt2(const __half2 a, const __half2 b) { return __hgt(a.x, b.x) && __hgt(a.y, b.y); }
__host__ __device__ __forceinline__ bool __hbge2(const __half2 a, const __half2 b) { return __hge(a.x, b.x) && __hge(a.y, b.y); }

__device__ __forceinline__ __half2 h2sqrt(const __half2 a) { return __half2(hsqrt(a.x), hsqrt(a.y)); }
__device__ __forceinline__ __half2 h2rsqrt(const __half2 a) { return __half2(hrsqrt(a.x), hrsqrt(a.y)); }
__device__ __forceinline__ __half2 h2rcp(const __half2 a) { return __half2(hrcp(a.x), hrcp(a.y)); }
__device__ __forceinline__ __half2 h2exp(const __half2 a) { return __half2(hexp(a.x), hexp(a.y)); }
__device__ __forceinline__ __half2 h2exp2(const __half2 a) { return __half2(hexp2(a.x), hexp2(a.y)); }
__device__ __forceinline__ __half2 h2log(const __half2 a) { return __half2(hlog(a.x), hlog(a.y)); }
__device__ __forceinline__ __half2 h2log2(const __half2 a) { return __half2(hlog2(a.x), hlog2(a.y)); }
__device__ __forceinline__ __half2 h2sin(const __half2 a) { return __half2(hsin(a.x), hsin(a.y)); }
__device__ __forceinline__ __half2 h2cos(const __half2 a) { return __half2(hcos(a.x), hcos(a.y)); }
__device__ __forceinline__ __half2 h2floor(const __half2 a) { return __half2(hfloor(a.x), hfloor(a.y)); }
__device__ __forceinline__ __half2 h2ceil(const __half2 a) { return __half2(hceil(a.x), hceil(a.y)); }
__device__ __forceinline__ __half2 h2trunc(const __half2 a) { return __half2(htrunc(a.x), htrunc(a.y)); }

/* ---- operators ---------------------------------------------------------------------------- */

__host__ __device__ __forceinline__ __half operator+(const __half &a, const __half &b) { return __hadd(a, b); }
__host__ __device__ __forceinline__ __half operator-(const __half &a, const __half &b) { return __hsub(a, b); }
__host__ __device__ __forceinline__ __half operator*(const __half &a, const __half &b) { return __hmul(a, b); }
__host__ __device__ __forceinline__ __half operator/(const __half &a, const __half &b) { return __hdiv(a, b); }
__host__ __device__ __forceinline__ __half &operator+=(__half &a, const __half &b) { a = __hadd(a, b); return a; }
__host__ __device__ __forceinline__ __half &operator-=(__half &a, const __half &b) { a = __hsub(a, b); return a; }
__host__ __device__ __forceinline__ __half &operator*=(__half &a, const __half &b) { a = __hmul(a, b); return a; }
__host__ __device__ __forceinline__ __half &operator/=(__half &a, const __half &b) { a = __hdiv(a, b); return a; }
__host__ __device__ __forceinline__ __half operator+(const __half &h) { return h; }
__host__ __device__ __forceinline__ __half operator-(const __half &h) { return __hneg(h); }
__host__ __device__ __forceinline__ bool operator==(const __half &a, const __half &b) { return __heq(a, b); }
__host__ __device__ __forceinline__ bool operator!=(const __half &a, const __half &b) { return __hneu(a, b); }
__host__ __device__ __forceinline__ bool operator<(const __half &a, const __half &b) { return __hlt(a, b); }
__host__ __device__ __forceinline__ bool operator<=(const __half &a, const __half &b) { return __hle(a, b); }
__host__ __device__ __forceinline__ bool operator>(const __half &a, const __half &b) { return __hgt(a, b); }
__host__ __device__ __forceinline__ bool operator>=(const __half &a, const __half &b) { return __hge(a, b); }

__host__ __device__ __forceinline__ __half2 operator+(const __half2 &a, const __half2 &b) { return __hadd2(a, b); }
__host__ __device__ __forceinline__ __half2 operator-(const __half2 &a, const __half2 &b) { return __hsub2(a, b); }
__host__ __device__ __forceinline__ __half2 operator*(const __half2 &a, const __half2 &b) { return __hmul2(a, b); }
__host__ __device__ __forceinline__ __half2 operator/(const __half2 &a, const __half2 &b) { return __h2div(a, b); }
__host__ __device__ __forceinline__ __half2 &operator+=(__half2 &a, const __half2 &b) { a = __hadd2(a, b); return a; }
__host__ __device__ __forceinline__ __half2 &operator-=(__half2 &a, const __half2 &b) { a = __hsub2(a, b); return a; }
__host__ __device__ __forceinline__ __half2 &operator*=(__half2 &a, const __half2 &b) { a = __hmul2(a, b); return a; }
__host__ __device__ __forceinline__ __half2 &operator/=(__half2 &a, const __half2 &b) { a = __h2div(a, b); return a; }
__host__ __device__ __forceinline__ __half2 operator+(const __half2 &h) { return h; }
__host__ __device__ __forceinline__ __half2 operator-(const __half2 &h) { return __hneg2(h); }
__host__ __device__ __forceinline__ bool operator==(const __half2 &a, const __half2 &b) { return __hbeq2(a, b); }
__host__ __device__ __forceinline__ bool operator!=(const __half2 &a, const __half2 &b) { return !__heq(a.x, b.x) && !__heq(a.y, b.y); }
__host__ __device__ __forceinline__ bool operator<(const __half2 &a, const __half2 &b) { return __hblt2(a, b); }
__host__ __device__ __forceinline__ bool operator<=(const __half2 &a, const __half2 &b) { return __hble2(a, b); }
__host__ __device__ __forceinline__ bool operator>(const __half2 &a, const __half2 &b) { return __hbgt2(a, b); }
__host__ __device__ __forceinline__ bool operator>=(const __half2 &a, const __half2 &b) { return __hbge2(a, b); }

/* ---- warp shuffles and loads ---------------------------------------------------------------- */

__device__ __forceinline__ __half __shfl_sync(unsigned int mask, __half var, int srcLane, int width = 32)
{
    return __cwcc_half_from_bits((unsigned short)__shfl_sync(mask, (unsigned int)var.__x, srcLane, width));
}
__device__ __forceinline__ __half __shfl_up_sync(unsigned int mask, __half var, unsigned int delta, int width = 32)
{
    return __cwcc_half_from_bits((unsigned short)__shfl_up_sync(mask, (unsigned int)var.__x, delta, width));
}
__device__ __forceinline__ __half __shfl_down_sync(unsigned int mask, __half var, unsigned int delta, int width = 32)
{
    return __cwcc_half_from_bits((unsigned short)__shfl_down_sync(mask, (unsigned int)var.__x, delta, width));
}
__device__ __forceinline__ __half __shfl_xor_sync(unsigned int mask, __half var, int laneMask, int width = 32)
{
    return __cwcc_half_from_bits((unsigned short)__shfl_xor_sync(mask, (unsigned int)var.__x, laneMask, width));
}
static __device__ __forceinline__ unsigned int __cwcc_half2_bits(const __half2 h)
{
    return (unsigned int)h.x.__x | ((unsigned int)h.y.__x << 16);
}
static __device__ __forceinline__ __half2 __cwcc_half2_from_bits(unsigned int b)
{
    return __half2(__cwcc_half_from_bits((unsigned short)(b & 0xffffu)), __cwcc_half_from_bits((unsigned short)(b >> 16)));
}
__device__ __forceinline__ __half2 __shfl_sync(unsigned int mask, __half2 var, int srcLane, int width = 32)
{
    return __cwcc_half2_from_bits(__shfl_sync(mask, __cwcc_half2_bits(var), srcLane, width));
}
__device__ __forceinline__ __half2 __shfl_up_sync(unsigned int mask, __half2 var, unsigned int delta, int width = 32)
{
    return __cwcc_half2_from_bits(__shfl_up_sync(mask, __cwcc_half2_bits(var), delta, width));
}
__device__ __forceinline__ __half2 __shfl_down_sync(unsigned int mask, __half2 var, unsigned int delta, int width = 32)
{
    return __cwcc_half2_from_bits(__shfl_down_sync(mask, __cwcc_half2_bits(var), delta, width));
}
__device__ __forceinline__ __half2 __shfl_xor_sync(unsigned int mask, __half2 var, int laneMask, int width = 32)
{
    return __cwcc_half2_from_bits(__shfl_xor_sync(mask, __cwcc_half2_bits(var), laneMask, width));
}

__device__ __forceinline__ __half __ldg(const __half *ptr) { return *ptr; }
__device__ __forceinline__ __half2 __ldg(const __half2 *ptr) { return *ptr; }

/* ---- atomics: a compare-and-swap loop on the aligned 32-bit word that holds the half -------- */

__device__ __forceinline__ __half atomicAdd(__half *address, __half val)
{
    /* Pointer arithmetic on the half's own pointer keeps its address space known. */
    unsigned int low = (unsigned int)((unsigned long long)address & 2ull);
    unsigned int *word = (unsigned int *)((char *)address - low);
    unsigned int shift = low * 8u;
    unsigned int old = *word;
    unsigned int assumed;
    do {
        assumed = old;
        __half cur = __cwcc_half_from_bits((unsigned short)((assumed >> shift) & 0xffffu));
        unsigned int sum = (unsigned int)__hadd(cur, val).__x;
        unsigned int next = (assumed & ~(0xffffu << shift)) | (sum << shift);
        old = atomicCAS(word, assumed, next);
    } while (assumed != old);
    return __cwcc_half_from_bits((unsigned short)((old >> shift) & 0xffffu));
}
__device__ __forceinline__ __half2 atomicAdd(__half2 *address, __half2 val)
{
    unsigned int *word = (unsigned int *)address;
    unsigned int old = *word;
    unsigned int assumed;
    do {
        assumed = old;
        __half2 sum = __hadd2(__cwcc_half2_from_bits(assumed), val);
        old = atomicCAS(word, assumed, __cwcc_half2_bits(sum));
    } while (assumed != old);
    return __cwcc_half2_from_bits(old);
}

/* ---- constants ---------------------------------------------------------------------------- */

#define CUDART_INF_FP16 __ushort_as_half((unsigned short)0x7C00U)
#define CUDART_NAN_FP16 __ushort_as_half((unsigned short)0x7FFFU)
#define CUDART_MIN_DENORM_FP16 __ushort_as_half((unsigned short)0x0001U)
#define CUDART_MAX_NORMAL_FP16 __ushort_as_half((unsigned short)0x7BFFU)
#define CUDART_NEG_ZERO_FP16 __ushort_as_half((unsigned short)0x8000U)
#define CUDART_ZERO_FP16 __ushort_as_half((unsigned short)0x0000U)
#define CUDART_ONE_FP16 __ushort_as_half((unsigned short)0x3C00U)

#endif /* CWCC_CUDA_FP16_H_INCLUDED */
