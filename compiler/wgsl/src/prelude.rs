//! The WGSL text every kernel starts from: bindings, override constants, the shared and local
//! arrays, the entry point's signature (with an empty body that the emitter fills), and the
//! helper functions the emitter calls (memory accesses per address space, atomics, 64-bit
//! integer arithmetic, conversions with CUDA's saturation, C's `fmin`/`fmax`). Unused helpers
//! are removed after the kernel is built.
//!
//! NaN tests look at the bits (`is_nan`): WGSL leaves comparisons with NaN to the
//! implementation, and naga writes `!=` on floats as SPIR-V's *ordered* not-equal, so
//! `x != x` is false for a NaN there.

/// What varies between kernels in the prelude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreludeConfig {
    /// The heap is `array<atomic<u32>>` (atomics or sub-word stores into global memory).
    pub heap_atomic: bool,
    /// The shared array is `array<atomic<u32>, …>`.
    pub shared_atomic: bool,
    /// The heap is also bound as `array<atomic<u64>>` and `array<atomic<i64>>` (bindings
    /// [`crate::BINDING_HEAP_U64`] and [`crate::BINDING_HEAP_I64`]) for native 64-bit
    /// atomics, with their helpers ([`HEAP_ATOMIC64`]); the module then needs naga's 64-bit
    /// capabilities.
    pub heap_atomic64: bool,
    /// With `heap_atomic64`, also the 64-bit compare-exchange helper (its result type
    /// `__atomic_compare_exchange_result<u64>` survives compaction, so it is added only when
    /// used).
    pub heap_cas64: bool,
    /// Default length of the shared array in words (at least 1).
    pub shared_words: u32,
    /// Length of the per-thread local array in words (at least 1).
    pub local_words: u32,
    /// Size of the parameter buffer in bytes (header included, a multiple of 16).
    pub param_bytes: u32,
}

/// The address spaces the helpers are written for: name, tag (bits 30..31), array, whether
/// the array holds atomics, whether it may be written.
struct Space {
    name: &'static str,
    array: &'static str,
    atomic: bool,
    writable: bool,
}

fn word_load(space: &Space, index: &str) -> String {
    if space.atomic {
        format!("atomicLoad(&{}[{index}])", space.array)
    } else if space.name == "param" {
        // A uniform buffer of `vec4<u32>` (uniform arrays have a 16-byte stride).
        format!("{}[({index}) >> 2u][({index}) & 3u]", space.array)
    } else {
        format!("{}[{index}]", space.array)
    }
}

fn word_store(space: &Space, index: &str, value: &str) -> String {
    if space.atomic {
        format!("atomicStore(&{}[{index}], {value});", space.array)
    } else {
        format!("{}[{index}] = {value};", space.array)
    }
}

/// Helpers of one space: word, sub-word and unaligned loads and stores, atomics.
fn space_helpers(s: &Space, out: &mut String) {
    let n = s.name;
    let idx = "(a & 0x3fffffffu) >> 2u";
    out.push_str(&format!(
        "fn ld_word_{n}(a: u32) -> u32 {{ return {}; }}\n",
        word_load(s, idx)
    ));
    out.push_str(&format!(
        "fn ld_sub_{n}(a: u32, bytes: u32) -> u32 {{
    let mask = select(0xffffu, 0xffu, bytes == 1u);
    return (ld_word_{n}(a) >> ((a & 3u) * 8u)) & mask;
}}
fn ld_unaligned_{n}(a: u32) -> u32 {{
    let s = (a & 3u) * 8u;
    let lo = ld_word_{n}(a);
    if s == 0u {{ return lo; }}
    let hi = ld_word_{n}(a + 4u);
    return (lo >> s) | (hi << (32u - s));
}}
"
    ));
    if !s.writable {
        return;
    }
    out.push_str(&format!(
        "fn st_word_{n}(a: u32, v: u32) {{ {} }}\n",
        word_store(s, idx, "v")
    ));
    let sub_body = if s.atomic {
        format!(
            "atomicAnd(&{a}[i], ~m);\n    atomicOr(&{a}[i], (v << sh) & m);",
            a = s.array
        )
    } else {
        format!("{a}[i] = ({a}[i] & ~m) | ((v << sh) & m);", a = s.array)
    };
    out.push_str(&format!(
        "fn st_sub_{n}(a: u32, v: u32, bytes: u32) {{
    let sh = (a & 3u) * 8u;
    let m = select(0xffffu, 0xffu, bytes == 1u) << sh;
    let i = {idx};
    {sub_body}
}}
fn st_unaligned_{n}(a: u32, v: u32) {{
    st_sub_{n}(a, v, 1u);
    st_sub_{n}(a + 1u, v >> 8u, 1u);
    st_sub_{n}(a + 2u, v >> 16u, 1u);
    st_sub_{n}(a + 3u, v >> 24u, 1u);
}}
"
    ));
    if !s.atomic {
        return;
    }
    let a = s.array;
    out.push_str(&format!(
        "fn atom_{n}(op: u32, a: u32, v: u32) -> u32 {{
    let i = {idx};
    switch op {{
        case 0u: {{ return atomicAdd(&{a}[i], v); }}
        case 1u: {{ return atomicSub(&{a}[i], v); }}
        case 2u: {{ return atomicExchange(&{a}[i], v); }}
        case 3u: {{ return atomicMin(&{a}[i], v); }}
        case 4u: {{ return atomicMax(&{a}[i], v); }}
        case 5u: {{ return atomicAnd(&{a}[i], v); }}
        case 6u: {{ return atomicOr(&{a}[i], v); }}
        case 7u: {{ return atomicXor(&{a}[i], v); }}
        default: {{}}
    }}
    var old = atomicLoad(&{a}[i]);
    loop {{
        var new_value: u32;
        if op == 8u {{
            new_value = bitcast<u32>(min(bitcast<i32>(old), bitcast<i32>(v)));
        }} else if op == 9u {{
            new_value = bitcast<u32>(max(bitcast<i32>(old), bitcast<i32>(v)));
        }} else if op == 10u {{
            new_value = select(old + 1u, 0u, old >= v);
        }} else if op == 11u {{
            new_value = select(old - 1u, v, old == 0u || old > v);
        }} else {{
            new_value = bitcast<u32>(bitcast<f32>(old) + bitcast<f32>(v));
        }}
        let r = atomicCompareExchangeWeak(&{a}[i], old, new_value);
        if r.exchanged {{ return old; }}
        old = r.old_value;
    }}
    return old;
}}
fn atom64_add_{n}(a: u32, v: vec2<u32>) -> vec2<u32> {{
    let i = {idx};
    let lo = atomicAdd(&{a}[i], v.x);
    let carry = select(0u, 1u, lo + v.x < lo);
    let hi = atomicAdd(&{a}[i + 1u], v.y + carry);
    return vec2<u32>(lo, hi);
}}
fn cas_{n}(a: u32, expected: u32, desired: u32) -> u32 {{
    let i = {idx};
    loop {{
        let r = atomicCompareExchangeWeak(&{a}[i], expected, desired);
        if r.exchanged || r.old_value != expected {{ return r.old_value; }}
    }}
    return expected;
}}
"
    ));
}

/// The prelude of a kernel.
pub fn prelude(config: &PreludeConfig) -> String {
    let heap_elem = if config.heap_atomic {
        "atomic<u32>"
    } else {
        "u32"
    };
    let shared_elem = if config.shared_atomic {
        "atomic<u32>"
    } else {
        "u32"
    };
    let mut out = format!(
        "override block_x: u32 = 1u;
override block_y: u32 = 1u;
override block_z: u32 = 1u;
override shared_words: u32 = {shared_words}u;

@group(0) @binding(0) var<storage, read_write> heap: array<{heap_elem}>;
@group(0) @binding(1) var<uniform> params: array<vec4<u32>, {param_vec4s}>;
var<workgroup> shared_mem: array<{shared_elem}, shared_words>;
var<workgroup> sync_counter: atomic<u32>;
var<private> local_mem: array<u32, {local_words}>;

@compute @workgroup_size(block_x, block_y, block_z)
fn main(@builtin(local_invocation_id) tid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lidx: u32) {{
}}

",
        shared_words = config.shared_words.max(1),
        local_words = config.local_words.max(1),
        param_vec4s = config.param_bytes.div_ceil(16).max(1),
    );
    let spaces = [
        Space {
            name: "heap",
            array: "heap",
            atomic: config.heap_atomic,
            writable: true,
        },
        Space {
            name: "shared",
            array: "shared_mem",
            atomic: config.shared_atomic,
            writable: true,
        },
        Space {
            name: "local",
            array: "local_mem",
            atomic: false,
            writable: true,
        },
        Space {
            name: "param",
            array: "params",
            atomic: false,
            writable: false,
        },
    ];
    for space in &spaces {
        space_helpers(space, &mut out);
    }
    // Generic pointers: switch on the tag.
    for (kind, args, ret) in [
        ("ld_word", "a: u32", "u32"),
        ("ld_sub", "a: u32, bytes: u32", "u32"),
        ("ld_unaligned", "a: u32", "u32"),
    ] {
        let call_args = if args.contains("bytes") {
            "a, bytes"
        } else {
            "a"
        };
        out.push_str(&format!(
            "fn {kind}_generic({args}) -> {ret} {{
    let s = a >> 30u;
    if s == 0u {{ return {kind}_heap({call_args}); }}
    if s == 1u {{ return {kind}_shared({call_args}); }}
    if s == 2u {{ return {kind}_local({call_args}); }}
    return {kind}_param({call_args});
}}
"
        ));
    }
    for (kind, args, call_args) in [
        ("st_word", "a: u32, v: u32", "a, v"),
        ("st_sub", "a: u32, v: u32, bytes: u32", "a, v, bytes"),
        ("st_unaligned", "a: u32, v: u32", "a, v"),
    ] {
        out.push_str(&format!(
            "fn {kind}_generic({args}) {{
    let s = a >> 30u;
    if s == 0u {{ {kind}_heap({call_args}); }} else if s == 1u {{ {kind}_shared({call_args}); }} else {{ {kind}_local({call_args}); }}
}}
"
        ));
    }
    if config.heap_atomic && config.shared_atomic {
        out.push_str(
            "fn atom_generic(op: u32, a: u32, v: u32) -> u32 {
    if (a >> 30u) == 1u { return atom_shared(op, a, v); }
    return atom_heap(op, a, v);
}
fn atom64_add_generic(a: u32, v: vec2<u32>) -> vec2<u32> {
    if (a >> 30u) == 1u { return atom64_add_shared(a, v); }
    return atom64_add_heap(a, v);
}
fn cas_generic(a: u32, expected: u32, desired: u32) -> u32 {
    if (a >> 30u) == 1u { return cas_shared(a, expected, desired); }
    return cas_heap(a, expected, desired);
}
",
        );
    }
    if config.heap_atomic64 {
        out.push_str(&format!(
            "@group(0) @binding({}) var<storage, read_write> heap_u64: array<atomic<u64>>;
@group(0) @binding({}) var<storage, read_write> heap_i64: array<atomic<i64>>;
",
            crate::BINDING_HEAP_U64,
            crate::BINDING_HEAP_I64
        ));
        out.push_str(HEAP_ATOMIC64);
        if config.heap_cas64 {
            out.push_str(HEAP_CAS64);
        }
    }
    out.push_str(ARITHMETIC);
    out.push_str(crate::softfloat::EXACT_FLOAT);
    out
}

/// Native 64-bit atomics on the heap, through its 64-bit views `heap_u64` / `heap_i64` (the
/// same buffer as `heap`, bound again: a 64-bit word at byte address `a` is element `a / 8`,
/// CUDA aligns 64-bit atomics to 8 bytes). Values stay `vec2<u32>` (low, high) in the kernel
/// and become `u64` / `i64` at the atomic only.
///
/// - `atom64_{u,s}{min,max}_heap` return nothing, so that naga emits the result-free atomic
///   that `SHADER_INT64_ATOMIC_MIN_MAX` allows.
/// - `atom64_heap(op, a, v)` returns the old value (op: 0 add, 1 sub, 2 exchange, 3 unsigned
///   min, 4 unsigned max, 5 and, 6 or, 7 xor) and `atom64_signed_heap(op, a, v)` the signed
///   min (8) / max (9): both need `SHADER_INT64_ATOMIC_ALL_OPS`, as does `cas64_heap`
///   ([`HEAP_CAS64`]).
pub const HEAP_ATOMIC64: &str = "
fn u64_of(v: vec2<u32>) -> u64 {
    return (u64(v.y) << 32u) | u64(v.x);
}
fn vec_of_u64(x: u64) -> vec2<u32> {
    return vec2<u32>(u32(x & 0xfffffffflu), u32(x >> 32u));
}
fn atom64_umin_heap(a: u32, v: vec2<u32>) {
    atomicMin(&heap_u64[(a & 0x3fffffffu) >> 3u], u64_of(v));
}
fn atom64_umax_heap(a: u32, v: vec2<u32>) {
    atomicMax(&heap_u64[(a & 0x3fffffffu) >> 3u], u64_of(v));
}
fn atom64_smin_heap(a: u32, v: vec2<u32>) {
    atomicMin(&heap_i64[(a & 0x3fffffffu) >> 3u], bitcast<i64>(u64_of(v)));
}
fn atom64_smax_heap(a: u32, v: vec2<u32>) {
    atomicMax(&heap_i64[(a & 0x3fffffffu) >> 3u], bitcast<i64>(u64_of(v)));
}
fn atom64_heap(op: u32, a: u32, v: vec2<u32>) -> vec2<u32> {
    let i = (a & 0x3fffffffu) >> 3u;
    let x = u64_of(v);
    var old: u64;
    switch op {
        case 0u: { old = atomicAdd(&heap_u64[i], x); }
        case 1u: { old = atomicSub(&heap_u64[i], x); }
        case 2u: { old = atomicExchange(&heap_u64[i], x); }
        case 3u: { old = atomicMin(&heap_u64[i], x); }
        case 4u: { old = atomicMax(&heap_u64[i], x); }
        case 5u: { old = atomicAnd(&heap_u64[i], x); }
        case 6u: { old = atomicOr(&heap_u64[i], x); }
        default: { old = atomicXor(&heap_u64[i], x); }
    }
    return vec_of_u64(old);
}
fn atom64_signed_heap(op: u32, a: u32, v: vec2<u32>) -> vec2<u32> {
    let i = (a & 0x3fffffffu) >> 3u;
    let x = bitcast<i64>(u64_of(v));
    var old: i64;
    if op == 8u {
        old = atomicMin(&heap_i64[i], x);
    } else {
        old = atomicMax(&heap_i64[i], x);
    }
    return vec_of_u64(bitcast<u64>(old));
}
";

/// `atomicCAS` on a 64-bit word of the heap (with [`HEAP_ATOMIC64`]).
pub const HEAP_CAS64: &str = "
fn cas64_heap(a: u32, expected: vec2<u32>, desired: vec2<u32>) -> vec2<u32> {
    let i = (a & 0x3fffffffu) >> 3u;
    let e = u64_of(expected);
    let d = u64_of(desired);
    loop {
        let r = atomicCompareExchangeWeak(&heap_u64[i], e, d);
        if r.exchanged || r.old_value != e { return vec_of_u64(r.old_value); }
    }
    return expected;
}
";

/// Barrier reductions, 64-bit integers, conversions, C float semantics.
const ARITHMETIC: &str = "
fn sync_reduce(kind: u32, pred: bool, lidx: u32) -> i32 {
    storageBarrier();
    workgroupBarrier();
    if lidx == 0u { atomicStore(&sync_counter, 0u); }
    workgroupBarrier();
    if pred { atomicAdd(&sync_counter, 1u); }
    workgroupBarrier();
    let n = atomicLoad(&sync_counter);
    workgroupBarrier();
    if kind == 0u { return i32(n); }
    if kind == 1u { return select(0i, 1i, n == block_x * block_y * block_z); }
    return select(0i, 1i, n != 0u);
}

fn umul_wide(a: u32, b: u32) -> vec2<u32> {
    let a0 = a & 0xffffu;
    let a1 = a >> 16u;
    let b0 = b & 0xffffu;
    let b1 = b >> 16u;
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
    return vec2<u32>((p00 & 0xffffu) | (mid << 16u), p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}
fn mulhi_u32(a: i32, b: i32) -> i32 {
    return bitcast<i32>(umul_wide(bitcast<u32>(a), bitcast<u32>(b)).y);
}
fn mulhi_s32(a: i32, b: i32) -> i32 {
    let hi = umul_wide(bitcast<u32>(a), bitcast<u32>(b)).y;
    return bitcast<i32>(hi - select(0u, bitcast<u32>(b), a < 0i) - select(0u, bitcast<u32>(a), b < 0i));
}
fn i64_from_i32(x: i32) -> vec2<u32> {
    return vec2<u32>(bitcast<u32>(x), select(0u, 0xffffffffu, x < 0i));
}
fn i64_add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let lo = a.x + b.x;
    return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
fn i64_sub(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    return vec2<u32>(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}
fn i64_neg(a: vec2<u32>) -> vec2<u32> {
    return i64_sub(vec2<u32>(0u, 0u), a);
}
fn i64_mul(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let p = umul_wide(a.x, b.x);
    return vec2<u32>(p.x, p.y + a.x * b.y + a.y * b.x);
}
fn u64_mulhi(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let p0 = umul_wide(a.x, b.x);
    let p1 = umul_wide(a.x, b.y);
    let p2 = umul_wide(a.y, b.x);
    let p3 = umul_wide(a.y, b.y);
    let s1 = p0.y + p1.x;
    let s2 = s1 + p2.x;
    let carry1 = select(0u, 1u, s1 < p0.y) + select(0u, 1u, s2 < s1);
    let t1 = p1.y + p2.y;
    let t2 = t1 + p3.x;
    let t3 = t2 + carry1;
    let carry2 = select(0u, 1u, t1 < p1.y) + select(0u, 1u, t2 < t1) + select(0u, 1u, t3 < t2);
    return vec2<u32>(t3, p3.y + carry2);
}
fn i64_mulhi(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    var h = u64_mulhi(a, b);
    if i64_is_neg(a) { h = i64_sub(h, b); }
    if i64_is_neg(b) { h = i64_sub(h, a); }
    return h;
}
fn i64_is_neg(a: vec2<u32>) -> bool {
    return (a.y >> 31u) != 0u;
}
fn i64_ult(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.y < b.y || (a.y == b.y && a.x < b.x);
}
fn i64_slt(a: vec2<u32>, b: vec2<u32>) -> bool {
    let ah = bitcast<i32>(a.y);
    let bh = bitcast<i32>(b.y);
    return ah < bh || (ah == bh && a.x < b.x);
}
fn i64_eq(a: vec2<u32>, b: vec2<u32>) -> bool {
    return a.x == b.x && a.y == b.y;
}
fn i64_shl(a: vec2<u32>, n: vec2<u32>) -> vec2<u32> {
    let s = n.x & 63u;
    if s == 0u { return a; }
    if s < 32u { return vec2<u32>(a.x << s, (a.y << s) | (a.x >> (32u - s))); }
    return vec2<u32>(0u, a.x << (s - 32u));
}
fn i64_lshr(a: vec2<u32>, n: vec2<u32>) -> vec2<u32> {
    let s = n.x & 63u;
    if s == 0u { return a; }
    if s < 32u { return vec2<u32>((a.x >> s) | (a.y << (32u - s)), a.y >> s); }
    return vec2<u32>(a.y >> (s - 32u), 0u);
}
fn i64_ashr(a: vec2<u32>, n: vec2<u32>) -> vec2<u32> {
    let s = n.x & 63u;
    let hi = bitcast<i32>(a.y);
    if s == 0u { return a; }
    if s < 32u { return vec2<u32>((a.x >> s) | (a.y << (32u - s)), bitcast<u32>(hi >> s)); }
    return vec2<u32>(bitcast<u32>(hi >> (s - 32u)), bitcast<u32>(hi >> 31u));
}
struct U64DivRem {
    q: vec2<u32>,
    r: vec2<u32>,
}
fn u64_divrem(n: vec2<u32>, d: vec2<u32>) -> U64DivRem {
    if n.y == 0u && d.y == 0u {
        if d.x == 0u { return U64DivRem(vec2<u32>(0xffffffffu, 0xffffffffu), n); }
        return U64DivRem(vec2<u32>(n.x / d.x, 0u), vec2<u32>(n.x % d.x, 0u));
    }
    var q = vec2<u32>(0u, 0u);
    var r = vec2<u32>(0u, 0u);
    for (var i = 63i; i >= 0i; i = i - 1i) {
        let word = select(n.x, n.y, i >= 32i);
        let bit = (word >> (u32(i) & 31u)) & 1u;
        r = vec2<u32>((r.x << 1u) | bit, (r.y << 1u) | (r.x >> 31u));
        if !i64_ult(r, d) {
            r = i64_sub(r, d);
            if i >= 32i { q.y = q.y | (1u << (u32(i) - 32u)); } else { q.x = q.x | (1u << u32(i)); }
        }
    }
    return U64DivRem(q, r);
}
fn i64_udiv(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return u64_divrem(a, b).q; }
fn i64_urem(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return u64_divrem(a, b).r; }
fn i64_sdiv(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let na = i64_is_neg(a);
    let nb = i64_is_neg(b);
    let r = u64_divrem(select(a, i64_neg(a), na), select(b, i64_neg(b), nb));
    return select(r.q, i64_neg(r.q), na != nb);
}
fn i64_srem(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
    let na = i64_is_neg(a);
    let nb = i64_is_neg(b);
    let r = u64_divrem(select(a, i64_neg(a), na), select(b, i64_neg(b), nb));
    return select(r.r, i64_neg(r.r), na);
}
fn i64_smin(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return select(b, a, i64_slt(a, b)); }
fn i64_smax(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return select(a, b, i64_slt(a, b)); }
fn i64_umin(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return select(b, a, i64_ult(a, b)); }
fn i64_umax(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> { return select(a, b, i64_ult(a, b)); }
fn i64_clz(a: vec2<u32>) -> vec2<u32> {
    return vec2<u32>(select(countLeadingZeros(a.x) + 32u, countLeadingZeros(a.y), a.y != 0u), 0u);
}
fn i64_ctz(a: vec2<u32>) -> vec2<u32> {
    return vec2<u32>(select(countTrailingZeros(a.y) + 32u, countTrailingZeros(a.x), a.x != 0u), 0u);
}
fn i64_popcount(a: vec2<u32>) -> vec2<u32> {
    return vec2<u32>(countOneBits(a.x) + countOneBits(a.y), 0u);
}
fn bswap32(x: u32) -> u32 {
    return (x >> 24u) | ((x >> 8u) & 0xff00u) | ((x << 8u) & 0xff0000u) | (x << 24u);
}
fn u64_to_f32(a: vec2<u32>) -> f32 {
    if a.y == 0u { return f32(a.x); }
    let lz = countLeadingZeros(a.y);
    let m = i64_shl(a, vec2<u32>(lz, 0u));
    let v = m.y | select(0u, 1u, m.x != 0u);
    return ldexp(f32(v), i32(32u - lz));
}
fn i64_to_f32(a: vec2<u32>) -> f32 {
    if i64_is_neg(a) { return -u64_to_f32(i64_neg(a)); }
    return u64_to_f32(a);
}
fn f32_to_i32(x: f32) -> i32 {
    if is_nan(x) { return 0i; }
    if x >= 2147483648.0 { return 2147483647i; }
    if x <= -2147483648.0 { return -2147483647i - 1i; }
    return i32(x);
}
fn f32_to_u32(x: f32) -> u32 {
    if is_nan(x) || x <= 0.0 { return 0u; }
    if x >= 4294967296.0 { return 0xffffffffu; }
    return u32(x);
}
fn f32_to_u64(x: f32) -> vec2<u32> {
    if is_nan(x) || x <= 0.0 { return vec2<u32>(0u, 0u); }
    if x >= 18446744073709551616.0 { return vec2<u32>(0xffffffffu, 0xffffffffu); }
    let t = trunc(x);
    let hi = floor(t / 4294967296.0);
    return vec2<u32>(u32(t - hi * 4294967296.0), u32(hi));
}
fn f32_to_i64(x: f32) -> vec2<u32> {
    if is_nan(x) { return vec2<u32>(0u, 0x80000000u); }
    if x >= 9223372036854775808.0 { return vec2<u32>(0xffffffffu, 0x7fffffffu); }
    if x <= -9223372036854775808.0 { return vec2<u32>(0u, 0x80000000u); }
    if x < 0.0 { return i64_neg(f32_to_u64(-x)); }
    return f32_to_u64(x);
}
fn is_nan(x: f32) -> bool {
    return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}
fn f32_from_bits(bits: u32) -> f32 {
    return bitcast<f32>(bits);
}
fn c_fmin(a: f32, b: f32) -> f32 {
    if is_nan(a) { return b; }
    if is_nan(b) { return a; }
    return min(a, b);
}
fn c_fmax(a: f32, b: f32) -> f32 {
    if is_nan(a) { return b; }
    if is_nan(b) { return a; }
    return max(a, b);
}
fn c_copysign(a: f32, b: f32) -> f32 {
    return bitcast<f32>((bitcast<u32>(a) & 0x7fffffffu) | (bitcast<u32>(b) & 0x80000000u));
}
fn c_fdim(a: f32, b: f32) -> f32 {
    if is_nan(a) || is_nan(b) { return a + b; }
    return select(0.0, a - b, a > b);
}
fn c_saturate(x: f32) -> f32 {
    if is_nan(x) { return 0.0; }
    return clamp(x, 0.0, 1.0);
}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prelude_variant_parses_and_validates() {
        for heap_atomic in [false, true] {
            for shared_atomic in [false, true] {
                for heap_atomic64 in [false, heap_atomic] {
                    let text = prelude(&PreludeConfig {
                        heap_atomic,
                        shared_atomic,
                        heap_atomic64,
                        heap_cas64: heap_atomic64,
                        shared_words: 4,
                        local_words: 2,
                        param_bytes: 64,
                    });
                    let module = naga::front::wgsl::parse_str(&text)
                        .unwrap_or_else(|e| panic!("{}", e.emit_to_string(&text)));
                    let level = if heap_atomic64 {
                        crate::Atomics64::AllOps
                    } else {
                        crate::Atomics64::None
                    };
                    let mut validator = naga::valid::Validator::new(
                        naga::valid::ValidationFlags::all(),
                        level.capabilities(),
                    );
                    validator
                        .validate(&module)
                        .unwrap_or_else(|e| panic!("{}", e.emit_to_string(&text)));
                }
            }
        }
    }
}
