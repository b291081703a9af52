// The cwcc CUDA math device library: the math builtins that targets without native
// transcendental instructions (WASM, SPIR-V, WGSL) link in. Written once in CUDA C and
// compiled by cwcc itself for every target.
//
// Every function is `__cwcc_<CUDA name>` with the builtin's signature (all arguments of the
// builtin's float type; `ldexpf`/`scalbnf` take their exponent as a float). Inside this file
// only the native builtins (sqrtf, sqrt, fmaf, rsqrtf, ...), bit casts, integer operations and
// the IR's float operations (fabsf, floorf, truncf, rintf, copysignf, fminf, fmaxf) are used;
// helpers are `__cwcc_` functions too. See README.md for the algorithms and measured errors.
//
// The kernel `__cwcc_devlib_roots` at the end calls every function so that the front end
// lowers all of them; the linker never copies it.

#define CW_INF __int_as_float(0x7f800000)
#define CW_NAN __int_as_float(0x7fc00000)

// Constants split into a float and the float nearest to the remainder.
#define CW_PI_HI 3.1415927e+00f
#define CW_PI_LO -8.742278e-08f
#define CW_PIO2_HI 1.5707964e+00f
#define CW_PIO2_LO -4.371139e-08f
#define CW_LN2_HI 6.931472e-01f
#define CW_LN2_LO -1.9046542e-09f
#define CW_LOG2E_HI 1.442695e+00f
#define CW_LOG2E_LO 1.925963e-08f
#define CW_LN10_HI 2.3025851e+00f
#define CW_LN10_LO -3.1975436e-08f
#define CW_LOG10E_HI 4.342945e-01f
#define CW_LOG10E_LO -1.010305e-08f
#define CW_LOG10_2_HI 3.0103e-01f
#define CW_LOG10_2_LO -1.4320989e-08f
#define CW_SQRT1_2_HI 7.0710677e-01f
#define CW_LOG2_10_HI 3.321928e+00f
#define CW_SQRT1_2_LO 1.21016175e-08f
// Cody-Waite splits whose high parts have few bits (k * HI is exact for |k| < 2^8).
#define CW_LN2_CW_HI 6.9314575e-01f
#define CW_LN2_CW_LO 1.4286068e-06f
#define CW_LOG10_2_CW_HI 3.010254e-01f
#define CW_LOG10_2_CW_LO 4.605039e-06f
// pi/2 in three floats for the sin/cos reduction.
#define CW_PIO2_1 1.5707964e+00f
#define CW_PIO2_2 -4.371139e-08f
#define CW_PIO2_3 -1.7151245e-15f

// 2/pi in binary: 32 zero bits, then the fraction bits of 2/pi (Payne-Hanek reduction).
__constant__ unsigned int __cwcc_two_over_pi_bits[9] = {
    0x00000000u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u,
    0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u};

// ---------------------------------------------------------------------------------------
// Helpers

// x * 2^n for an integer n, rounding once.
__device__ float __cwcc_scalef(float x, int n) {
    if (n > 127) {
        x = x * 1.7014118e+38f;
        n = n - 127;
        if (n > 127) {
            x = x * 1.7014118e+38f;
            n = n - 127;
            if (n > 127) {
                n = 127;
            }
        }
    } else if (n < -126) {
        x = x * 1.9721523e-31f;
        n = n + 102;
        if (n < -126) {
            x = x * 1.9721523e-31f;
            n = n + 102;
            if (n < -126) {
                n = -126;
            }
        }
    }
    return x * __int_as_float((127 + n) << 23);
}

// e^(r + rlo) * 2^k for |r| <= ~0.35 (rlo tiny), rounded once.
__device__ float __cwcc_exp_kernelf(float r, float rlo, int k) {
    float e = 1.9893894e-04f;
    e = fmaf(e, r, 1.3936264e-03f);
    e = fmaf(e, r, 8.3333086e-03f);
    e = fmaf(e, r, 4.166644e-02f);
    e = fmaf(e, r, 1.6666667e-01f);
    e = fmaf(e, r, 5.0e-01f);
    // e^r - 1 = r + r^2 * e
    float p = fmaf(r * r, e, r);
    // e^(r + rlo) - 1 ~= p + rlo * (1 + p)
    float q = p + fmaf(rlo, p, rlo);
    return __cwcc_scalef(1.0f + q, k);
}

// e^(x + xlo) for finite x in the range where the result is not 0 or infinite.
__device__ float __cwcc_exp_partsf(float x, float xlo, int extra_k) {
    float kf = rintf(x * CW_LOG2E_HI);
    float r1 = fmaf(-kf, CW_LN2_CW_HI, x);  // exact
    float t = kf * CW_LN2_CW_LO;
    float r = r1 - t;
    float rlo = ((r1 - r) - t) + xlo;
    return __cwcc_exp_kernelf(r, rlo, (int)kf + extra_k);
}

// log(1 + f) as hi + *lo for f in [sqrt(1/2) - 1, sqrt(2) - 1], to about 2^-40.
__device__ float __cwcc_log1p_partsf(float f, float *lo) {
    // s = f / (2 + f) as a double-float.
    float dh = 2.0f + f;
    float dl = (2.0f - dh) + f;
    float sh = f / dh;
    float sl = (fmaf(-sh, dh, f) - sh * dl) / dh;
    float z = sh * sh;
    // log((1+s)/(1-s)) = 2s + s * R(z)
    float R = 1.9638059e-01f;
    R = fmaf(R, z, 2.2172247e-01f);
    R = fmaf(R, z, 2.8572214e-01f);
    R = fmaf(R, z, 3.9999995e-01f);
    R = fmaf(R, z, 6.6666669e-01f);
    R = R * z;
    // hfsq = f^2 / 2 exactly as hh + hl
    float a = 0.5f * f;
    float hh = a * f;
    float hl = fmaf(a, f, -hh);
    // log(1+f) = f - hfsq + s * (hfsq + R)
    float uh = hh + R;
    float ul = (hh - uh) + R + hl;
    float th = sh * uh;
    float tl = fmaf(sh, uh, -th) + (sh * ul + sl * uh);
    float hi = f - hh;
    float l = (((f - hi) - hh) - hl) + tl;
    float h2 = hi + th;
    l = l + ((hi - h2) + th);
    float h3 = h2 + l;
    *lo = (h2 - h3) + l;
    return h3;
}

// For finite x > 0: x = m * 2^k with m in [sqrt(1/2), sqrt(2)); returns m - 1 (exact).
__device__ float __cwcc_log_reducef(float x, int *k) {
    int ix = __float_as_int(x);
    int e = 0;
    if (ix < 0x00800000) {
        x = x * 33554432.0f;  // 2^25
        ix = __float_as_int(x);
        e = -25;
    }
    e = e + ((ix >> 23) - 127);
    float m = __int_as_float((ix & 0x007fffff) | 0x3f800000);
    if (m > 1.4142135f) {
        m = m * 0.5f;
        e = e + 1;
    }
    *k = e;
    return m - 1.0f;
}

// log(x) as hi + *lo for finite x > 0.
__device__ float __cwcc_log_partsf(float x, float *lo) {
    int k;
    float f = __cwcc_log_reducef(x, &k);
    float l;
    float h = __cwcc_log1p_partsf(f, &l);
    float kf = (float)k;
    float kh = kf * CW_LN2_HI;
    float kl = fmaf(kf, CW_LN2_HI, -kh) + kf * CW_LN2_LO;
    float s = kh + h;
    float e = (kh - s) + h;
    if (fabsf(h) > fabsf(kh)) {
        e = (h - s) + kh;
    }
    e = e + kl + l;
    float r = s + e;
    *lo = (s - r) + e;
    return r;
}

// (ch + cl) - (a + al) for a constant ch + cl with |ch| >= |a|, rounded once.
__device__ float __cwcc_sub_fromf(float ch, float cl, float a, float al) {
    float h = ch - a;
    float e = (ch - h) - a;  // exact: |ch| >= |a|
    return h + (e + (cl - al));
}

// Special cases shared by the logarithms: NaN for x < 0 or NaN, -inf for 0, inf for inf.
// Returns 1 and sets *out when x is special.
__device__ int __cwcc_log_specialf(float x, float *out) {
    if (x != x) {
        *out = x + x;
        return 1;
    }
    if (x < 0.0f) {
        *out = CW_NAN;
        return 1;
    }
    if (x == 0.0f) {
        *out = -CW_INF;
        return 1;
    }
    if (x == CW_INF) {
        *out = x;
        return 1;
    }
    return 0;
}

// ---------------------------------------------------------------------------------------
// Exponentials

__device__ float __cwcc_expf(float x) {
    if (x != x) {
        return x + x;
    }
    if (x > 88.72284f) {
        return CW_INF;
    }
    if (x < -103.97209f) {
        return 0.0f;
    }
    return __cwcc_exp_partsf(x, 0.0f, 0);
}

__device__ float __cwcc_exp2f(float x) {
    if (x != x) {
        return x + x;
    }
    if (x >= 128.0f) {
        return CW_INF;
    }
    if (x < -151.0f) {
        return 0.0f;
    }
    float kf = rintf(x);
    float r = x - kf;
    float th = r * CW_LN2_HI;
    float tl = fmaf(r, CW_LN2_HI, -th) + r * CW_LN2_LO;
    return __cwcc_exp_kernelf(th, tl, (int)kf);
}

__device__ float __cwcc_exp10f(float x) {
    if (x != x) {
        return x + x;
    }
    if (x > 38.53184f) {
        return CW_INF;
    }
    if (x < -45.5f) {
        return 0.0f;
    }
    float kf = rintf(x * CW_LOG2_10_HI);
    float r1 = fmaf(-kf, CW_LOG10_2_CW_HI, x);  // exact
    float t = kf * CW_LOG10_2_CW_LO;
    float r = r1 - t;
    float rl = (r1 - r) - t;
    // (r + rl) * ln(10) as a double-float
    float th = r * CW_LN10_HI;
    float tl = fmaf(r, CW_LN10_HI, -th) + (r * CW_LN10_LO + rl * CW_LN10_HI);
    return __cwcc_exp_kernelf(th, tl, (int)kf);
}

__device__ float __cwcc_expm1f(float x) {
    if (x != x) {
        return x + x;
    }
    if (x > 88.72284f) {
        return CW_INF;
    }
    if (x < -17.4f) {
        return -1.0f;
    }
    if (fabsf(x) < 2.9802322e-08f) {  // 2^-25
        return x;
    }
    float kf = 0.0f;
    float r = x;
    float rlo = 0.0f;
    if (fabsf(x) > 3.465736e-01f) {
        kf = rintf(x * CW_LOG2E_HI);
        float r1 = fmaf(-kf, CW_LN2_CW_HI, x);
        float t = kf * CW_LN2_CW_LO;
        r = r1 - t;
        rlo = (r1 - r) - t;
    }
    // e^r - 1 = r + r^2/2 + r^3 * E1(r)
    float e = 1.9893894e-04f;
    e = fmaf(e, r, 1.3936264e-03f);
    e = fmaf(e, r, 8.3333086e-03f);
    e = fmaf(e, r, 4.166644e-02f);
    e = fmaf(e, r, 1.6666667e-01f);
    float a = 0.5f * r;
    float hh = a * r;
    float hl = fmaf(a, r, -hh);
    float ph = r + hh;
    float pl = ((r - ph) + hh) + hl + (r * r) * r * e;
    // fold rlo in: e^(r+rlo) - 1 = p + rlo * (1 + p)
    pl = pl + fmaf(rlo, ph, rlo);
    int k = (int)kf;
    if (k == 0) {
        return ph + pl;
    }
    if (k < 0) {
        float s = __int_as_float((127 + k) << 23);
        if (k >= -24) {
            // (s - 1) + s * (ph + pl) with s a power of two: s - 1 and s * ph are exact.
            float a = s - 1.0f;
            float b = s * ph;
            float hi = a + b;
            float lo = (fabsf(a) > fabsf(b)) ? ((a - hi) + b) : ((b - hi) + a);
            return hi + (lo + s * pl);
        }
        return fmaf(s, 1.0f + (ph + pl), -1.0f);
    }
    if (k <= 24) {
        float u = 1.0f - __int_as_float((127 - k) << 23);  // exact
        float sh = ph + u;
        float sl = (fabsf(ph) > u) ? ((ph - sh) + u) : ((u - sh) + ph);
        return __cwcc_scalef(sh + (sl + pl), k);
    }
    float sh = 1.0f + ph;
    float sl = ((1.0f - sh) + ph) + (pl - __cwcc_scalef(1.0f, -k));
    return __cwcc_scalef(sh + sl, k);
}

__device__ float __cwcc___expf(float x) { return __cwcc_expf(x); }
__device__ float __cwcc___exp10f(float x) { return __cwcc_exp10f(x); }

// ---------------------------------------------------------------------------------------
// Logarithms

__device__ float __cwcc_logf(float x) {
    float special;
    if (__cwcc_log_specialf(x, &special)) {
        return special;
    }
    float lo;
    float hi = __cwcc_log_partsf(x, &lo);
    return hi + lo;
}

__device__ float __cwcc_log2f(float x) {
    float special;
    if (__cwcc_log_specialf(x, &special)) {
        return special;
    }
    int k;
    float f = __cwcc_log_reducef(x, &k);
    float l;
    float h = __cwcc_log1p_partsf(f, &l);
    float ph = h * CW_LOG2E_HI;
    float pl = fmaf(h, CW_LOG2E_HI, -ph) + (h * CW_LOG2E_LO + l * CW_LOG2E_HI);
    float kf = (float)k;
    float s = kf + ph;
    float e = (fabsf(kf) > fabsf(ph)) ? ((kf - s) + ph) : ((ph - s) + kf);
    return s + (e + pl);
}

__device__ float __cwcc_log10f(float x) {
    float special;
    if (__cwcc_log_specialf(x, &special)) {
        return special;
    }
    int k;
    float f = __cwcc_log_reducef(x, &k);
    float l;
    float h = __cwcc_log1p_partsf(f, &l);
    float ph = h * CW_LOG10E_HI;
    float pl = fmaf(h, CW_LOG10E_HI, -ph) + (h * CW_LOG10E_LO + l * CW_LOG10E_HI);
    float kf = (float)k;
    float kh = kf * CW_LOG10_2_HI;
    float kl = fmaf(kf, CW_LOG10_2_HI, -kh) + kf * CW_LOG10_2_LO;
    float s = kh + ph;
    float e = (fabsf(kh) > fabsf(ph)) ? ((kh - s) + ph) : ((ph - s) + kh);
    return s + (e + pl + kl);
}

__device__ float __cwcc_log1pf(float x) {
    if (x != x) {
        return x + x;
    }
    if (x < -1.0f) {
        return CW_NAN;
    }
    if (x == -1.0f) {
        return -CW_INF;
    }
    if (x == CW_INF) {
        return x;
    }
    if (fabsf(x) < 5.9604645e-08f) {  // 2^-24
        return x;
    }
    // u + c = 1 + x exactly
    float u = 1.0f + x;
    float c = (fabsf(x) > 1.0f) ? ((x - u) + 1.0f) : ((1.0f - u) + x);
    int k;
    float f = __cwcc_log_reducef(u, &k);
    // log(1 + x) = k ln2 + log(m + c 2^-k) = k ln2 + log1p(f) + c 2^-k / m
    float cm = __cwcc_scalef(c, -k) / (1.0f + f);
    float l;
    float h = __cwcc_log1p_partsf(f, &l);
    l = l + cm;
    float kf = (float)k;
    float kh = kf * CW_LN2_HI;
    float kl = fmaf(kf, CW_LN2_HI, -kh) + kf * CW_LN2_LO;
    float s = kh + h;
    float e = (fabsf(kh) > fabsf(h)) ? ((kh - s) + h) : ((h - s) + kh);
    return s + (e + kl + l);
}

__device__ float __cwcc___logf(float x) { return __cwcc_logf(x); }
__device__ float __cwcc___log2f(float x) { return __cwcc_log2f(x); }
__device__ float __cwcc___log10f(float x) { return __cwcc_log10f(x); }

// ---------------------------------------------------------------------------------------
// Power

// Whether a finite float is an integer (2) and odd (1), or not an integer (0).
__device__ int __cwcc_int_kindf(float y) {
    if (truncf(y) != y) {
        return 0;
    }
    if (fabsf(y) >= 16777216.0f) {
        return 2;
    }
    int n = (int)y;
    return (n & 1) ? 1 : 2;
}

__device__ float __cwcc_powf(float x, float y) {
    if (y == 0.0f || x == 1.0f) {
        return 1.0f;
    }
    if (x != x || y != y) {
        return x + y;
    }
    float ax = fabsf(x);
    float ay = fabsf(y);
    int yint = (ay == CW_INF) ? 2 : __cwcc_int_kindf(y);
    if (ay == CW_INF) {
        if (ax == 1.0f) {
            return 1.0f;
        }
        if ((ax < 1.0f) == (y < 0.0f)) {
            return CW_INF;
        }
        return 0.0f;
    }
    float negate = (x < 0.0f && yint == 1) ? -1.0f : 1.0f;
    if (ax == 0.0f || ax == CW_INF) {
        // pow(+-0, y) and pow(+-inf, y): 0 or inf with the sign for odd integers.
        int big = (ax == 0.0f) == (y < 0.0f);
        float mag = big ? CW_INF : 0.0f;
        return (yint == 1) ? copysignf(mag, x) : mag;
    }
    if (x < 0.0f && yint == 0) {
        return CW_NAN;
    }
    // log2(ax) as a double-float
    int k;
    float f = __cwcc_log_reducef(ax, &k);
    float l;
    float h = __cwcc_log1p_partsf(f, &l);
    float ph = h * CW_LOG2E_HI;
    float pl = fmaf(h, CW_LOG2E_HI, -ph) + (h * CW_LOG2E_LO + l * CW_LOG2E_HI);
    float kf = (float)k;
    float gh = kf + ph;
    float gl = ((fabsf(kf) > fabsf(ph)) ? ((kf - gh) + ph) : ((ph - gh) + kf)) + pl;
    // y * log2(ax)
    float th = y * gh;
    if (th >= 129.0f) {
        return negate * CW_INF;
    }
    if (th < -152.0f) {
        return negate * 0.0f;
    }
    float tl = fmaf(y, gh, -th) + y * gl;
    float t = th + tl;
    tl = (th - t) + tl;
    th = t;
    float n = rintf(th);
    float r = (th - n) + tl;
    float rh = r * CW_LN2_HI;
    float rl = fmaf(r, CW_LN2_HI, -rh) + r * CW_LN2_LO;
    return negate * __cwcc_exp_kernelf(rh, rl, (int)n);
}

__device__ float __cwcc___powf(float x, float y) { return __cwcc_powf(x, y); }

// ---------------------------------------------------------------------------------------
// Trigonometric functions

// sin(r + rl) for |r| <= pi/4, |rl| tiny.
__device__ float __cwcc_sin_kernelf(float r, float rl) {
    float z = r * r;
    float s = 2.724687e-06f;
    s = fmaf(s, z, -1.9840064e-04f);
    s = fmaf(s, z, 8.333332e-03f);
    s = fmaf(s, z, -1.6666667e-01f);
    return r + fmaf(r * z, s, rl * fmaf(-0.5f, z, 1.0f));
}

// cos(r + rl) for |r| <= pi/4, |rl| tiny.
__device__ float __cwcc_cos_kernelf(float r, float rl) {
    float z = r * r;
    float c = -2.7298407e-07f;
    c = fmaf(c, z, 2.480058e-05f);
    c = fmaf(c, z, -1.3888888e-03f);
    c = fmaf(c, z, 4.1666668e-02f);
    c = fmaf(c, z, -0.5f);
    // 1 + z c with z = r^2 exact as zh + zl and the rounding error of the sum kept
    float zl = fmaf(r, r, -z);
    float hi = fmaf(z, c, 1.0f);
    float e = fmaf(z, c, 1.0f - hi);
    return hi + (e + fmaf(zl, c, -r * rl));
}

// Reduces finite x to r + *rl in [-pi/4, pi/4] with x = r + rl + q * pi/2; returns r.
__device__ float __cwcc_rem_pio2f(float x, int *q, float *rl) {
    float ax = fabsf(x);
    if (ax < 105615.0f) {
        float j = rintf(x * 6.3661975e-01f);
        float r1 = fmaf(-j, CW_PIO2_1, x);  // exact
        float wh = j * CW_PIO2_2;
        float wl = fmaf(j, CW_PIO2_2, -wh);  // j * P2 = wh + wl exactly
        float r = r1 - wh;
        float e = (fabsf(r1) > fabsf(wh)) ? ((r1 - r) - wh) : ((-wh - r) + r1);
        float lo = (e - wl) - j * CW_PIO2_3;
        float rh = r + lo;
        *rl = (r - rh) + lo;
        *q = (int)j;
        return rh;
    }
    // Payne-Hanek: ax = m * 2^e with a 24-bit integer m.
    unsigned int ix = (unsigned int)__float_as_int(ax);
    int e = (int)(ix >> 23) - 150;
    unsigned long long m = (unsigned long long)((ix & 0x7fffffu) | 0x800000u);
    // 96 bits of 2/pi starting at fraction bit e - 1 (bit e + 30 of the table, from 0):
    // the bits before it contribute multiples of 4.
    int offset = e + 30;
    int w = offset >> 5;
    int sh = offset & 31;
    unsigned long long t0 = ((unsigned long long)__cwcc_two_over_pi_bits[w] << 32) |
                            __cwcc_two_over_pi_bits[w + 1];
    unsigned long long t1 = ((unsigned long long)__cwcc_two_over_pi_bits[w + 1] << 32) |
                            __cwcc_two_over_pi_bits[w + 2];
    unsigned long long t2 = ((unsigned long long)__cwcc_two_over_pi_bits[w + 2] << 32) |
                            __cwcc_two_over_pi_bits[w + 3];
    unsigned long long a = (t0 << sh) >> 32;
    unsigned long long b = (t1 << sh) >> 32;
    unsigned long long c = (t2 << sh) >> 32;
    // ax * 2/pi = m * (a:b:c) * 2^-94; keep it modulo 4.
    unsigned long long low = m * c;
    unsigned long long mid = m * b + (low >> 32);
    unsigned int top = (unsigned int)(m * a + (mid >> 32));
    int quadrant = (int)(top >> 30);
    unsigned long long frac = ((unsigned long long)top << 34) | ((mid & 0xffffffffull) << 2) |
                              ((low & 0xffffffffull) >> 30);
    long long sfrac = (long long)frac;
    if (sfrac < 0) {
        quadrant = quadrant + 1;  // fraction >= 1/2: round to the next quadrant
    }
    // r = sfrac * 2^-64 * pi/2
    float fh = (float)sfrac;
    float fl = (float)(sfrac - (long long)fh);
    fh = fh * 5.421011e-20f;  // 2^-64
    fl = fl * 5.421011e-20f;
    float ph = fh * CW_PIO2_HI;
    float pl = fmaf(fh, CW_PIO2_HI, -ph) + (fh * CW_PIO2_LO + fl * CW_PIO2_HI);
    float r = ph + pl;
    float lo = (ph - r) + pl;
    quadrant = quadrant & 3;
    if (x < 0.0f) {
        r = -r;
        lo = -lo;
        quadrant = -quadrant;
    }
    *q = quadrant;
    *rl = lo;
    return r;
}

__device__ float __cwcc_sinf(float x) {
    if (fabsf(x) < 2.4414062e-04f) {  // 2^-12: also +-0 and subnormals
        return x;
    }
    if (fabsf(x) == CW_INF || x != x) {
        return x - x;
    }
    int q;
    float rl;
    float r = __cwcc_rem_pio2f(x, &q, &rl);
    float v = (q & 1) ? __cwcc_cos_kernelf(r, rl) : __cwcc_sin_kernelf(r, rl);
    return (q & 2) ? -v : v;
}

__device__ float __cwcc_cosf(float x) {
    if (fabsf(x) == CW_INF || x != x) {
        return x - x;
    }
    if (fabsf(x) < 2.4414062e-04f) {
        return 1.0f;
    }
    int q;
    float rl;
    float r = __cwcc_rem_pio2f(x, &q, &rl);
    float v = (q & 1) ? __cwcc_sin_kernelf(r, rl) : __cwcc_cos_kernelf(r, rl);
    return ((q + 1) & 2) ? -v : v;
}

__device__ float __cwcc_tanf(float x) {
    if (fabsf(x) < 2.4414062e-04f) {
        return x;
    }
    if (fabsf(x) == CW_INF || x != x) {
        return x - x;
    }
    int q;
    float rl;
    float r = __cwcc_rem_pio2f(x, &q, &rl);
    float s = __cwcc_sin_kernelf(r, rl);
    float c = __cwcc_cos_kernelf(r, rl);
    float num = (q & 1) ? -c : s;
    float den = (q & 1) ? s : c;
    float t = num / den;
    return t + fmaf(-t, den, num) / den;
}

__device__ float __cwcc___sinf(float x) { return __cwcc_sinf(x); }
__device__ float __cwcc___cosf(float x) { return __cwcc_cosf(x); }
__device__ float __cwcc___tanf(float x) { return __cwcc_tanf(x); }

// sin(pi r) for |r| <= 1/4.
__device__ float __cwcc_sinpi_kernelf(float r) {
    float z = r * r;
    float s = 8.1220463e-02f;
    s = fmaf(s, z, -5.992281e-01f);
    s = fmaf(s, z, 2.5501635e+00f);
    s = fmaf(s, z, -5.1677127e+00f);
    float h = CW_PI_HI * r;
    float l = fmaf(CW_PI_HI, r, -h) + CW_PI_LO * r;
    return h + fmaf(r * z, s, l);
}

// cos(pi r) for |r| <= 1/4.
__device__ float __cwcc_cospi_kernelf(float r) {
    float z = r * r;
    float c = -2.5504068e-02f;
    c = fmaf(c, z, 2.3531394e-01f);
    c = fmaf(c, z, -1.3352624e+00f);
    c = fmaf(c, z, 4.058712e+00f);
    c = fmaf(c, z, -4.934802e+00f);
    return fmaf(z, c, 1.0f);
}

__device__ float __cwcc_sinpif(float x) {
    if (x != x || fabsf(x) == CW_INF) {
        return x - x;
    }
    float ax = fabsf(x);
    if (ax >= 8388608.0f) {  // 2^23: an integer
        return copysignf(0.0f, x);
    }
    float j = rintf(ax + ax);
    float r = ax - 0.5f * j;  // exact, in [-1/4, 1/4]
    int q = (int)j;
    float v = (q & 1) ? __cwcc_cospi_kernelf(r) : __cwcc_sinpi_kernelf(r);
    v = (q & 2) ? -v : v;
    if (v == 0.0f) {
        return copysignf(0.0f, x);
    }
    return copysignf(1.0f, x) * v;
}

__device__ float __cwcc_cospif(float x) {
    if (x != x || fabsf(x) == CW_INF) {
        return x - x;
    }
    float ax = fabsf(x);
    if (ax >= 16777216.0f) {  // 2^24: an even integer
        return 1.0f;
    }
    float j = rintf(ax + ax);
    float r = ax - 0.5f * j;
    int q = (int)j;
    float v = (q & 1) ? __cwcc_sinpi_kernelf(r) : __cwcc_cospi_kernelf(r);
    v = ((q + 1) & 2) ? -v : v;
    if (v == 0.0f) {
        return 0.0f;
    }
    return v;
}

// atan(t) for 0 <= t <= 1.
__device__ float __cwcc_atan_kernelf(float t) {
    float z = t * t;
    float a = 1.4886919e-03f;
    a = fmaf(a, z, -9.144629e-03f);
    a = fmaf(a, z, 2.6305001e-02f);
    a = fmaf(a, z, -4.8960514e-02f);
    a = fmaf(a, z, 7.0319146e-02f);
    a = fmaf(a, z, -8.931827e-02f);
    a = fmaf(a, z, 1.1088262e-01f);
    a = fmaf(a, z, -1.4284004e-01f);
    a = fmaf(a, z, 1.999995e-01f);
    a = fmaf(a, z, -3.3333334e-01f);
    return fmaf(t * z, a, t);
}

__device__ float __cwcc_atanf(float x) {
    if (x != x) {
        return x + x;
    }
    float ax = fabsf(x);
    float r;
    if (ax > 1.0f) {
        float p = __cwcc_atan_kernelf(1.0f / ax);
        r = __cwcc_sub_fromf(CW_PIO2_HI, CW_PIO2_LO, p, 0.0f);
    } else {
        r = __cwcc_atan_kernelf(ax);
    }
    return copysignf(r, x);
}

__device__ float __cwcc_atan2f(float y, float x) {
    if (x != x || y != y) {
        return x + y;
    }
    float ax = fabsf(x);
    float ay = fabsf(y);
    int xneg = __float_as_int(x) < 0;
    float r;
    if (ay == 0.0f) {
        r = xneg ? CW_PI_HI : 0.0f;
    } else if (ax == 0.0f) {
        r = CW_PIO2_HI;
    } else if (ay == CW_INF) {
        if (ax == CW_INF) {
            r = xneg ? 2.3561945f : 7.853982e-01f;
        } else {
            r = CW_PIO2_HI;
        }
    } else if (ax == CW_INF) {
        r = xneg ? CW_PI_HI : 0.0f;
    } else {
        if (ay <= ax) {
            float a = __cwcc_atan_kernelf(ay / ax);
            r = xneg ? __cwcc_sub_fromf(CW_PI_HI, CW_PI_LO, a, 0.0f) : a;
        } else {
            float a = __cwcc_atan_kernelf(ax / ay);
            r = xneg ? __cwcc_sub_fromf(CW_PIO2_HI, CW_PIO2_LO, -a, 0.0f)
                     : __cwcc_sub_fromf(CW_PIO2_HI, CW_PIO2_LO, a, 0.0f);
        }
    }
    return copysignf(r, y);
}

// (asin(t) - t) / t^3 as a polynomial in z = t^2 for z <= 1/4.
__device__ float __cwcc_asin_polyf(float z) {
    float p = 3.3690847e-02f;
    p = fmaf(p, z, 1.7149238e-02f);
    p = fmaf(p, z, 3.1100662e-02f);
    p = fmaf(p, z, 4.4599403e-02f);
    p = fmaf(p, z, 7.500094e-02f);
    p = fmaf(p, z, 1.6666666e-01f);
    return p;
}

__device__ float __cwcc_asinf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0f) {
        return CW_NAN;
    }
    if (ax < 2.4414062e-04f) {
        return x;
    }
    float r;
    if (ax <= 0.5f) {
        float z = x * x;
        return fmaf(x * z, __cwcc_asin_polyf(z), x);
    }
    float z = (1.0f - ax) * 0.5f;
    float s = sqrtf(z);
    float c = (s > 0.0f) ? fmaf(-s, s, z) / (s + s) : 0.0f;
    float t = c + s * z * __cwcc_asin_polyf(z);
    r = __cwcc_sub_fromf(CW_PIO2_HI, CW_PIO2_LO, 2.0f * s, 2.0f * t);
    return copysignf(r, x);
}

__device__ float __cwcc_acosf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0f) {
        return CW_NAN;
    }
    if (ax <= 0.5f) {
        float z = x * x;
        float w = x * z * __cwcc_asin_polyf(z);
        return CW_PIO2_HI - (x + (w - CW_PIO2_LO));
    }
    float z = (1.0f - ax) * 0.5f;
    float s = sqrtf(z);
    float c = (s > 0.0f) ? fmaf(-s, s, z) / (s + s) : 0.0f;
    float t = c + s * z * __cwcc_asin_polyf(z);
    if (x > 0.0f) {
        return 2.0f * (s + t);
    }
    return __cwcc_sub_fromf(CW_PI_HI, CW_PI_LO, 2.0f * s, 2.0f * t);
}

// ---------------------------------------------------------------------------------------
// Hyperbolic functions

__device__ float __cwcc_sinhf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 2.4414062e-04f) {
        return x;
    }
    if (ax < 1.0f) {
        float z = x * x;
        float p = 2.5456707e-08f;
        p = fmaf(p, z, 2.755377e-06f);
        p = fmaf(p, z, 1.9841283e-04f);
        p = fmaf(p, z, 8.333334e-03f);
        p = fmaf(p, z, 1.6666667e-01f);
        return fmaf(x * z, p, x);
    }
    float r;
    if (ax > 89.41599f) {
        r = CW_INF;
    } else if (ax > 9.0f) {
        r = __cwcc_exp_partsf(ax, 0.0f, -1);  // e^ax / 2
    } else {
        float e = __cwcc_expm1f(ax);
        r = 0.5f * (e + e / (e + 1.0f));
    }
    return copysignf(r, x);
}

__device__ float __cwcc_coshf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 1.0f) {
        float z = x * x;
        float p = 2.1165476e-09f;
        p = fmaf(p, z, 2.7554788e-07f);
        p = fmaf(p, z, 2.4801597e-05f);
        p = fmaf(p, z, 1.3888889e-03f);
        p = fmaf(p, z, 4.1666668e-02f);
        p = fmaf(p, z, 0.5f);
        return fmaf(z, p, 1.0f);
    }
    if (ax > 89.41599f) {
        return CW_INF;
    }
    if (ax > 9.0f) {
        return __cwcc_exp_partsf(ax, 0.0f, -1);
    }
    float e = __cwcc_exp_partsf(ax, 0.0f, 0);
    return 0.5f * e + 0.5f / e;
}

__device__ float __cwcc_tanhf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 2.4414062e-04f) {
        return x;
    }
    if (ax < 0.625f) {
        float z = x * x;
        float p = 3.1987263e-04f;
        p = fmaf(p, z, -1.3010503e-03f);
        p = fmaf(p, z, 3.5428812e-03f);
        p = fmaf(p, z, -8.854319e-03f);
        p = fmaf(p, z, 2.18686e-02f);
        p = fmaf(p, z, -5.396821e-02f);
        p = fmaf(p, z, 1.3333333e-01f);
        p = fmaf(p, z, -3.3333334e-01f);
        return fmaf(x * z, p, x);
    }
    float r;
    if (ax > 9.1f) {
        r = 1.0f;
    } else {
        float t = __cwcc_expm1f(ax + ax);
        r = 1.0f - 2.0f / (t + 2.0f);
    }
    return copysignf(r, x);
}

__device__ float __cwcc_asinhf(float x) {
    float ax = fabsf(x);
    if (x != x || ax == CW_INF) {
        return x + x;
    }
    if (ax < 2.4414062e-04f) {
        return x;
    }
    float r;
    if (ax > 4096.0f) {
        float lo;
        float hi = __cwcc_log_partsf(ax, &lo);
        r = hi + (lo + CW_LN2_HI);
    } else if (ax >= 2.0f) {
        r = __cwcc_logf(2.0f * ax + 1.0f / (sqrtf(fmaf(ax, ax, 1.0f)) + ax));
    } else {
        float z = ax * ax;
        r = __cwcc_log1pf(ax + z / (1.0f + sqrtf(1.0f + z)));
    }
    return copysignf(r, x);
}

__device__ float __cwcc_acoshf(float x) {
    if (x != x) {
        return x + x;
    }
    if (x < 1.0f) {
        return CW_NAN;
    }
    if (x == CW_INF) {
        return x;
    }
    if (x > 4096.0f) {
        float lo;
        float hi = __cwcc_log_partsf(x, &lo);
        return hi + (lo + CW_LN2_HI);
    }
    if (x > 2.0f) {
        return __cwcc_logf(2.0f * x - 1.0f / (x + sqrtf(fmaf(x, x, -1.0f))));
    }
    float t = x - 1.0f;
    return __cwcc_log1pf(t + sqrtf(fmaf(t, t, t + t)));
}

__device__ float __cwcc_atanhf(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0f) {
        return CW_NAN;
    }
    if (ax == 1.0f) {
        return copysignf(CW_INF, x);
    }
    if (ax < 2.4414062e-04f) {
        return x;
    }
    float r;
    if (ax < 0.5f) {
        float t = ax + ax;
        r = 0.5f * __cwcc_log1pf(t + t * ax / (1.0f - ax));
    } else {
        r = 0.5f * __cwcc_log1pf((ax + ax) / (1.0f - ax));
    }
    return copysignf(r, x);
}

// ---------------------------------------------------------------------------------------
// Roots, hypot

__device__ float __cwcc_cbrtf(float x) {
    float ax = fabsf(x);
    if (x != x || ax == CW_INF || ax == 0.0f) {
        return x + x;
    }
    int bias = 0;
    if (ax < 1.1754944e-38f) {
        ax = ax * 16777216.0f;  // 2^24
        bias = -8;
    }
    int ix = __float_as_int(ax);
    int e = (ix >> 23) - 127;
    int q = (e + 300) / 3 - 100;  // floor(e / 3)
    int rem = e - 3 * q;
    float m = __int_as_float((ix & 0x007fffff) | ((127 + rem) << 23));  // [1, 8)
    float y = fmaf(fmaf(-1.1158747e-02f, m, 2.3625189e-01f), m, 8.1379473e-01f);
    y = y - (y * y * y - m) / (3.0f * y * y);
    y = y - (y * y * y - m) / (3.0f * y * y);
    y = y - (y * y * y - m) / (3.0f * y * y);
    // final correction from the exact residual m - y^3
    float y2h = y * y;
    float y2l = fmaf(y, y, -y2h);
    float y3h = y2h * y;
    float y3l = fmaf(y2h, y, -y3h) + y2l * y;
    float res = (m - y3h) - y3l;
    y = y + res / (3.0f * y2h);
    return copysignf(__cwcc_scalef(y, q + bias), x);
}

__device__ float __cwcc_hypotf(float x, float y) {
    float ax = fabsf(x);
    float ay = fabsf(y);
    if (ax == CW_INF || ay == CW_INF) {
        return CW_INF;
    }
    if (ax != ax || ay != ay) {
        return ax + ay;
    }
    float a = fmaxf(ax, ay);
    float b = fminf(ax, ay);
    if (a == 0.0f) {
        return 0.0f;
    }
    float scale = 1.0f;
    if (a > 1.1529215e+18f) {  // 2^60
        a = a * 8.4703295e-22f;  // 2^-70
        b = b * 8.4703295e-22f;
        scale = 1.1805916e+21f;  // 2^70
    } else if (a < 8.6736174e-19f) {  // 2^-60
        a = a * 1.2379401e+27f;  // 2^90
        b = b * 1.2379401e+27f;
        scale = 8.0779357e-28f;  // 2^-90
    }
    return sqrtf(fmaf(a, a, b * b)) * scale;
}

// ---------------------------------------------------------------------------------------
// Error functions

// erf(x) for |x| < 1.
__device__ float __cwcc_erf_smallf(float x) {
    float z = x * x;
    float p = -9.667045e-06f;
    p = fmaf(p, z, 1.1265959e-04f);
    p = fmaf(p, z, -8.484080e-04f);
    p = fmaf(p, z, 5.2210316e-03f);
    p = fmaf(p, z, -2.686543e-02f);
    p = fmaf(p, z, 1.1283782e-01f);
    p = fmaf(p, z, -3.7612638e-01f);
    p = fmaf(p, z, 1.2837917e-01f);
    return fmaf(x, p, x);
}

// erfc(x + xlo) for x >= 0.5 (xlo tiny).
__device__ float __cwcc_erfc_coref(float x, float xlo) {
    if (x > 10.1f) {
        return 0.0f;
    }
    float g;
    if (x < 2.0f) {
        float t = x - 1.25f;
        g = -2.0357365e-05f;
        g = fmaf(g, t, 6.40744e-05f);
        g = fmaf(g, t, -1.6099794e-04f);
        g = fmaf(g, t, 4.6743575e-04f);
        g = fmaf(g, t, -1.3263628e-03f);
        g = fmaf(g, t, 3.5550427e-03f);
        g = fmaf(g, t, -9.081551e-03f);
        g = fmaf(g, t, 2.2011107e-02f);
        g = fmaf(g, t, -5.0218277e-02f);
        g = fmaf(g, t, 1.0679559e-01f);
        g = fmaf(g, t, -2.0882188e-01f);
        g = fmaf(g, t, 3.6782292e-01f);
    } else if (x < 4.0f) {
        float t = x - 3.0f;
        g = 3.3415432e-07f;
        g = fmaf(g, t, -1.4332137e-06f);
        g = fmaf(g, t, 5.1003226e-06f);
        g = fmaf(g, t, -2.0783957e-05f);
        g = fmaf(g, t, 8.357457e-05f);
        g = fmaf(g, t, -3.242166e-04f);
        g = fmaf(g, t, 1.2230354e-03f);
        g = fmaf(g, t, -4.479415e-03f);
        g = fmaf(g, t, 1.5884371e-02f);
        g = fmaf(g, t, -5.4372262e-02f);
        g = fmaf(g, t, 1.7900115e-01f);
    } else {
        float u = 1.0f / x;
        float v = u - 0.175f;
        g = 2.763255e-01f;
        g = fmaf(g, v, -4.3985692e-01f);
        g = fmaf(g, v, 1.0835932e-01f);
        g = fmaf(g, v, 2.0911771e-01f);
        g = fmaf(g, v, -2.1677814e-01f);
        g = fmaf(g, v, -9.057635e-02f);
        g = fmaf(g, v, 5.5591977e-01f);
        g = g * u;
    }
    // e^-(x + xlo)^2
    float h = x * x;
    float l = fmaf(x, x, -h) + 2.0f * x * xlo;
    float e = __cwcc_exp_partsf(-h, -l, 0);
    return e * g;
}

__device__ float __cwcc_erff(float x) {
    float ax = fabsf(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 1.0f) {
        return __cwcc_erf_smallf(x);
    }
    if (ax >= 3.92f) {
        return copysignf(1.0f, x);
    }
    return copysignf(1.0f - __cwcc_erfc_coref(ax, 0.0f), x);
}

__device__ float __cwcc_erfcf(float x) {
    if (x != x) {
        return x + x;
    }
    if (x >= 0.5f) {
        return __cwcc_erfc_coref(x, 0.0f);
    }
    if (x > -0.5f) {
        return 1.0f - __cwcc_erf_smallf(x);
    }
    if (x < -3.92f) {
        return 2.0f;
    }
    return 2.0f - __cwcc_erfc_coref(-x, 0.0f);
}

__device__ float __cwcc_normcdff(float x) {
    if (x != x) {
        return x + x;
    }
    // t = -x / sqrt(2) as th + tl; normcdf(x) = erfc(t) / 2
    float th = -x * CW_SQRT1_2_HI;
    float tl = fmaf(-x, CW_SQRT1_2_HI, -th) - x * CW_SQRT1_2_LO;
    if (fabsf(th) == CW_INF) {
        return (th > 0.0f) ? 0.0f : 1.0f;
    }
    if (th >= 0.5f) {
        return 0.5f * __cwcc_erfc_coref(th, tl);
    }
    if (th <= -0.5f) {
        return 1.0f - 0.5f * __cwcc_erfc_coref(-th, -tl);
    }
    // erfc(th + tl) = 1 - erf(th) - tl * 2/sqrt(pi) * e^-th^2
    float corr = tl * 5.641896e-01f * __cwcc_exp_partsf(-th * th, 0.0f, 0);
    return (0.5f - 0.5f * __cwcc_erf_smallf(th)) - corr;
}

// ---------------------------------------------------------------------------------------
// Exact functions

__device__ float __cwcc_roundf(float x) {
    float t = truncf(x);
    if (fabsf(x - t) >= 0.5f) {
        t = t + copysignf(1.0f, x);
    }
    return t;
}

__device__ float __cwcc_ldexpf(float x, float n) {
    if (x != x || x == 0.0f || fabsf(x) == CW_INF) {
        return x + x;
    }
    float c = fminf(fmaxf(n, -400.0f), 400.0f);
    return __cwcc_scalef(x, (int)c);
}

__device__ float __cwcc_scalbnf(float x, float n) { return __cwcc_ldexpf(x, n); }

// =======================================================================================
// Double precision. No `fma` here (it is not native on every target): exact products use
// Dekker's splitting instead.

#define CWD_INF __longlong_as_double(0x7ff0000000000000ll)
#define CWD_NAN __longlong_as_double(0x7ff8000000000000ll)
#define CWD_PI_HI 3.141592653589793
#define CWD_PI_LO 1.2246467991473532e-16
#define CWD_PIO2_HI 1.5707963267948966
#define CWD_PIO2_LO 6.123233995736766e-17
#define CWD_LN2_HI 0.6931471805599453
#define CWD_LN2_LO 2.3190468138462996e-17
#define CWD_LOG2E_HI 1.4426950408889634
#define CWD_LOG2E_LO 2.0355273740931033e-17
#define CWD_LN10_HI 2.302585092994046
#define CWD_LN10_LO -2.1707562233822494e-16
#define CWD_LOG10E_HI 0.4342944819032518
#define CWD_LOG10E_LO 1.098319650216765e-17
#define CWD_LOG10_2_HI 0.3010299956639812
#define CWD_LOG10_2_LO -2.8037281277851704e-18
#define CWD_LOG2_10_HI 3.321928094887362
#define CWD_LOG2_10_LO 1.661617516973592e-16
#define CWD_SQRT1_2_HI 0.7071067811865476
#define CWD_SQRT1_2_LO -4.833646656726457e-17
#define CWD_PI2O2_HI 4.934802200544679
#define CWD_PI2O2_LO 3.1326477543698557e-16
#define CWD_ATAN05_HI 0.4636476090008061
#define CWD_ATAN05_LO 2.2698777452961687e-17
#define CWD_ATAN1_HI 0.7853981633974483
#define CWD_ATAN1_LO 3.061616997868383e-17
#define CWD_ATAN15_HI 0.982793723247329
#define CWD_ATAN15_LO 1.3903311031230998e-17
#define CWD_FRAC2_SQRTPI_HI 1.1283791670955126
#define CWD_FRAC2_SQRTPI_LO 1.533545961316588e-17
#define CWD_FRAC1_SQRTPI_HI 0.5641895835477563
#define CWD_FRAC1_SQRTPI_LO 7.66772980658294e-18
#define CWD_PI3O4_HI 2.356194490192345
#define CWD_PI3O4_LO 9.184850993605148e-17
#define CWD_PIO4_HI 0.7853981633974483
#define CWD_PIO4_LO 3.061616997868383e-17
// Cody-Waite splits whose high parts have 32 bits (k * HI exact for |k| < 2^21).
#define CWD_LN2_CW_HI 0.6931471803691238
#define CWD_LN2_CW_LO 1.9082149292705877e-10
#define CWD_LOG10_2_CW_HI 0.3010299955494702
#define CWD_LOG10_2_CW_LO 1.1451100898021838e-10
// pi/2 in four parts of 33 bits (j * part exact for |j| < 2^20).
#define CWD_PIO2_1 1.5707963267341256
#define CWD_PIO2_2 6.077100506303966e-11
#define CWD_PIO2_3 2.0222662487111665e-21
#define CWD_PIO2_4 8.4784276603689e-32

// 2/pi in binary after 64 zero bits (Payne-Hanek reduction of doubles).
__constant__ unsigned int __cwcc_two_over_pi_bits_d[42] = {
    0x00000000u, 0x00000000u, 0xa2f9836eu, 0x4e441529u, 0xfc2757d1u, 0xf534ddc0u, 0xdb629599u, 0x3c439041u, 0xfe5163abu, 0xdebbc561u, 0xb7246e3au, 0x424dd2e0u, 0x06492eeau, 0x09d1921cu, 0xfe1deb1cu, 0xb129a73eu, 0xe88235f5u, 0x2ebb4484u, 0xe99c7026u, 0xb45f7e41u, 0x3991d639u, 0x835339f4u, 0x9c845f8bu, 0xbdf9283bu, 0x1ff897ffu, 0xde05980fu, 0xef2f118bu, 0x5a0a6d1fu, 0x6d367ecfu, 0x27cb09b7u, 0x4f463f66u, 0x9e5fea2du, 0x7527bac7u, 0xebe5f17bu, 0x3d0739f7u, 0x8a5292eau, 0x6bfb5fb1u, 0x1f8d5d08u, 0x56033046u, 0xfc7b6babu, 0xf0cfbc20u, 0x9af4361du};

// Polynomial coefficients, highest degree first (generated with mpmath's chebyfit).
// degree 10 on [-0.347574, 0.347574], max rel err 2^-57.8
#define D_EXP_N 11
__constant__ double __cwcc_d_exp[11] = {
    2.091489872717552e-09, 2.5105513541847086e-08, 2.755727313289604e-07,
    2.7557254685728803e-06, 2.480158732595111e-05, 0.0001984126987538548,
    0.0013888888888883633, 0.008333333333325973, 0.04166666666666667,
    0.1666666666666667, 0.5};
// degree 6 on [0, 0.0297316], max rel err 2^-50.7
#define D_LOGR_N 7
__constant__ double __cwcc_d_logr[7] = {
    0.1463003136412286, 0.15330617306743305, 0.18182922513515942,
    0.22222210674238516, 0.28571428628810996, 0.3999999999989322,
    0.666666666666667};
// degree 6 on [0, 0.623019], max rel err 2^-53.9
#define D_SIN_N 7
__constant__ double __cwcc_d_sin[7] = {
    -7.586094789672621e-13, 1.6058521349954986e-10, -2.5052106167335705e-08,
    2.7557319219150783e-06, -0.00019841269841264821, 0.008333333333333331,
    -0.16666666666666666};
// degree 5 on [0, 0.623019], max rel err 2^-54.0
#define D_COS_N 6
__constant__ double __cwcc_d_cos[6] = {
    -1.1381754653662937e-11, 2.0876134024090145e-09, -2.755731721268659e-07,
    2.4801587298651292e-05, -0.0013888888888887322, 0.041666666666666664};
// degree 5 on [0, 0.063125], max rel err 2^-52.7
#define D_SINPI_N 6
__constant__ double __cwcc_d_sinpi[6] = {
    0.00046217036071771544, -0.00737013788530609, 0.08214587702507532,
    -0.5992645291790155, 2.5501640398765786, -5.167712780049969};
// degree 5 on [0, 0.063125], max rel err 2^-52.7
#define D_COSPI_N 6
__constant__ double __cwcc_d_cospi[6] = {
    -0.00010382631429944254, 0.0019295167307818064, -0.025806889506471538,
    0.2353306303310348, -1.3352627688544387, 4.0587121264167685};
// degree 11 on [0, 0.19332], max rel err 2^-53.7
#define D_ATAN_N 12
__constant__ double __cwcc_d_atan[12] = {
    0.01463579479556637, -0.032989113991491265, 0.044861974207722935,
    -0.05215189433168631, 0.05876719526154055, -0.06666219788095819,
    0.07692284172624975, -0.0909090830197941, 0.11111111095436262,
    -0.14285714285552895, 0.1999999999999935, -0.3333333333333333};
// degree 13 on [0, 0.25], max rel err 2^-54.0
#define D_ASIN_N 14
__constant__ double __cwcc_d_asin[14] = {
    0.02961201126495512, -0.01924167174674304, 0.019554513336123378,
    0.0030448799094556773, 0.009319560794767446, 0.009621842970100282,
    0.011566459612121669, 0.01396378001220357, 0.017352816540325496,
    0.02237215744350722, 0.03038194447553234, 0.044642857142551895,
    0.07500000000000118, 0.16666666666666666};
// degree 6 on [0, 1], max rel err 2^-53.9
#define D_SINH_N 7
__constant__ double __cwcc_d_sinh[7] = {
    7.746178593018827e-13, 1.6057679623801638e-10, 2.5052117695907823e-08,
    2.7557319191381816e-06, 0.00019841269841324198, 0.008333333333333299,
    0.16666666666666666};
// degree 6 on [0, 1], max rel err 2^-54.0
#define D_COSH_N 7
__constant__ double __cwcc_d_cosh[7] = {
    4.83445137390608e-14, 1.146998832606381e-11, 2.0876762155587967e-09,
    2.7557319205890157e-07, 2.480158730161747e-05, 0.001388888888888887,
    0.041666666666666664};
// degree 7 on [0, 0.0901], max rel err 2^-53.0
#define D_TANH_N 8
__constant__ double __cwcc_d_tanh[8] = {
    0.0005108443491350508, -0.0014445662421400337, 0.0035912807603255066,
    -0.00886320002499424, 0.02186948772571052, -0.05396825395915208,
    0.13333333333329433, -0.3333333333333333};
// degree 12 on [0, 1], max abs err 2^-55.8
#define D_ERF_N 13
__constant__ double __cwcc_d_erf[13] = {
    5.957176147748911e-11, -1.1372848856791674e-09, 1.4659775274047436e-08,
    -1.6350312701054695e-07, 1.6461000484121368e-06, -1.4925595266831182e-05,
    0.0001205533111164271, -0.000854832698083379, 0.0052239776248180145,
    -0.026866170645076792, 0.11283791670954879, -0.3761263890318375,
    0.1283791670955126};
// degree 16 on [-0.5, 0.5], max rel err 2^-54.6
#define D_ERFCX0_N 17
__constant__ double __cwcc_d_erfcx0[17] = {
    1.3716404009685037e-07, -4.7149552910444656e-07, 1.4347231601399635e-06,
    -4.6577024858576775e-06, 1.4754332179107884e-05, -4.5148081402348914e-05,
    0.0001336628208483249, -0.0003819539752978225, 0.0010502694113207914,
    -0.002769064817408498, 0.0069701423744990346, -0.01666186908875851,
    0.03757229621529906, -0.07922696894135635, 0.15437156137190838,
    -0.2732120147838984, 0.427583576155807};
// degree 14 on [-0.5, 0.5], max rel err 2^-53.5
#define D_ERFCX1_N 15
__constant__ double __cwcc_d_erfcx1[15] = {
    2.4742339076650453e-08, -9.643712186456406e-08, 3.4432366346395997e-07,
    -1.2773616807125507e-06, 4.62827740445235e-06, -1.629413391296476e-05,
    5.5728304783301664e-05, -0.00018477832463095726, 0.0005924699958821647,
    -0.0018316642779754838, 0.005440738537459517, -0.015460637764239173,
    0.04180275260352663, -0.10679646185348994, 0.25539567631050575};
// degree 15 on [-0.75, 0.75], max rel err 2^-53.9
#define D_ERFCX2_N 16
__constant__ double __cwcc_d_erfcx2[16] = {
    -7.384697115742467e-11, 3.605109491407344e-10, -1.5661289730211835e-09,
    7.3764326362154734e-09, -3.429274651638e-08, 1.5589558736215798e-07,
    -6.952073077661102e-07, 3.038828163712848e-06, -1.300464037449519e-05,
    5.4420409361290455e-05, -0.00022238256956078872, 0.0008860045774956012,
    -0.00343547130090778, 0.012937290883019195, -0.047199402321170376,
    0.16633534842682188};
// degree 15 on [-1, 1], max rel err 2^-53.8
#define D_ERFCX3_N 16
__constant__ double __cwcc_d_erfcx3[16] = {
    -5.001865871242102e-13, 3.139638329414755e-12, -1.7498984106891532e-11,
    1.0723886840405964e-10, -6.530260734491417e-10, 3.911671423997266e-09,
    -2.3147456116675594e-08, 1.352934488442005e-07, -7.806319572345831e-07,
    4.444334401233983e-06, -2.4953883569275264e-05, 0.00013810242089385338,
    -0.0007528968134273368, 0.0040406889089373834, -0.02133278976482631,
    0.11070463773306863};
// degree 16 on [-1.5, 1.5], max rel err 2^-53.5
#define D_ERFCX4_N 17
__constant__ double __cwcc_d_erfcx4[17] = {
    2.6223878872714894e-16, -2.2312028397055675e-15, 1.6359070732209853e-14,
    -1.3719835210186984e-13, 1.1531011582382268e-12, -9.547644546595754e-12,
    7.850616943445614e-11, -6.412949041756855e-10, 5.2022658155670275e-09,
    -4.1902833722012483e-08, 3.350803007545903e-07, -2.659762166855013e-06,
    2.095345715911545e-05, -0.0001638003341122462, 0.0012704094201592164,
    -0.009773771152362323, 0.07457369306287669};
// degree 16 on [-2.5, 2.5], max rel err 2^-53.1
#define D_ERFCX5_N 17
__constant__ double __cwcc_d_erfcx5[17] = {
    3.6480432925337405e-19, -4.453828285032571e-18, 4.4513798517566006e-17,
    -5.392604732874526e-16, 6.617625079433499e-15, -7.966515659286844e-14,
    9.552525904835925e-13, -1.14232824109448e-11, 1.3614598812089087e-10,
    -1.6170843918148852e-09, 1.9141050776569238e-08, -2.2578187819991996e-07,
    2.653914755263979e-06, -3.108447438181582e-05, 0.00036277928489979845,
    -0.004218588487920197, 0.048876546895982274};
// degree 8 on [-0.0186364, 0.0164286], max rel err 2^-53.4
#define D_ERFCX6_N 9
__constant__ double __cwcc_d_erfcx6[9] = {
    1.8649647086655219, 1.3259965260168676, -0.774100826542606,
    -0.3166031158435205, 0.3774204130547747, 0.08967266400490256,
    -0.27455715328950325, -0.03075197603988179, 0.5633400898418772};

// Horner evaluation of the n coefficients c (highest first) at t.
__device__ double __cwcc_polyd(const double *c, int n, double t) {
    double p = c[0];
    for (int i = 1; i < n; i++) {
        p = p * t + c[i];
    }
    return p;
}

// The high half of a split of a into two 26-bit halves (Veltkamp).
__device__ double __cwcc_split_hid(double a) {
    double c = 134217729.0 * a;  // 2^27 + 1
    return c - (c - a);
}

// a * b = result + *lo exactly (Dekker; |a|, |b| < 2^995 and no underflow).
__device__ double __cwcc_two_prodd(double a, double b, double *lo) {
    double p = a * b;
    double ah = __cwcc_split_hid(a);
    double al = a - ah;
    double bh = __cwcc_split_hid(b);
    double bl = b - bh;
    *lo = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
    return p;
}

// a + b = result + *lo exactly.
__device__ double __cwcc_two_sumd(double a, double b, double *lo) {
    double s = a + b;
    double bb = s - a;
    *lo = (a - (s - bb)) + (b - bb);
    return s;
}

// x * 2^n for an integer n, rounding once.
__device__ double __cwcc_scaled(double x, int n) {
    if (n > 1023) {
        x = x * 8.98846567431158e+307;  // 2^1023
        n = n - 1023;
        if (n > 1023) {
            x = x * 8.98846567431158e+307;
            n = n - 1023;
            if (n > 1023) {
                n = 1023;
            }
        }
    } else if (n < -1022) {
        x = x * 2.004168360008973e-292;  // 2^-969
        n = n + 969;
        if (n < -1022) {
            x = x * 2.004168360008973e-292;
            n = n + 969;
            if (n < -1022) {
                n = -1022;
            }
        }
    }
    return x * __longlong_as_double((long long)(1023 + n) << 52);
}

// e^(r + rlo) * 2^k for |r| <= ~0.35.
__device__ double __cwcc_exp_kerneld(double r, double rlo, int k) {
    double e = __cwcc_polyd(__cwcc_d_exp, D_EXP_N, r);
    double p = r * r * e;
    double sl;
    double sh = __cwcc_two_sumd(1.0, r, &sl);
    // e^(r + rlo) = (1 + r + p) (1 + rlo)
    double tail = sl + p + rlo * (1.0 + r + p);
    return __cwcc_scaled(sh + tail, k);
}

// e^(x + xlo) * 2^extra_k for finite x where the result neither overflows nor vanishes.
__device__ double __cwcc_exp_partsd(double x, double xlo, int extra_k) {
    double kf = rint(x * CWD_LOG2E_HI);
    double r1 = x - kf * CWD_LN2_CW_HI;  // exact
    double t = kf * CWD_LN2_CW_LO;
    double r = r1 - t;
    double rlo = ((r1 - r) - t) + xlo;
    return __cwcc_exp_kerneld(r, rlo, (int)kf + extra_k);
}

// log(1 + f) = hi + *lo for f in [sqrt(1/2) - 1, sqrt(2) - 1].
__device__ double __cwcc_log1p_partsd(double f, double *lo) {
    double dl;
    double dh = __cwcc_two_sumd(2.0, f, &dl);
    double sh = f / dh;
    double pl;
    double ph = __cwcc_two_prodd(sh, dh, &pl);
    double sl = (((f - ph) - pl) - sh * dl) / dh;
    double z = sh * sh;
    double R = z * __cwcc_polyd(__cwcc_d_logr, D_LOGR_N, z);
    double a = 0.5 * f;
    double hl;
    double hh = __cwcc_two_prodd(a, f, &hl);
    double ul;
    double uh = __cwcc_two_sumd(hh, R, &ul);
    ul = ul + hl;
    double tl;
    double th = __cwcc_two_prodd(sh, uh, &tl);
    tl = tl + (sh * ul + sl * uh);
    double hi = f - hh;
    double l = (((f - hi) - hh) - hl) + tl;
    double e2;
    double h2 = __cwcc_two_sumd(hi, th, &e2);
    l = l + e2;
    double h3 = h2 + l;
    *lo = (h2 - h3) + l;
    return h3;
}

// For finite x > 0: x = m * 2^k, m in [sqrt(1/2), sqrt(2)); returns m - 1.
__device__ double __cwcc_log_reduced(double x, int *k) {
    long long ix = __double_as_longlong(x);
    int e = 0;
    if (ix < 0x0010000000000000ll) {
        x = x * 18014398509481984.0;  // 2^54
        ix = __double_as_longlong(x);
        e = -54;
    }
    e = e + (int)(ix >> 52) - 1023;
    double m = __longlong_as_double((ix & 0x000fffffffffffffll) | 0x3ff0000000000000ll);
    if (m > 1.4142135623730951) {
        m = m * 0.5;
        e = e + 1;
    }
    *k = e;
    return m - 1.0;
}

// log(x) = hi + *lo for finite x > 0.
__device__ double __cwcc_log_partsd(double x, double *lo) {
    int k;
    double f = __cwcc_log_reduced(x, &k);
    double l;
    double h = __cwcc_log1p_partsd(f, &l);
    double kf = (double)k;
    double kl;
    double kh = __cwcc_two_prodd(kf, CWD_LN2_HI, &kl);
    kl = kl + kf * CWD_LN2_LO;
    double e;
    double s = __cwcc_two_sumd(kh, h, &e);
    e = e + kl + l;
    double r = s + e;
    *lo = (s - r) + e;
    return r;
}

// (ch + cl) - (a + al) for a constant ch + cl with |ch| >= |a|, rounded once.
__device__ double __cwcc_sub_fromd(double ch, double cl, double a, double al) {
    double h = ch - a;
    double e = (ch - h) - a;  // exact: |ch| >= |a|
    return h + (e + (cl - al));
}

__device__ int __cwcc_log_speciald(double x, double *out) {
    if (x != x) {
        *out = x + x;
        return 1;
    }
    if (x < 0.0) {
        *out = CWD_NAN;
        return 1;
    }
    if (x == 0.0) {
        *out = -CWD_INF;
        return 1;
    }
    if (x == CWD_INF) {
        *out = x;
        return 1;
    }
    return 0;
}

__device__ double __cwcc_exp(double x) {
    if (x != x) {
        return x + x;
    }
    if (x > 709.782712893384) {
        return CWD_INF;
    }
    if (x < -745.1332191019412) {
        return 0.0;
    }
    return __cwcc_exp_partsd(x, 0.0, 0);
}

__device__ double __cwcc_exp2(double x) {
    if (x != x) {
        return x + x;
    }
    if (x >= 1024.0) {
        return CWD_INF;
    }
    if (x < -1076.0) {
        return 0.0;
    }
    double kf = rint(x);
    double r = x - kf;
    double tl;
    double th = __cwcc_two_prodd(r, CWD_LN2_HI, &tl);
    tl = tl + r * CWD_LN2_LO;
    return __cwcc_exp_kerneld(th, tl, (int)kf);
}

__device__ double __cwcc_exp10(double x) {
    if (x != x) {
        return x + x;
    }
    if (x > 308.25471555991675) {
        return CWD_INF;
    }
    if (x < -324.0) {
        return 0.0;
    }
    double kf = rint(x * CWD_LOG2_10_HI);
    double r1 = x - kf * CWD_LOG10_2_CW_HI;
    double t = kf * CWD_LOG10_2_CW_LO;
    double r = r1 - t;
    double rl = (r1 - r) - t;
    double tl;
    double th = __cwcc_two_prodd(r, CWD_LN10_HI, &tl);
    tl = tl + (r * CWD_LN10_LO + rl * CWD_LN10_HI);
    return __cwcc_exp_kerneld(th, tl, (int)kf);
}

__device__ double __cwcc_expm1(double x) {
    if (x != x) {
        return x + x;
    }
    if (x > 709.782712893384) {
        return CWD_INF;
    }
    if (x < -38.0) {
        return -1.0;
    }
    if (fabs(x) < 5.551115123125783e-17) {  // 2^-54
        return x;
    }
    double kf = 0.0;
    double r = x;
    double rlo = 0.0;
    if (fabs(x) > 0.34657359027997264) {
        kf = rint(x * CWD_LOG2E_HI);
        double r1 = x - kf * CWD_LN2_CW_HI;
        double t = kf * CWD_LN2_CW_LO;
        r = r1 - t;
        rlo = (r1 - r) - t;
    }
    // e^r - 1 = r + r^2/2 + r^3 (E(r) - 1/2) / r
    double e = __cwcc_polyd(__cwcc_d_exp, D_EXP_N, r);
    double hl;
    double hh = __cwcc_two_prodd(0.5 * r, r, &hl);
    double rest = r * r * (e - 0.5);
    double pl0;
    double ph = __cwcc_two_sumd(r, hh, &pl0);
    double pl = pl0 + hl + rest;
    pl = pl + rlo * (1.0 + ph);
    int k = (int)kf;
    if (k == 0) {
        return ph + pl;
    }
    if (k < 0) {
        double s = __longlong_as_double((long long)(1023 + k) << 52);
        if (k >= -53) {
            double a = s - 1.0;
            double b = s * ph;
            double lo;
            double hi = __cwcc_two_sumd(a, b, &lo);
            return hi + (lo + s * pl);
        }
        return -1.0 + s * (1.0 + (ph + pl));
    }
    if (k <= 53) {
        double u = 1.0 - __longlong_as_double((long long)(1023 - k) << 52);
        double sl;
        double sh = __cwcc_two_sumd(ph, u, &sl);
        return __cwcc_scaled(sh + (sl + pl), k);
    }
    double sl;
    double sh = __cwcc_two_sumd(1.0, ph, &sl);
    sl = sl + (pl - __cwcc_scaled(1.0, -k));
    return __cwcc_scaled(sh + sl, k);
}

__device__ double __cwcc_log(double x) {
    double special;
    if (__cwcc_log_speciald(x, &special)) {
        return special;
    }
    double lo;
    double hi = __cwcc_log_partsd(x, &lo);
    return hi + lo;
}

__device__ double __cwcc_log2(double x) {
    double special;
    if (__cwcc_log_speciald(x, &special)) {
        return special;
    }
    int k;
    double f = __cwcc_log_reduced(x, &k);
    double l;
    double h = __cwcc_log1p_partsd(f, &l);
    double pl;
    double ph = __cwcc_two_prodd(h, CWD_LOG2E_HI, &pl);
    pl = pl + (h * CWD_LOG2E_LO + l * CWD_LOG2E_HI);
    double e;
    double s = __cwcc_two_sumd((double)k, ph, &e);
    return s + (e + pl);
}

__device__ double __cwcc_log10(double x) {
    double special;
    if (__cwcc_log_speciald(x, &special)) {
        return special;
    }
    int k;
    double f = __cwcc_log_reduced(x, &k);
    double l;
    double h = __cwcc_log1p_partsd(f, &l);
    double pl;
    double ph = __cwcc_two_prodd(h, CWD_LOG10E_HI, &pl);
    pl = pl + (h * CWD_LOG10E_LO + l * CWD_LOG10E_HI);
    double kf = (double)k;
    double kl;
    double kh = __cwcc_two_prodd(kf, CWD_LOG10_2_HI, &kl);
    kl = kl + kf * CWD_LOG10_2_LO;
    double e;
    double s = __cwcc_two_sumd(kh, ph, &e);
    return s + (e + pl + kl);
}

__device__ double __cwcc_log1p(double x) {
    if (x != x) {
        return x + x;
    }
    if (x < -1.0) {
        return CWD_NAN;
    }
    if (x == -1.0) {
        return -CWD_INF;
    }
    if (x == CWD_INF) {
        return x;
    }
    if (fabs(x) < 1.1102230246251565e-16) {  // 2^-53
        return x;
    }
    double c;
    double u = __cwcc_two_sumd(1.0, x, &c);
    int k;
    double f = __cwcc_log_reduced(u, &k);
    double cm = __cwcc_scaled(c, -k) / (1.0 + f);
    double l;
    double h = __cwcc_log1p_partsd(f, &l);
    l = l + cm;
    double kf = (double)k;
    double kl;
    double kh = __cwcc_two_prodd(kf, CWD_LN2_HI, &kl);
    kl = kl + kf * CWD_LN2_LO;
    double e;
    double s = __cwcc_two_sumd(kh, h, &e);
    return s + (e + kl + l);
}

// ---------------------------------------------------------------------------------------

__device__ int __cwcc_int_kindd(double y) {
    if (trunc(y) != y) {
        return 0;
    }
    if (fabs(y) >= 9007199254740992.0) {  // 2^53
        return 2;
    }
    long long n = (long long)y;
    return (n & 1) ? 1 : 2;
}

__device__ double __cwcc_pow(double x, double y) {
    if (y == 0.0 || x == 1.0) {
        return 1.0;
    }
    if (x != x || y != y) {
        return x + y;
    }
    double ax = fabs(x);
    double ay = fabs(y);
    int yint = (ay == CWD_INF) ? 2 : __cwcc_int_kindd(y);
    if (ay == CWD_INF) {
        if (ax == 1.0) {
            return 1.0;
        }
        if ((ax < 1.0) == (y < 0.0)) {
            return CWD_INF;
        }
        return 0.0;
    }
    double negate = (x < 0.0 && yint == 1) ? -1.0 : 1.0;
    if (ax == 0.0 || ax == CWD_INF) {
        int big = (ax == 0.0) == (y < 0.0);
        double mag = big ? CWD_INF : 0.0;
        return (yint == 1) ? copysign(mag, x) : mag;
    }
    if (x < 0.0 && yint == 0) {
        return CWD_NAN;
    }
    int k;
    double f = __cwcc_log_reduced(ax, &k);
    double l;
    double h = __cwcc_log1p_partsd(f, &l);
    double pl;
    double ph = __cwcc_two_prodd(h, CWD_LOG2E_HI, &pl);
    pl = pl + (h * CWD_LOG2E_LO + l * CWD_LOG2E_HI);
    double gl;
    double gh = __cwcc_two_sumd((double)k, ph, &gl);
    gl = gl + pl;
    double th = y * gh;
    if (th >= 1025.0) {
        return negate * CWD_INF;
    }
    if (th < -1077.0) {
        return negate * 0.0;
    }
    // y may be large: split it so that the product stays exact.
    double tl;
    if (ay < 1e300) {
        th = __cwcc_two_prodd(y, gh, &tl);
    } else {
        tl = 0.0;
    }
    tl = tl + y * gl;
    double t = th + tl;
    tl = (th - t) + tl;
    th = t;
    double n = rint(th);
    double r = (th - n) + tl;
    double rl;
    double rh = __cwcc_two_prodd(r, CWD_LN2_HI, &rl);
    rl = rl + r * CWD_LN2_LO;
    return negate * __cwcc_exp_kerneld(rh, rl, (int)n);
}

// ---------------------------------------------------------------------------------------

// sin(rh + rl) for |rh| <= pi/4, |rl| tiny.
__device__ double __cwcc_sin_kerneld(double rh, double rl) {
    double z = rh * rh;
    double s = __cwcc_polyd(__cwcc_d_sin, D_SIN_N, z);
    return rh + (rh * z * s + rl * (1.0 - 0.5 * z));
}

// cos(rh + rl) for |rh| <= pi/4.
__device__ double __cwcc_cos_kerneld(double rh, double rl) {
    double zl;
    double z = __cwcc_two_prodd(rh, rh, &zl);
    double c = __cwcc_polyd(__cwcc_d_cos, D_COS_N, z);
    double hz = 0.5 * z;
    double w = 1.0 - hz;
    return w + ((((1.0 - w) - hz) - 0.5 * zl) + (z * z * c - rh * rl));
}

// Reduces finite x: x = (rh + *rl) + q * pi/2 with |rh| <= ~pi/4.
__device__ double __cwcc_rem_pio2d(double x, double *rl, int *q) {
    double ax = fabs(x);
    if (ax < 823549.6) {  // 2^19 pi/2
        double j = rint(x * 0.6366197723675814);
        double r1 = x - j * CWD_PIO2_1;  // exact
        double w = j * CWD_PIO2_2;  // exact
        double e1;
        double r2 = __cwcc_two_sumd(r1, -w, &e1);
        double w3 = j * CWD_PIO2_3;  // exact
        double e2;
        double r3 = __cwcc_two_sumd(r2, -w3, &e2);
        double lo = (e1 + e2) - j * CWD_PIO2_4;
        double rh = r3 + lo;
        *rl = (r3 - rh) + lo;
        *q = (int)j;
        return rh;
    }
    // Payne-Hanek: ax = m * 2^e with a 53-bit integer m.
    long long ix = __double_as_longlong(ax);
    int e = (int)(ix >> 52) - 1075;
    unsigned long long m = (unsigned long long)((ix & 0x000fffffffffffffll) | 0x0010000000000000ll);
    unsigned long long m0 = m & 0xffffffffull;
    unsigned long long m1 = m >> 32;
    // 192 bits of 2/pi from fraction bit e - 1 (table bit e + 62) as six limbs, L5 first.
    int offset = e + 62;
    int w = offset >> 5;
    int sh = offset & 31;
    unsigned long long limb[6];
    for (int i = 0; i < 6; i++) {
        unsigned long long pair = ((unsigned long long)__cwcc_two_over_pi_bits_d[w + i] << 32) |
                                  __cwcc_two_over_pi_bits_d[w + i + 1];
        limb[5 - i] = (pair << sh) >> 32;
    }
    // P = m * W as eight 32-bit limbs, least significant first.
    unsigned long long p[8];
    unsigned long long carry = 0;
    for (int i = 0; i < 6; i++) {
        unsigned long long t = limb[i] * m0 + carry;
        p[i] = t & 0xffffffffull;
        carry = t >> 32;
    }
    p[6] = carry;
    p[7] = 0;
    carry = 0;
    for (int i = 0; i < 6; i++) {
        unsigned long long t = limb[i] * m1 + p[i + 1] + carry;
        p[i + 1] = t & 0xffffffffull;
        carry = t >> 32;
    }
    p[7] = p[7] + carry;
    // ax * 2/pi = P * 2^-190: quadrant in bits 190-191, fraction below.
    int quadrant = (int)((p[5] >> 30) & 3);
    unsigned long long f1 = ((p[5] & 0x3fffffffull) << 34) | (p[4] << 2) | (p[3] >> 30);
    unsigned long long f2 = ((p[3] & 0x3fffffffull) << 34) | (p[2] << 2) | (p[1] >> 30);
    double sign = 1.0;
    if ((long long)f1 < 0) {
        // fraction >= 1/2: next quadrant, negative remainder 1 - fraction
        quadrant = quadrant + 1;
        f1 = ~f1;
        f2 = ~f2 + 1;
        if (f2 == 0) {
            f1 = f1 + 1;
        }
        sign = -1.0;
    }
    // normalize so that f1 has its top bit set
    int lz = __clzll((long long)f1);
    int scale = -64;
    if (lz == 64) {
        f1 = f2;
        f2 = 0;
        scale = -128;
        lz = __clzll((long long)f1);
    }
    if (lz > 0) {
        f1 = (f1 << lz) | (f2 >> (64 - lz));
        f2 = f2 << lz;
    }
    scale = scale - lz;
    double a = (double)(f1 >> 11) * 2048.0;
    double b = (double)(f1 & 0x7ffull) + (double)(f2 >> 11) * 1.1102230246251565e-16;
    a = __cwcc_scaled(a, scale);
    b = __cwcc_scaled(b, scale);
    // (a + b) * pi/2
    double pl;
    double ph = __cwcc_two_prodd(a, CWD_PIO2_HI, &pl);
    pl = pl + (a * CWD_PIO2_LO + b * CWD_PIO2_HI);
    double rh = ph + pl;
    double rlo = (ph - rh) + pl;
    quadrant = quadrant & 3;
    if ((x < 0.0) != (sign < 0.0)) {
        rh = -rh;
        rlo = -rlo;
    }
    if (x < 0.0) {
        quadrant = -quadrant;
    }
    *rl = rlo;
    *q = quadrant;
    return rh;
}

__device__ double __cwcc_sin(double x) {
    if (fabs(x) < 7.450580596923828e-09) {  // 2^-27
        return x;
    }
    if (fabs(x) == CWD_INF || x != x) {
        return x - x;
    }
    int q;
    double rl;
    double r = __cwcc_rem_pio2d(x, &rl, &q);
    double v = (q & 1) ? __cwcc_cos_kerneld(r, rl) : __cwcc_sin_kerneld(r, rl);
    return (q & 2) ? -v : v;
}

__device__ double __cwcc_cos(double x) {
    if (fabs(x) == CWD_INF || x != x) {
        return x - x;
    }
    if (fabs(x) < 7.450580596923828e-09) {
        return 1.0;
    }
    int q;
    double rl;
    double r = __cwcc_rem_pio2d(x, &rl, &q);
    double v = (q & 1) ? __cwcc_sin_kerneld(r, rl) : __cwcc_cos_kerneld(r, rl);
    return ((q + 1) & 2) ? -v : v;
}

__device__ double __cwcc_tan(double x) {
    if (fabs(x) < 7.450580596923828e-09) {
        return x;
    }
    if (fabs(x) == CWD_INF || x != x) {
        return x - x;
    }
    int q;
    double rl;
    double r = __cwcc_rem_pio2d(x, &rl, &q);
    double s = __cwcc_sin_kerneld(r, rl);
    double c = __cwcc_cos_kerneld(r, rl);
    // s / c with one correction step from the exact residual
    double num = (q & 1) ? -c : s;
    double den = (q & 1) ? s : c;
    double t = num / den;
    double pl;
    double ph = __cwcc_two_prodd(t, den, &pl);
    return t + ((num - ph) - pl) / den;
}

__device__ double __cwcc_sinpi_kerneld(double r) {
    double z = r * r;
    double s = __cwcc_polyd(__cwcc_d_sinpi, D_SINPI_N, z);
    double l;
    double h = __cwcc_two_prodd(CWD_PI_HI, r, &l);
    l = l + CWD_PI_LO * r;
    return h + (l + r * z * s);
}

__device__ double __cwcc_cospi_kerneld(double r) {
    double zl;
    double z = __cwcc_two_prodd(r, r, &zl);
    double c = __cwcc_polyd(__cwcc_d_cospi, D_COSPI_N, z);
    // 1 - (pi^2/2) z + z^2 c
    double al;
    double ah = __cwcc_two_prodd(CWD_PI2O2_HI, z, &al);
    al = al + CWD_PI2O2_HI * zl + CWD_PI2O2_LO * z;
    double sl;
    double sh = __cwcc_two_sumd(1.0, -ah, &sl);
    return sh + ((sl - al) + z * z * c);
}

__device__ double __cwcc_sinpi(double x) {
    if (x != x || fabs(x) == CWD_INF) {
        return x - x;
    }
    double ax = fabs(x);
    if (ax >= 4503599627370496.0) {  // 2^52: an integer
        return copysign(0.0, x);
    }
    double j = rint(ax + ax);
    double r = ax - 0.5 * j;
    long long q = (long long)j;
    double v = (q & 1) ? __cwcc_cospi_kerneld(r) : __cwcc_sinpi_kerneld(r);
    v = (q & 2) ? -v : v;
    if (v == 0.0) {
        return copysign(0.0, x);
    }
    return copysign(1.0, x) * v;
}

__device__ double __cwcc_cospi(double x) {
    if (x != x || fabs(x) == CWD_INF) {
        return x - x;
    }
    double ax = fabs(x);
    if (ax >= 9007199254740992.0) {  // 2^53: even
        return 1.0;
    }
    double j = rint(ax + ax);
    double r = ax - 0.5 * j;
    long long q = (long long)j;
    double v = (q & 1) ? __cwcc_sinpi_kerneld(r) : __cwcc_cospi_kerneld(r);
    v = ((q + 1) & 2) ? -v : v;
    if (v == 0.0) {
        return 0.0;
    }
    return v;
}

// atan(t) for |t| <= 7/16.
__device__ double __cwcc_atan_kerneld(double t) {
    double z = t * t;
    return t + t * z * __cwcc_polyd(__cwcc_d_atan, D_ATAN_N, z);
}

// atan(ax) for ax >= 0 (not NaN).
__device__ double __cwcc_atan_posd(double ax) {
    if (ax < 0.4375) {
        return __cwcc_atan_kerneld(ax);
    }
    if (ax < 0.6875) {
        return CWD_ATAN05_HI + (__cwcc_atan_kerneld((2.0 * ax - 1.0) / (2.0 + ax)) + CWD_ATAN05_LO);
    }
    if (ax < 1.1875) {
        return CWD_ATAN1_HI + (__cwcc_atan_kerneld((ax - 1.0) / (ax + 1.0)) + CWD_ATAN1_LO);
    }
    if (ax < 2.4375) {
        return CWD_ATAN15_HI + (__cwcc_atan_kerneld((ax - 1.5) / (1.0 + 1.5 * ax)) + CWD_ATAN15_LO);
    }
    return CWD_PIO2_HI + (__cwcc_atan_kerneld(-1.0 / ax) + CWD_PIO2_LO);
}

__device__ double __cwcc_atan(double x) {
    if (x != x) {
        return x + x;
    }
    return copysign(__cwcc_atan_posd(fabs(x)), x);
}

__device__ double __cwcc_atan2(double y, double x) {
    if (x != x || y != y) {
        return x + y;
    }
    double ax = fabs(x);
    double ay = fabs(y);
    int xneg = __double_as_longlong(x) < 0;
    double r;
    if (ay == 0.0) {
        r = xneg ? CWD_PI_HI : 0.0;
    } else if (ax == 0.0) {
        r = CWD_PIO2_HI;
    } else if (ay == CWD_INF) {
        if (ax == CWD_INF) {
            r = xneg ? CWD_PI3O4_HI : CWD_PIO4_HI;
        } else {
            r = CWD_PIO2_HI;
        }
    } else if (ax == CWD_INF) {
        r = xneg ? CWD_PI_HI : 0.0;
    } else if (ay <= ax) {
        double a = __cwcc_atan_posd(ay / ax);
        r = xneg ? __cwcc_sub_fromd(CWD_PI_HI, CWD_PI_LO, a, 0.0) : a;
    } else {
        double a = __cwcc_atan_posd(ax / ay);
        r = xneg ? __cwcc_sub_fromd(CWD_PIO2_HI, CWD_PIO2_LO, -a, 0.0)
                 : __cwcc_sub_fromd(CWD_PIO2_HI, CWD_PIO2_LO, a, 0.0);
    }
    return copysign(r, y);
}

__device__ double __cwcc_asin_polyd(double z) {
    return __cwcc_polyd(__cwcc_d_asin, D_ASIN_N, z);
}

// For 1/2 < ax <= 1: s + *t = asin(sqrt((1 - ax) / 2)) with s = that square root.
__device__ double __cwcc_asin_halfd(double ax, double *t) {
    double z = (1.0 - ax) * 0.5;
    double s = sqrt(z);
    double c = 0.0;
    if (s > 0.0) {
        double pl;
        double ph = __cwcc_two_prodd(s, s, &pl);
        c = ((z - ph) - pl) / (s + s);
    }
    *t = c + s * z * __cwcc_asin_polyd(z);
    return s;
}

__device__ double __cwcc_asin(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0) {
        return CWD_NAN;
    }
    if (ax < 7.450580596923828e-09) {
        return x;
    }
    if (ax <= 0.5) {
        double z = x * x;
        return x + x * z * __cwcc_asin_polyd(z);
    }
    double t;
    double s = __cwcc_asin_halfd(ax, &t);
    double r = __cwcc_sub_fromd(CWD_PIO2_HI, CWD_PIO2_LO, 2.0 * s, 2.0 * t);
    return copysign(r, x);
}

__device__ double __cwcc_acos(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0) {
        return CWD_NAN;
    }
    if (ax <= 0.5) {
        double z = x * x;
        double w = x * z * __cwcc_asin_polyd(z);
        return CWD_PIO2_HI - (x + (w - CWD_PIO2_LO));
    }
    double t;
    double s = __cwcc_asin_halfd(ax, &t);
    if (x > 0.0) {
        return 2.0 * (s + t);
    }
    return __cwcc_sub_fromd(CWD_PI_HI, CWD_PI_LO, 2.0 * s, 2.0 * t);
}

// ---------------------------------------------------------------------------------------

__device__ double __cwcc_sinh(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 7.450580596923828e-09) {
        return x;
    }
    if (ax < 1.0) {
        double z = x * x;
        return x + x * z * __cwcc_polyd(__cwcc_d_sinh, D_SINH_N, z);
    }
    double r;
    if (ax > 710.4758600739439) {
        r = CWD_INF;
    } else if (ax > 20.0) {
        r = __cwcc_exp_partsd(ax, 0.0, -1);
    } else {
        double e = __cwcc_expm1(ax);
        r = 0.5 * (e + e / (e + 1.0));
    }
    return copysign(r, x);
}

__device__ double __cwcc_cosh(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 1.0) {
        double z = x * x;
        double c = __cwcc_polyd(__cwcc_d_cosh, D_COSH_N, z);
        return 1.0 + (0.5 * z + z * z * c);
    }
    if (ax > 710.4758600739439) {
        return CWD_INF;
    }
    if (ax > 20.0) {
        return __cwcc_exp_partsd(ax, 0.0, -1);
    }
    double e = __cwcc_exp_partsd(ax, 0.0, 0);
    return 0.5 * e + 0.5 / e;
}

__device__ double __cwcc_tanh(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 7.450580596923828e-09) {
        return x;
    }
    if (ax < 0.3) {
        double z = x * x;
        return x + x * z * __cwcc_polyd(__cwcc_d_tanh, D_TANH_N, z);
    }
    double r;
    if (ax > 22.0) {
        r = 1.0;
    } else {
        double t = __cwcc_expm1(ax + ax);
        r = t / (t + 2.0);
    }
    return copysign(r, x);
}

__device__ double __cwcc_asinh(double x) {
    double ax = fabs(x);
    if (x != x || ax == CWD_INF) {
        return x + x;
    }
    if (ax < 7.450580596923828e-09) {
        return x;
    }
    double r;
    if (ax > 268435456.0) {  // 2^28
        double lo;
        double hi = __cwcc_log_partsd(ax, &lo);
        r = hi + (lo + CWD_LN2_HI);
    } else if (ax >= 2.0) {
        r = __cwcc_log(2.0 * ax + 1.0 / (sqrt(ax * ax + 1.0) + ax));
    } else {
        double z = ax * ax;
        r = __cwcc_log1p(ax + z / (1.0 + sqrt(1.0 + z)));
    }
    return copysign(r, x);
}

__device__ double __cwcc_acosh(double x) {
    if (x != x) {
        return x + x;
    }
    if (x < 1.0) {
        return CWD_NAN;
    }
    if (x == CWD_INF) {
        return x;
    }
    if (x > 268435456.0) {
        double lo;
        double hi = __cwcc_log_partsd(x, &lo);
        return hi + (lo + CWD_LN2_HI);
    }
    if (x > 2.0) {
        return __cwcc_log(2.0 * x - 1.0 / (x + sqrt(x * x - 1.0)));
    }
    double t = x - 1.0;
    return __cwcc_log1p(t + sqrt(t * t + (t + t)));
}

__device__ double __cwcc_atanh(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax > 1.0) {
        return CWD_NAN;
    }
    if (ax == 1.0) {
        return copysign(CWD_INF, x);
    }
    if (ax < 7.450580596923828e-09) {
        return x;
    }
    double r;
    if (ax < 0.5) {
        double t = ax + ax;
        r = 0.5 * __cwcc_log1p(t + t * ax / (1.0 - ax));
    } else {
        r = 0.5 * __cwcc_log1p((ax + ax) / (1.0 - ax));
    }
    return copysign(r, x);
}

// ---------------------------------------------------------------------------------------

__device__ double __cwcc_cbrt(double x) {
    double ax = fabs(x);
    if (x != x || ax == CWD_INF || ax == 0.0) {
        return x + x;
    }
    int bias = 0;
    if (ax < 2.2250738585072014e-308) {
        ax = ax * 18014398509481984.0;  // 2^54
        bias = -18;
    }
    long long ix = __double_as_longlong(ax);
    int e = (int)(ix >> 52) - 1023;
    int q = (e + 3000) / 3 - 1000;
    int rem = e - 3 * q;
    double m = __longlong_as_double((ix & 0x000fffffffffffffll) | ((long long)(1023 + rem) << 52));
    double y = (-1.1158747e-02 * m + 2.3625189e-01) * m + 8.1379473e-01;
    for (int i = 0; i < 4; i++) {
        y = y - (y * y * y - m) / (3.0 * y * y);
    }
    double y2l;
    double y2h = __cwcc_two_prodd(y, y, &y2l);
    double y3l;
    double y3h = __cwcc_two_prodd(y2h, y, &y3l);
    y3l = y3l + y2l * y;
    double res = (m - y3h) - y3l;
    y = y + res / (3.0 * y2h);
    return copysign(__cwcc_scaled(y, q + bias), x);
}

__device__ double __cwcc_hypot(double x, double y) {
    double ax = fabs(x);
    double ay = fabs(y);
    if (ax == CWD_INF || ay == CWD_INF) {
        return CWD_INF;
    }
    if (ax != ax || ay != ay) {
        return ax + ay;
    }
    double a = fmax(ax, ay);
    double b = fmin(ax, ay);
    if (a == 0.0) {
        return 0.0;
    }
    double scale = 1.0;
    if (a > 6.703903964971299e+153) {  // 2^511
        a = a * 2.409919865102884e-181;  // 2^-600
        b = b * 2.409919865102884e-181;
        scale = 4.149515568880993e+180;  // 2^600
    } else if (a < 3.054936363499605e-151) {  // 2^-500
        a = a * 4.149515568880993e+180;
        b = b * 4.149515568880993e+180;
        scale = 2.409919865102884e-181;
    }
    double al;
    double ah = __cwcc_two_prodd(a, a, &al);
    double bl;
    double bh = __cwcc_two_prodd(b, b, &bl);
    double sl;
    double sh = __cwcc_two_sumd(ah, bh, &sl);
    sl = sl + al + bl;
    double r = sqrt(sh);
    double rl;
    double rh = __cwcc_two_prodd(r, r, &rl);
    r = r + (((sh - rh) - rl) + sl) / (r + r);
    return r * scale;
}

// ---------------------------------------------------------------------------------------

__device__ double __cwcc_erf_smalld(double x) {
    double z = x * x;
    return x + x * __cwcc_polyd(__cwcc_d_erf, D_ERF_N, z);
}

// erfc(x + xlo) for x >= 0.5.
__device__ double __cwcc_erfc_cored(double x, double xlo) {
    if (x > 27.3) {
        return 0.0;
    }
    double g;
    if (x < 1.5) {
        g = __cwcc_polyd(__cwcc_d_erfcx0, D_ERFCX0_N, x - 1.0);
    } else if (x < 2.5) {
        g = __cwcc_polyd(__cwcc_d_erfcx1, D_ERFCX1_N, x - 2.0);
    } else if (x < 4.0) {
        g = __cwcc_polyd(__cwcc_d_erfcx2, D_ERFCX2_N, x - 3.25);
    } else if (x < 6.0) {
        g = __cwcc_polyd(__cwcc_d_erfcx3, D_ERFCX3_N, x - 5.0);
    } else if (x < 9.0) {
        g = __cwcc_polyd(__cwcc_d_erfcx4, D_ERFCX4_N, x - 7.5);
    } else if (x < 14.0) {
        g = __cwcc_polyd(__cwcc_d_erfcx5, D_ERFCX5_N, x - 11.5);
    } else {
        double u = 1.0 / x;
        g = u * __cwcc_polyd(__cwcc_d_erfcx6, D_ERFCX6_N, u - 0.055);
    }
    double l;
    double h = __cwcc_two_prodd(x, x, &l);
    l = l + 2.0 * x * xlo;
    return __cwcc_exp_partsd(-h, -l, 0) * g;
}

__device__ double __cwcc_erf(double x) {
    double ax = fabs(x);
    if (x != x) {
        return x + x;
    }
    if (ax < 1.0) {
        return __cwcc_erf_smalld(x);
    }
    if (ax >= 6.0) {
        return copysign(1.0, x);
    }
    return copysign(1.0 - __cwcc_erfc_cored(ax, 0.0), x);
}

__device__ double __cwcc_erfc(double x) {
    if (x != x) {
        return x + x;
    }
    if (x >= 0.5) {
        return __cwcc_erfc_cored(x, 0.0);
    }
    if (x > -0.5) {
        return 1.0 - __cwcc_erf_smalld(x);
    }
    if (x < -6.0) {
        return 2.0;
    }
    return 2.0 - __cwcc_erfc_cored(-x, 0.0);
}

__device__ double __cwcc_normcdf(double x) {
    if (x != x) {
        return x + x;
    }
    if (fabs(x) > 1e300) {
        return (x < 0.0) ? 0.0 : 1.0;
    }
    double tl;
    double th = __cwcc_two_prodd(-x, CWD_SQRT1_2_HI, &tl);
    tl = tl - x * CWD_SQRT1_2_LO;
    if (th >= 0.5) {
        return 0.5 * __cwcc_erfc_cored(th, tl);
    }
    if (th <= -0.5) {
        return 1.0 - 0.5 * __cwcc_erfc_cored(-th, -tl);
    }
    double corr = tl * CWD_FRAC1_SQRTPI_HI * __cwcc_exp_partsd(-th * th, 0.0, 0);
    return (0.5 - 0.5 * __cwcc_erf_smalld(th)) - corr;
}

// ---------------------------------------------------------------------------------------

__device__ double __cwcc_round(double x) {
    double t = trunc(x);
    if (fabs(x - t) >= 0.5) {
        t = t + copysign(1.0, x);
    }
    return t;
}

__device__ double __cwcc_ldexp(double x, double n) {
    if (x != x || x == 0.0 || fabs(x) == CWD_INF) {
        return x + x;
    }
    double c = fmin(fmax(n, -2200.0), 2200.0);
    return __cwcc_scaled(x, (int)c);
}

__device__ double __cwcc_scalbn(double x, double n) { return __cwcc_ldexp(x, n); }

// fma(a, b, c) = a * b + c rounded once: exact product (Dekker), exact sums, and the last
// addition made with round-to-odd so that the final rounding is correct. Correctly rounded
// when |a|, |b| < 2^995 and the product and result are not subnormal; outside that range
// a * b + c is refined as far as the exact product allows.
__device__ double __cwcc_fma(double a, double b, double c) {
    double p = a * b;
    if (a != a || b != b || c != c || fabs(a) == CWD_INF || fabs(b) == CWD_INF ||
        fabs(c) == CWD_INF || a == 0.0 || b == 0.0) {
        return p + c;
    }
    if (fabs(p) == CWD_INF || fabs(a) > 1e290 || fabs(b) > 1e290 || fabs(p) < 1e-290) {
        // out of the range of the exact splitting
        if (c == 0.0) {
            return p;
        }
        return p + c;
    }
    if (c == 0.0) {
        return p;
    }
    double pl;
    double ph = __cwcc_two_prodd(a, b, &pl);
    double sl;
    double sh = __cwcc_two_sumd(ph, c, &sl);
    // the exact result is sh + sl + pl; round (sl + pl) to odd, then add sh
    double el;
    double eh = __cwcc_two_sumd(sl, pl, &el);
    if (el != 0.0) {
        long long bits = __double_as_longlong(eh);
        if ((bits & 1) == 0) {
            // move eh one unit towards el so that its last bit is odd
            if ((el > 0.0) == (eh > 0.0)) {
                bits = bits + 1;
            } else {
                bits = bits - 1;
            }
            eh = __longlong_as_double(bits);
        }
    }
    return sh + eh;
}

// ---- roots kernel (generated) ----
// Calls every function so that the front end lowers all of them (never linked).
__global__ void __cwcc_devlib_roots(float *f, double *d) {
    f[0] = __cwcc_scalef(f[1], f[2]);
    f[0] = __cwcc_exp_kernelf(f[1], f[2], f[3]);
    f[0] = __cwcc_exp_partsf(f[1], f[2], f[3]);
    f[0] = __cwcc_sub_fromf(f[1], f[2], f[3], f[4]);
    f[0] = __cwcc_expf(f[1]);
    f[0] = __cwcc_exp2f(f[1]);
    f[0] = __cwcc_exp10f(f[1]);
    f[0] = __cwcc_expm1f(f[1]);
    f[0] = __cwcc___expf(f[1]);
    f[0] = __cwcc___exp10f(f[1]);
    f[0] = __cwcc_logf(f[1]);
    f[0] = __cwcc_log2f(f[1]);
    f[0] = __cwcc_log10f(f[1]);
    f[0] = __cwcc_log1pf(f[1]);
    f[0] = __cwcc___logf(f[1]);
    f[0] = __cwcc___log2f(f[1]);
    f[0] = __cwcc___log10f(f[1]);
    f[0] = __cwcc_powf(f[1], f[2]);
    f[0] = __cwcc___powf(f[1], f[2]);
    f[0] = __cwcc_sin_kernelf(f[1], f[2]);
    f[0] = __cwcc_cos_kernelf(f[1], f[2]);
    f[0] = __cwcc_sinf(f[1]);
    f[0] = __cwcc_cosf(f[1]);
    f[0] = __cwcc_tanf(f[1]);
    f[0] = __cwcc___sinf(f[1]);
    f[0] = __cwcc___cosf(f[1]);
    f[0] = __cwcc___tanf(f[1]);
    f[0] = __cwcc_sinpi_kernelf(f[1]);
    f[0] = __cwcc_cospi_kernelf(f[1]);
    f[0] = __cwcc_sinpif(f[1]);
    f[0] = __cwcc_cospif(f[1]);
    f[0] = __cwcc_atan_kernelf(f[1]);
    f[0] = __cwcc_atanf(f[1]);
    f[0] = __cwcc_atan2f(f[1], f[2]);
    f[0] = __cwcc_asin_polyf(f[1]);
    f[0] = __cwcc_asinf(f[1]);
    f[0] = __cwcc_acosf(f[1]);
    f[0] = __cwcc_sinhf(f[1]);
    f[0] = __cwcc_coshf(f[1]);
    f[0] = __cwcc_tanhf(f[1]);
    f[0] = __cwcc_asinhf(f[1]);
    f[0] = __cwcc_acoshf(f[1]);
    f[0] = __cwcc_atanhf(f[1]);
    f[0] = __cwcc_cbrtf(f[1]);
    f[0] = __cwcc_hypotf(f[1], f[2]);
    f[0] = __cwcc_erf_smallf(f[1]);
    f[0] = __cwcc_erfc_coref(f[1], f[2]);
    f[0] = __cwcc_erff(f[1]);
    f[0] = __cwcc_erfcf(f[1]);
    f[0] = __cwcc_normcdff(f[1]);
    f[0] = __cwcc_roundf(f[1]);
    f[0] = __cwcc_ldexpf(f[1], f[2]);
    f[0] = __cwcc_scalbnf(f[1], f[2]);
    d[0] = __cwcc_split_hid(d[1]);
    d[0] = __cwcc_scaled(d[1], d[2]);
    d[0] = __cwcc_exp_kerneld(d[1], d[2], d[3]);
    d[0] = __cwcc_exp_partsd(d[1], d[2], d[3]);
    d[0] = __cwcc_sub_fromd(d[1], d[2], d[3], d[4]);
    d[0] = __cwcc_exp(d[1]);
    d[0] = __cwcc_exp2(d[1]);
    d[0] = __cwcc_exp10(d[1]);
    d[0] = __cwcc_expm1(d[1]);
    d[0] = __cwcc_log(d[1]);
    d[0] = __cwcc_log2(d[1]);
    d[0] = __cwcc_log10(d[1]);
    d[0] = __cwcc_log1p(d[1]);
    d[0] = __cwcc_pow(d[1], d[2]);
    d[0] = __cwcc_sin_kerneld(d[1], d[2]);
    d[0] = __cwcc_cos_kerneld(d[1], d[2]);
    d[0] = __cwcc_sin(d[1]);
    d[0] = __cwcc_cos(d[1]);
    d[0] = __cwcc_tan(d[1]);
    d[0] = __cwcc_sinpi_kerneld(d[1]);
    d[0] = __cwcc_cospi_kerneld(d[1]);
    d[0] = __cwcc_sinpi(d[1]);
    d[0] = __cwcc_cospi(d[1]);
    d[0] = __cwcc_atan_kerneld(d[1]);
    d[0] = __cwcc_atan_posd(d[1]);
    d[0] = __cwcc_atan(d[1]);
    d[0] = __cwcc_atan2(d[1], d[2]);
    d[0] = __cwcc_asin_polyd(d[1]);
    d[0] = __cwcc_asin(d[1]);
    d[0] = __cwcc_acos(d[1]);
    d[0] = __cwcc_sinh(d[1]);
    d[0] = __cwcc_cosh(d[1]);
    d[0] = __cwcc_tanh(d[1]);
    d[0] = __cwcc_asinh(d[1]);
    d[0] = __cwcc_acosh(d[1]);
    d[0] = __cwcc_atanh(d[1]);
    d[0] = __cwcc_cbrt(d[1]);
    d[0] = __cwcc_hypot(d[1], d[2]);
    d[0] = __cwcc_erf_smalld(d[1]);
    d[0] = __cwcc_erfc_cored(d[1], d[2]);
    d[0] = __cwcc_erf(d[1]);
    d[0] = __cwcc_erfc(d[1]);
    d[0] = __cwcc_normcdf(d[1]);
    d[0] = __cwcc_round(d[1]);
    d[0] = __cwcc_ldexp(d[1], d[2]);
    d[0] = __cwcc_scalbn(d[1], d[2]);
    d[0] = __cwcc_fma(d[1], d[2], d[3]);
}
