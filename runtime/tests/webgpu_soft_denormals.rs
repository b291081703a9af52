//! The `f32` subnormal emulation of the WGSL backend (forced on with
//! `CWCC_WGPU_SOFT_DENORMALS=1`, as on an adapter that flushes subnormals) gives IEEE 754's
//! results bit for bit, as CUDA does without `-ftz`: `+ - *`, an unfused `a * b + c` and
//! `c - a * b` (the product checked by the sum), `fminf`, `floorf`, `ceilf`, `fdimf`,
//! `__saturatef`, negation and the comparisons, checked against Rust's `f32` arithmetic over subnormals, tiny normals, special
//! values and random bit patterns. On an adapter that keeps subnormals (lavapipe) the native
//! results pass the checks except where they are tiny, so the exact paths run there; on one
//! that flushes, they run wherever a subnormal was involved. Skipped on a machine without a
//! WebGPU adapter.

use cwcc_runtime::{KernelArg, Runtime};

/// For each thread `i` with `a, b, c = in[3i..3i+3]`: `out[9i..9i+8]` = `a + b`, `a - b`,
/// `a * b`, `a * b + c`, `c - a * b`, `fminf(a, b)`, `floorf(a)`, `-a`, and `out[9i+8]` the
/// bits `a < b`, `a <= b`, `a == b`, `a != b` (1, 2, 4, 8), `out[9i+9..9i+12]` = `ceilf(a)`,
/// `fdimf(a, b)`, `__saturatef(a)`.
const KERNEL: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: ptr<global>) {
  %v3: i32 = thread_id.x
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = add %v6, %v3
  %v8: i64 = sext %v7
  %v9: i64 = const 12
  %v10: i64 = mul %v8, %v9
  %v11: ptr<global> = ptradd %v0, %v10
  %v12: f32 = load %v11 align 4
  %v13: i64 = const 4
  %v14: ptr<global> = ptradd %v11, %v13
  %v15: f32 = load %v14 align 4
  %v16: i64 = const 8
  %v17: ptr<global> = ptradd %v11, %v16
  %v18: f32 = load %v17 align 4
  %v19: i64 = const 48
  %v20: i64 = mul %v8, %v19
  %v21: ptr<global> = ptradd %v1, %v20
  %v30: f32 = fadd %v12, %v15
  store %v21, %v30 align 4
  %v31: f32 = fsub %v12, %v15
  %v41: ptr<global> = ptradd %v21, %v13
  store %v41, %v31 align 4
  %v32: f32 = fmul %v12, %v15
  %v42: ptr<global> = ptradd %v21, %v16
  store %v42, %v32 align 4
  %v33: f32 = fmul %v12, %v15
  %v34: f32 = fadd %v33, %v18
  %v50: i64 = const 12
  %v43: ptr<global> = ptradd %v21, %v50
  store %v43, %v34 align 4
  %v35: f32 = fmul %v12, %v15
  %v36: f32 = fsub %v18, %v35
  %v51: i64 = const 16
  %v44: ptr<global> = ptradd %v21, %v51
  store %v44, %v36 align 4
  %v37: f32 = fmin %v12, %v15
  %v52: i64 = const 20
  %v45: ptr<global> = ptradd %v21, %v52
  store %v45, %v37 align 4
  %v38: f32 = floor %v12
  %v53: i64 = const 24
  %v46: ptr<global> = ptradd %v21, %v53
  store %v46, %v38 align 4
  %v39: f32 = fneg %v12
  %v54: i64 = const 28
  %v47: ptr<global> = ptradd %v21, %v54
  store %v47, %v39 align 4
  %v60: i32 = const 0
  %v61: i32 = const 1
  %v62: i32 = const 2
  %v63: i32 = const 4
  %v64: i32 = const 8
  %v65: i1 = cmp.flt %v12, %v15
  %v66: i32 = select %v65, %v61, %v60
  %v67: i1 = cmp.fle %v12, %v15
  %v68: i32 = select %v67, %v62, %v60
  %v69: i1 = cmp.feq %v12, %v15
  %v70: i32 = select %v69, %v63, %v60
  %v71: i1 = cmp.fne %v12, %v15
  %v72: i32 = select %v71, %v64, %v60
  %v73: i32 = or %v66, %v68
  %v74: i32 = or %v70, %v72
  %v75: i32 = or %v73, %v74
  %v55: i64 = const 32
  %v48: ptr<global> = ptradd %v21, %v55
  store %v48, %v75 align 4
  %v80: f32 = ceil %v12
  %v81: i64 = const 36
  %v82: ptr<global> = ptradd %v21, %v81
  store %v82, %v80 align 4
  %v83: f32 = math \"fdimf\"(%v12, %v15)
  %v84: i64 = const 40
  %v85: ptr<global> = ptradd %v21, %v84
  store %v85, %v83 align 4
  %v86: f32 = math \"__saturatef\"(%v12)
  %v87: i64 = const 44
  %v88: ptr<global> = ptradd %v21, %v87
  store %v88, %v86 align 4
  return
}
kernel \"k\" = fn0(\"in\": ptr<global>, \"out\": ptr<global>) static_shared 0
";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }
}

/// Argument triples: special values and subnormals in every combination, then random ones
/// with small exponents (subnormal and tiny results), then random bit patterns.
fn inputs() -> Vec<[f32; 3]> {
    let specials = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        f32::INFINITY,
        f32::NAN,
        f32::MIN_POSITIVE,
        -f32::MIN_POSITIVE,
        1.0e-45,
        -1.0e-45,
        1.5e-39,
        -3.0e-39,
        1.0e-20,
        1.0e20,
        1.0e30,
        f32::MAX,
    ];
    let mut out = Vec::new();
    for &a in &specials {
        for &b in &specials {
            for &c in &specials {
                out.push([a, b, c]);
            }
        }
    }
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let small = |rng: &mut Rng| {
        let r = rng.next();
        // Exponent fields 0..=47 and 80..=127 (results near and below 2^-126), either sign.
        let e = r % 96;
        let e = if e < 48 { e } else { e + 32 };
        f32::from_bits((r & 0x8000_0000) | (e << 23) | (rng.next() & 0x7f_ffff))
    };
    while out.len() % 256 != 0 || out.len() < 16384 {
        out.push([small(&mut rng), small(&mut rng), small(&mut rng)]);
    }
    for _ in 0..4096 {
        out.push([
            f32::from_bits(rng.next()),
            f32::from_bits(rng.next()),
            f32::from_bits(rng.next()),
        ]);
    }
    out
}

fn same(got: f32, want: f32) -> bool {
    (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits()
}

#[test]
fn the_emulation_gives_ieee_results_with_subnormals() {
    // The only test of this binary: the variable is read when the runtime is made.
    std::env::set_var("CWCC_WGPU_SOFT_DENORMALS", "1");
    let module = cwcc_simt::parse_module(KERNEL).unwrap();
    let mut rt = match Runtime::with_webgpu(module) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
    };
    let cases = inputs();
    let bytes: Vec<u8> = cases
        .iter()
        .flatten()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let input = rt.alloc_bytes(&bytes).unwrap();
    let out = rt.alloc_zeroed(cases.len() * 48).unwrap();
    rt.launch(
        "k",
        [(cases.len() / 256) as u32, 1, 1],
        [256, 1, 1],
        0,
        &[KernelArg::Buffer(input), KernelArg::Buffer(out)],
    )
    .unwrap();
    let words: Vec<u32> = rt
        .read(out)
        .unwrap()
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect();
    let mut bad = Vec::new();
    for (i, [a, b, c]) in cases.iter().copied().enumerate() {
        let got = |k: usize| f32::from_bits(words[12 * i + k]);
        let both_zero = a == 0.0 && b == 0.0;
        let want = [
            ("a + b", a + b, false),
            ("a - b", a - b, false),
            ("a * b", a * b, false),
            ("a * b + c", a * b + c, false),
            ("c - a * b", c - a * b, false),
            // The sign of fminf(±0, ∓0) is not specified.
            ("fminf(a, b)", a.min(b), both_zero),
            ("floorf(a)", a.floor(), false),
            ("-a", -a, false),
        ];
        let fdim = if a.is_nan() || b.is_nan() {
            f32::NAN
        } else if a > b {
            a - b
        } else {
            0.0
        };
        let saturate = if a.is_nan() { 0.0 } else { a.clamp(0.0, 1.0) };
        let more = [
            (9, "ceilf(a)", a.ceil()),
            (10, "fdimf(a, b)", fdim),
            (11, "__saturatef(a)", saturate),
        ];
        for (k, (what, want, any_zero)) in want.into_iter().enumerate() {
            let g = got(k);
            if !(same(g, want) || (any_zero && g == 0.0)) {
                bad.push(format!(
                    "{what} with a = {a:e} [{:08x}], b = {b:e} [{:08x}], c = {c:e} [{:08x}]: \
                     {g:e} [{:08x}], want {want:e} [{:08x}]",
                    a.to_bits(),
                    b.to_bits(),
                    c.to_bits(),
                    g.to_bits(),
                    want.to_bits()
                ));
            }
        }
        for (k, what, want) in more {
            let g = got(k);
            // __saturatef(-0) may be either zero.
            if !(same(g, want) || (k == 11 && a == 0.0 && g == 0.0)) {
                bad.push(format!(
                    "{what} with a = {a:e} [{:08x}], b = {b:e} [{:08x}]: {g:e} [{:08x}], want {want:e} [{:08x}]",
                    a.to_bits(),
                    b.to_bits(),
                    g.to_bits(),
                    want.to_bits()
                ));
            }
        }
        let want_mask = u32::from(a < b)
            | (u32::from(a <= b) << 1)
            | (u32::from(a == b) << 2)
            | (u32::from(a != b) << 3);
        if words[12 * i + 8] != want_mask {
            bad.push(format!(
                "comparisons of {a:e} [{:08x}] and {b:e} [{:08x}]: {:04b}, want {want_mask:04b}",
                a.to_bits(),
                b.to_bits(),
                words[12 * i + 8]
            ));
        }
    }
    let mut kinds = std::collections::BTreeMap::new();
    for b in &bad {
        let kind = b
            .split(" with ")
            .next()
            .unwrap_or(b)
            .split(" of ")
            .next()
            .unwrap_or(b);
        *kinds.entry(kind.to_string()).or_insert(0) += 1;
    }
    assert!(
        bad.is_empty(),
        "{} of {} results differ ({kinds:?}), the first:\n{}",
        bad.len(),
        cases.len() * 12,
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
