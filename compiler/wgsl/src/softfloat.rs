//! Exact `f32` operations written with integer arithmetic, for the prelude.
//!
//! WGSL promises little about floats: `fma` may be computed unfused (lavapipe does), `/` is
//! only 2.5 ulp accurate and `sqrt` need not be correctly rounded (NVIDIA's driver rounds
//! neither correctly), `%` is `x - y * trunc(x / y)` (not C's exact `fmodf`), and an
//! implementation may assume that no value is infinite or NaN (Mesa then folds `x - x` to 0,
//! `x * 0.0` to 0, ...). CUDA's `fmaf` is a correctly rounded fused multiply-add, its `/` and
//! `sqrtf` are correctly rounded (nvcc's default `-prec-div=true -prec-sqrt=true`) and `fmodf`
//! is exact, so these helpers compute them from the bit patterns with `u32` arithmetic only:
//! the result does not depend on how the implementation treats floats. All round to
//! nearest-even, keep subnormals (no flush), follow IEEE 754 for infinities, NaNs and signed
//! zeros (a NaN result is `0x7fffffff`, CUDA's canonical NaN), and give the bits the
//! reference executor gives.
//!
//! `c_fma` works on 64-bit integers held as `vec2<u32>` (low, high word) with the prelude's
//! `umul_wide`, `i64_shl`, `i64_lshr`, `i64_add`, `i64_sub` and `i64_ult`: the 48-bit product of
//! the significands and the third operand are both placed with their leading bit at bit 61,
//! the smaller is shifted right with a sticky bit, they are added or subtracted, and the sum
//! is rounded once to the precision of its binade (or of the subnormal range).
//!
//! `c_fmod` reduces the significand of `x` modulo that of `y` eight exponent steps at a time
//! (`(r << 8) % m` fits in 32 bits since `m < 2^24`), so it takes at most 32 steps.
//!
//! `c_div` normalises both significands to `[2^23, 2^24)` (subnormals included), doubles the
//! dividend when it is the smaller, and divides by restoring long division, one compare and
//! subtract per quotient bit (24 steps after the leading 1; on lavapipe this is about 1.5x
//! faster than three 8-bit steps with `u32` `/` and `%`), which gives 25 bits (one guard bit)
//! and a remainder for the sticky bit. `c_sqrt` makes the exponent even and takes the integer
//! square root of the significand times `2^26` two input bits per step (26 steps, remainder
//! below `2^29`): 25 or 26 bits and a sticky bit. Both round once through `f32_round32`, the
//! `u32` form of `f32_compose`.
//!
//! The `_sd` helpers (`f32_lt_sd`, `c_fmin_sd`, `f32_floor_sd`, ...) are the subnormal-keeping
//! forms the emitter uses on implementations that flush (see `emit/denormals.rs`): a subnormal
//! operand is compared through its sign-magnitude bits (`f32_order_key`), and a subnormal's
//! floor, ceiling, truncation or rounding is built from bits. Not with a `select` between
//! float constants: Mesa folds `select(0.0, -1.0, c)` into `-f32(c)`, which is `-0.0` for
//! false (found by runtime/tests/webgpu_soft_denormals.rs).

/// The WGSL text of the exact float helpers (`c_fma`, `c_fmod`, `c_div`, `c_sqrt`,
/// `f32_sub_self`, `f32_mul_zero`, `f32_nan`, `f32_compose`, `f32_round32`, `f32_unpack`) and
/// of the subnormal-keeping `_sd` forms of comparisons, `fminf`/`fmaxf`, `fdimf`,
/// `__saturatef`, roundings and `rsqrtf`.
pub const EXACT_FLOAT: &str = "
fn f32_nan() -> f32 {
    return f32_from_bits(0x7fffffffu);
}
fn f32_is_special(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}
fn f32_sub_self(x: f32) -> f32 {
    if f32_is_special(x) { return f32_nan(); }
    return bitcast<f32>(0u);
}
fn f32_mul_zero(x: f32, zero: f32) -> f32 {
    if f32_is_special(x) { return f32_nan(); }
    return bitcast<f32>((bitcast<u32>(x) ^ bitcast<u32>(zero)) & 0x80000000u);
}
fn u64_clz(a: vec2<u32>) -> u32 {
    return select(countLeadingZeros(a.x) + 32u, countLeadingZeros(a.y), a.y != 0u);
}
fn u64_shr_sticky(a: vec2<u32>, n: u32) -> vec2<u32> {
    if n == 0u { return a; }
    if n >= 64u { return vec2<u32>(select(0u, 1u, a.x != 0u || a.y != 0u), 0u); }
    let s = i64_lshr(a, vec2<u32>(n, 0u));
    let back = i64_shl(s, vec2<u32>(n, 0u));
    let lost = select(0u, 1u, back.x != a.x || back.y != a.y);
    return vec2<u32>(s.x | lost, s.y);
}
fn f32_compose(sign: u32, s: vec2<u32>, e: i32) -> f32 {
    if s.x == 0u && s.y == 0u { return bitcast<f32>(sign); }
    let m = 63i - i32(u64_clz(s));
    let shift = max(m - 23i, -149i - e);
    var q = 0u;
    if shift <= 0i {
        q = s.x << u32(-shift);
    } else if shift < 64i {
        let n = u32(shift);
        let t = i64_lshr(s, vec2<u32>(n, 0u));
        q = t.x;
        let rem = i64_sub(s, i64_shl(t, vec2<u32>(n, 0u)));
        let half = i64_shl(vec2<u32>(1u, 0u), vec2<u32>(n - 1u, 0u));
        let above = i64_ult(half, rem);
        let tie = rem.x == half.x && rem.y == half.y;
        if above || (tie && (q & 1u) == 1u) { q = q + 1u; }
    }
    let biased = e + shift + 149i;
    if biased >= 255i { return bitcast<f32>(sign | 0x7f800000u); }
    let bits = (u32(biased) << 23u) + q;
    if bits >= 0x7f800000u { return bitcast<f32>(sign | 0x7f800000u); }
    return bitcast<f32>(sign | bits);
}
fn c_fma(a: f32, b: f32, c: f32) -> f32 {
    let ua = bitcast<u32>(a);
    let ub = bitcast<u32>(b);
    let uc = bitcast<u32>(c);
    let ea = (ua >> 23u) & 0xffu;
    let eb = (ub >> 23u) & 0xffu;
    let ec = (uc >> 23u) & 0xffu;
    let sp = (ua ^ ub) & 0x80000000u;
    let sc = uc & 0x80000000u;
    let a_zero = (ua & 0x7fffffffu) == 0u;
    let b_zero = (ub & 0x7fffffffu) == 0u;
    if ea == 255u || eb == 255u || ec == 255u {
        if is_nan(a) || is_nan(b) || is_nan(c) { return f32_nan(); }
        let a_inf = ea == 255u;
        let b_inf = eb == 255u;
        if (a_inf && b_zero) || (b_inf && a_zero) { return f32_nan(); }
        if a_inf || b_inf {
            if ec == 255u && sc != sp { return f32_nan(); }
            return bitcast<f32>(sp | 0x7f800000u);
        }
        return c;
    }
    let c_zero = (uc & 0x7fffffffu) == 0u;
    if a_zero || b_zero {
        if c_zero { return bitcast<f32>(sp & sc); }
        return c;
    }
    let ma = select((ua & 0x7fffffu) | 0x800000u, ua & 0x7fffffu, ea == 0u);
    let mb = select((ub & 0x7fffffu) | 0x800000u, ub & 0x7fffffu, eb == 0u);
    let p = umul_wide(ma, mb);
    let lp = u64_clz(p) - 2u;
    let pn = i64_shl(p, vec2<u32>(lp, 0u));
    let ep = i32(max(ea, 1u)) + i32(max(eb, 1u)) - 300i - i32(lp);
    if c_zero { return f32_compose(sp, pn, ep); }
    let mc = select((uc & 0x7fffffu) | 0x800000u, uc & 0x7fffffu, ec == 0u);
    let lc = countLeadingZeros(mc) + 32u - 2u;
    let cn = i64_shl(vec2<u32>(mc, 0u), vec2<u32>(lc, 0u));
    let ecn = i32(max(ec, 1u)) - 150i - i32(lc);
    let p_big = ep > ecn || (ep == ecn && !i64_ult(pn, cn));
    let x = select(cn, pn, p_big);
    let y = select(pn, cn, p_big);
    let ex = select(ecn, ep, p_big);
    let ey = select(ep, ecn, p_big);
    let sx = select(sc, sp, p_big);
    let ys = u64_shr_sticky(y, u32(ex - ey));
    if sp == sc { return f32_compose(sx, i64_add(x, ys), ex); }
    let diff = i64_sub(x, ys);
    if diff.x == 0u && diff.y == 0u { return bitcast<f32>(0u); }
    return f32_compose(sx, diff, ex);
}
fn c_fmod(x: f32, y: f32) -> f32 {
    let ux = bitcast<u32>(x);
    let uy = bitcast<u32>(y);
    let ax = ux & 0x7fffffffu;
    let ay = uy & 0x7fffffffu;
    let sx = ux & 0x80000000u;
    if ax >= 0x7f800000u || ay > 0x7f800000u || ay == 0u { return f32_nan(); }
    if ax < ay { return x; }
    if ax == ay { return bitcast<f32>(sx); }
    let ex = ax >> 23u;
    let ey = ay >> 23u;
    let mx = select((ax & 0x7fffffu) | 0x800000u, ax, ex == 0u);
    let my = select((ay & 0x7fffffu) | 0x800000u, ay, ey == 0u);
    var d = max(ex, 1u) - max(ey, 1u);
    var r = mx % my;
    loop {
        if d == 0u || r == 0u { break; }
        let s = min(d, 8u);
        r = (r << s) % my;
        d = d - s;
    }
    return f32_compose(sx, vec2<u32>(r, 0u), i32(max(ey, 1u)) - 150i);
}
fn f32_round32(sign: u32, s: u32, e: i32) -> f32 {
    let m = 31i - i32(countLeadingZeros(s));
    let shift = max(m - 23i, -149i - e);
    if shift >= 32i { return bitcast<f32>(sign); }
    var q = s << u32(max(-shift, 0i));
    if shift > 0i {
        let n = u32(shift);
        q = s >> n;
        let rem = s - (q << n);
        let half = 1u << (n - 1u);
        if rem > half || (rem == half && (q & 1u) == 1u) { q = q + 1u; }
    }
    let biased = e + shift + 149i;
    if biased >= 255i { return bitcast<f32>(sign | 0x7f800000u); }
    let bits = (u32(biased) << 23u) + q;
    if bits >= 0x7f800000u { return bitcast<f32>(sign | 0x7f800000u); }
    return bitcast<f32>(sign | bits);
}
fn f32_unpack(a: u32) -> vec2<i32> {
    let e = a >> 23u;
    let m = select((a & 0x7fffffu) | 0x800000u, a, e == 0u);
    let l = countLeadingZeros(m) - 8u;
    return vec2<i32>(i32(m << l), i32(max(e, 1u)) - i32(l) - 150i);
}
fn c_div(x: f32, y: f32) -> f32 {
    let ux = bitcast<u32>(x);
    let uy = bitcast<u32>(y);
    let ax = ux & 0x7fffffffu;
    let ay = uy & 0x7fffffffu;
    let sign = (ux ^ uy) & 0x80000000u;
    if ax > 0x7f800000u || ay > 0x7f800000u || (ax == ay && (ax == 0u || ax == 0x7f800000u)) {
        return f32_nan();
    }
    if ax == 0x7f800000u || ay == 0u { return bitcast<f32>(sign | 0x7f800000u); }
    if ax == 0u || ay == 0x7f800000u { return bitcast<f32>(sign); }
    let nx = f32_unpack(ax);
    let ny = f32_unpack(ay);
    let my = u32(ny.x);
    let low = u32(nx.x) < my;
    let mx = u32(nx.x) << select(0u, 1u, low);
    var q = 1u;
    var r = mx - my;
    for (var i = 0u; i < 24u; i = i + 1u) {
        r = r << 1u;
        let bit = r >= my;
        q = (q << 1u) | select(0u, 1u, bit);
        r = r - select(0u, my, bit);
    }
    let s = (q << 1u) | select(0u, 1u, r != 0u);
    return f32_round32(sign, s, nx.y - ny.y - 25i - select(0i, 1i, low));
}
fn c_sqrt(x: f32) -> f32 {
    let ux = bitcast<u32>(x);
    if (ux & 0x7fffffffu) == 0u || ux == 0x7f800000u { return x; }
    if ux > 0x7f800000u { return f32_nan(); }
    let n = f32_unpack(ux);
    let odd = (n.y & 1i) != 0i;
    let m = u32(n.x) << select(0u, 1u, odd);
    let e = n.y - select(0i, 1i, odd);
    var q = 0u;
    var r = 0u;
    for (var i = 0u; i < 26u; i = i + 1u) {
        var pair = 0u;
        if i < 13u { pair = (m >> (24u - 2u * i)) & 3u; }
        r = (r << 2u) | pair;
        let t = (q << 2u) | 1u;
        q = q << 1u;
        if r >= t {
            r = r - t;
            q = q | 1u;
        }
    }
    let s = (q << 1u) | select(0u, 1u, r != 0u);
    return f32_round32(0u, s, e / 2i - 14i);
}
fn c_add_bits(ua: u32, ub: u32) -> f32 {
    let aa = ua & 0x7fffffffu;
    let ab = ub & 0x7fffffffu;
    if aa >= 0x7f800000u || ab >= 0x7f800000u {
        if aa > 0x7f800000u || ab > 0x7f800000u || (aa == ab && ua != ub) { return f32_nan(); }
        return bitcast<f32>(select(ub, ua, aa == 0x7f800000u));
    }
    if aa == 0u || ab == 0u {
        if aa == ab { return bitcast<f32>(ua & ub); }
        return bitcast<f32>(select(ua, ub, aa == 0u));
    }
    let a_big = aa >= ab;
    let big = select(ub, ua, a_big);
    let nx = f32_unpack(select(ab, aa, a_big));
    let ny = f32_unpack(select(aa, ab, a_big));
    let mx = u32(nx.x) << 3u;
    let my = u32(ny.x) << 3u;
    let d = u32(nx.y - ny.y);
    var ys = 1u;
    if d < 27u {
        let lost = my & ((1u << d) - 1u);
        ys = (my >> d) | select(0u, 1u, lost != 0u);
    }
    if ((ua ^ ub) & 0x80000000u) == 0u {
        return f32_round32(big & 0x80000000u, mx + ys, nx.y - 3i);
    }
    let diff = mx - ys;
    if diff == 0u { return bitcast<f32>(0u); }
    return f32_round32(big & 0x80000000u, diff, nx.y - 3i);
}
fn c_add(a: f32, b: f32) -> f32 {
    return c_add_bits(bitcast<u32>(a), bitcast<u32>(b));
}
fn c_sub(a: f32, b: f32) -> f32 {
    return c_add_bits(bitcast<u32>(a), bitcast<u32>(b) ^ 0x80000000u);
}
fn c_mul(a: f32, b: f32) -> f32 {
    let ua = bitcast<u32>(a);
    let ub = bitcast<u32>(b);
    let sign = (ua ^ ub) & 0x80000000u;
    let aa = ua & 0x7fffffffu;
    let ab = ub & 0x7fffffffu;
    if aa > 0x7f800000u || ab > 0x7f800000u { return f32_nan(); }
    if aa == 0x7f800000u || ab == 0x7f800000u {
        if aa == 0u || ab == 0u { return f32_nan(); }
        return bitcast<f32>(sign | 0x7f800000u);
    }
    if aa == 0u || ab == 0u { return bitcast<f32>(sign); }
    let na = f32_unpack(aa);
    let nb = f32_unpack(ab);
    let p = umul_wide(u32(na.x), u32(nb.x));
    let s = (p.y << 11u) | (p.x >> 21u) | select(0u, 1u, (p.x & 0x1fffffu) != 0u);
    return f32_round32(sign, s, na.y + nb.y + 21i);
}
fn f32_is_subnormal(x: f32) -> bool {
    return ((bitcast<u32>(x) & 0x7fffffffu) - 1u) < 0x7fffffu;
}
fn f32_order_key(x: f32) -> i32 {
    let u = bitcast<u32>(x);
    let m = i32(u & 0x7fffffffu);
    return select(m, -m, (u & 0x80000000u) != 0u);
}
fn f32_eq_sd(a: f32, b: f32) -> bool {
    if f32_is_subnormal(a) || f32_is_subnormal(b) {
        return f32_order_key(a) == f32_order_key(b);
    }
    return a == b;
}
fn f32_ne_sd(a: f32, b: f32) -> bool {
    return !f32_eq_sd(a, b) || is_nan(a) || is_nan(b);
}
fn f32_lt_sd(a: f32, b: f32) -> bool {
    if f32_is_subnormal(a) || f32_is_subnormal(b) {
        return !is_nan(a) && !is_nan(b) && f32_order_key(a) < f32_order_key(b);
    }
    return a < b;
}
fn f32_le_sd(a: f32, b: f32) -> bool {
    if f32_is_subnormal(a) || f32_is_subnormal(b) {
        return !is_nan(a) && !is_nan(b) && f32_order_key(a) <= f32_order_key(b);
    }
    return a <= b;
}
fn f32_sub_sd(a: f32, b: f32) -> f32 {
    let d = a - b;
    if abs(d) >= 0x1p-100f { return d; }
    return c_sub(a, b);
}
fn c_fmin_sd(a: f32, b: f32) -> f32 {
    if is_nan(a) { return b; }
    if is_nan(b) { return a; }
    if f32_is_subnormal(a) || f32_is_subnormal(b) {
        return select(a, b, f32_order_key(b) < f32_order_key(a));
    }
    return min(a, b);
}
fn c_fmax_sd(a: f32, b: f32) -> f32 {
    if is_nan(a) { return b; }
    if is_nan(b) { return a; }
    if f32_is_subnormal(a) || f32_is_subnormal(b) {
        return select(a, b, f32_order_key(a) < f32_order_key(b));
    }
    return max(a, b);
}
fn c_fdim_sd(a: f32, b: f32) -> f32 {
    if is_nan(a) || is_nan(b) { return f32_nan(); }
    if f32_lt_sd(b, a) { return f32_sub_sd(a, b); }
    return 0.0f;
}
fn c_saturate_sd(x: f32) -> f32 {
    if is_nan(x) { return 0.0f; }
    let u = bitcast<u32>(x);
    if f32_is_subnormal(x) { return bitcast<f32>(select(u, 0u, (u & 0x80000000u) != 0u)); }
    return clamp(x, 0.0f, 1.0f);
}
fn f32_floor_sd(x: f32) -> f32 {
    let negative = u32(bitcast<i32>(x) >> 31u);
    if f32_is_subnormal(x) { return bitcast<f32>(negative & 0xbf800000u); }
    return floor(x);
}
fn f32_ceil_sd(x: f32) -> f32 {
    let negative = u32(bitcast<i32>(x) >> 31u);
    if f32_is_subnormal(x) { return bitcast<f32>(0x3f800000u ^ (negative & 0xbf800000u)); }
    return ceil(x);
}
fn f32_trunc_sd(x: f32) -> f32 {
    if f32_is_subnormal(x) { return bitcast<f32>(bitcast<u32>(x) & 0x80000000u); }
    return trunc(x);
}
fn f32_round_even_sd(x: f32) -> f32 {
    if f32_is_subnormal(x) { return bitcast<f32>(bitcast<u32>(x) & 0x80000000u); }
    return round(x);
}
fn f32_rsqrt_sd(x: f32) -> f32 {
    if f32_is_subnormal(x) {
        let u = bitcast<u32>(x);
        let scaled = f32(u & 0x7fffffu) * 0x1p-85f;
        return inverseSqrt(select(scaled, -scaled, (u & 0x80000000u) != 0u)) * 0x1p32f;
    }
    return inverseSqrt(x);
}
";
