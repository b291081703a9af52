//! `fmaf`, `fmodf`, `/` and `sqrtf` on WebGPU give the correctly rounded / exact results bit
//! for bit (the WGSL backend computes them with integer arithmetic, see
//! `cwcc_wgsl::softfloat`), checked against Rust's `f32::mul_add` (a correctly rounded fused
//! multiply-add), `%` (C's `fmodf`), `/` and `f32::sqrt` (both correctly rounded) over special
//! values, subnormals, overflow, cancellation and random bit patterns. Skipped on a machine
//! without a WebGPU adapter.

use cwcc_runtime::{KernelArg, Runtime};

/// `out[i] = fmaf(in[3i], in[3i+1], in[3i+2])`, `rem[i] = fmodf(in[3i], in[3i+1])`.
const KERNEL: &str = "module phase simt
fn fn0 \"k\"(%v0: ptr<global>, %v1: ptr<global>, %v2: ptr<global>) {
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
  %v19: f32 = math \"fmaf\"(%v12, %v15, %v18)
  %v20: i64 = mul %v8, %v13
  %v21: ptr<global> = ptradd %v1, %v20
  store %v21, %v19 align 4
  %v22: f32 = frem %v12, %v15
  %v23: ptr<global> = ptradd %v2, %v20
  store %v23, %v22 align 4
  return
}
kernel \"k\" = fn0(\"in\": ptr<global>, \"out\": ptr<global>, \"rem\": ptr<global>) static_shared 0
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

/// Argument triples: every combination of special values, then structured and random cases.
fn inputs() -> Vec<[f32; 3]> {
    let specials = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MAX,
        -f32::MAX,
        f32::MIN_POSITIVE,
        1.0e-45,
        -1.0e-45,
        3.0,
        0.1,
        1.5e-39,
        1.0e30,
    ];
    let mut out = Vec::new();
    for &a in &specials {
        for &b in &specials {
            for &c in &specials {
                out.push([a, b, c]);
            }
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let f = |bits: u32| f32::from_bits(bits);
    for _ in 0..20000 {
        // Random bit patterns (all exponents, subnormals included).
        out.push([f(rng.next()), f(rng.next()), f(rng.next())]);
        // Nearby exponents: cancellation and ties in the sum.
        let a = f((rng.next() & 0x83ff_ffff) | 0x3c00_0000);
        let b = f((rng.next() & 0x83ff_ffff) | 0x3c00_0000);
        let p = a * b;
        let c = f(p.to_bits() ^ (rng.next() & 0x8000_000f));
        out.push([a, b, -p]);
        out.push([a, b, c]);
        // Results near the subnormal range and near overflow.
        let tiny = f((rng.next() & 0x807f_ffff) | 0x1f00_0000);
        out.push([tiny, tiny, f(rng.next() & 0x80ff_ffff)]);
        let big = f((rng.next() & 0x807f_ffff) | 0x5f00_0000);
        out.push([big, big, f((rng.next() & 0x807f_ffff) | 0x7e80_0000)]);
    }
    let n = out.len().div_ceil(256) * 256;
    out.resize(n, [1.0, 1.0, 1.0]);
    out
}

fn same(got: f32, want: f32) -> bool {
    (got.is_nan() && want.is_nan()) || got.to_bits() == want.to_bits()
}

#[test]
fn fmaf_and_fmodf_are_exact_on_webgpu() {
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
    let out = rt.alloc_zeroed(cases.len() * 4).unwrap();
    let rem = rt.alloc_zeroed(cases.len() * 4).unwrap();
    let grid = (cases.len() / 256) as u32;
    rt.launch(
        "k",
        [grid, 1, 1],
        [256, 1, 1],
        0,
        &[
            KernelArg::Buffer(input),
            KernelArg::Buffer(out),
            KernelArg::Buffer(rem),
        ],
    )
    .unwrap();
    let floats = |bytes: Vec<u8>| -> Vec<f32> {
        bytes
            .chunks_exact(4)
            .map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect()
    };
    let got_fma = floats(rt.read(out).unwrap());
    let got_rem = floats(rt.read(rem).unwrap());
    let mut bad = Vec::new();
    for (i, [a, b, c]) in cases.iter().copied().enumerate() {
        let want = a.mul_add(b, c);
        if !same(got_fma[i], want) {
            bad.push(format!(
                "fmaf({a:e} [{:08x}], {b:e} [{:08x}], {c:e} [{:08x}]) = {:e} [{:08x}], want {want:e} [{:08x}]",
                a.to_bits(),
                b.to_bits(),
                c.to_bits(),
                got_fma[i],
                got_fma[i].to_bits(),
                want.to_bits()
            ));
        }
        let want = a % b;
        if !same(got_rem[i], want) {
            bad.push(format!(
                "fmodf({a:e} [{:08x}], {b:e} [{:08x}]) = {:e} [{:08x}], want {want:e} [{:08x}]",
                a.to_bits(),
                b.to_bits(),
                got_rem[i],
                got_rem[i].to_bits(),
                want.to_bits()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} results differ, the first:\n{}",
        bad.len(),
        cases.len() * 2,
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// `quo[i] = in[2i] / in[2i+1]`, `root[i] = sqrtf(in[2i])`.
const DIV_SQRT: &str = "module phase simt
fn fn0 \"d\"(%v0: ptr<global>, %v1: ptr<global>, %v2: ptr<global>) {
  %v3: i32 = thread_id.x
  %v4: i32 = block_id.x
  %v5: i32 = block_dim.x
  %v6: i32 = mul %v4, %v5
  %v7: i32 = add %v6, %v3
  %v8: i64 = sext %v7
  %v9: i64 = const 8
  %v10: i64 = mul %v8, %v9
  %v11: ptr<global> = ptradd %v0, %v10
  %v12: f32 = load %v11 align 4
  %v13: i64 = const 4
  %v14: ptr<global> = ptradd %v11, %v13
  %v15: f32 = load %v14 align 4
  %v16: f32 = fdiv %v12, %v15
  %v17: i64 = mul %v8, %v13
  %v18: ptr<global> = ptradd %v1, %v17
  store %v18, %v16 align 4
  %v19: f32 = sqrt %v12
  %v20: ptr<global> = ptradd %v2, %v17
  store %v20, %v19 align 4
  return
}
kernel \"d\" = fn0(\"in\": ptr<global>, \"quo\": ptr<global>, \"root\": ptr<global>) static_shared 0
";

/// Argument pairs: every combination of special values, then random bit patterns, quotients
/// near the subnormal range and near overflow, and squares of floats (exact roots) with
/// neighbours (roots just off a representable value).
fn div_sqrt_inputs() -> Vec<[f32; 2]> {
    let specials = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        f32::MAX,
        -f32::MAX,
        f32::MIN_POSITIVE,
        1.0e-45,
        -1.0e-45,
        3.0,
        0.1,
        1.5e-39,
        1.0e30,
        7.0,
        4.0,
    ];
    let mut out = Vec::new();
    for &a in &specials {
        for &b in &specials {
            out.push([a, b]);
        }
    }
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let f = |bits: u32| f32::from_bits(bits);
    for _ in 0..40000 {
        out.push([f(rng.next()), f(rng.next())]);
        let a = f(rng.next() & 0x3fff_ffff);
        out.push([a, f((rng.next() & 0x807f_ffff) | 0x7e00_0000)]);
        out.push([f(rng.next() | 0x7000_0000), f(rng.next() & 0x81ff_ffff)]);
        let r = f(rng.next() & 0x7f7f_ffff).sqrt();
        let sq = r * r;
        let near = f(sq.to_bits().wrapping_add(rng.next() % 3).wrapping_sub(1));
        out.push([near, 1.0 + f(rng.next() & 0x007f_ffff)]);
        out.push([f(rng.next() & 0x807f_ffff), sq]);
    }
    let n = out.len().div_ceil(256) * 256;
    out.resize(n, [1.0, 1.0]);
    out
}

#[test]
fn division_and_sqrtf_are_correctly_rounded_on_webgpu() {
    let module = cwcc_simt::parse_module(DIV_SQRT).unwrap();
    let mut rt = match Runtime::with_webgpu(module) {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skipped: {e}");
            return;
        }
    };
    let cases = div_sqrt_inputs();
    let bytes: Vec<u8> = cases
        .iter()
        .flatten()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let input = rt.alloc_bytes(&bytes).unwrap();
    let quo = rt.alloc_zeroed(cases.len() * 4).unwrap();
    let root = rt.alloc_zeroed(cases.len() * 4).unwrap();
    let grid = (cases.len() / 256) as u32;
    rt.launch(
        "d",
        [grid, 1, 1],
        [256, 1, 1],
        0,
        &[
            KernelArg::Buffer(input),
            KernelArg::Buffer(quo),
            KernelArg::Buffer(root),
        ],
    )
    .unwrap();
    let floats = |bytes: Vec<u8>| -> Vec<f32> {
        bytes
            .chunks_exact(4)
            .map(|w| f32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect()
    };
    let got_quo = floats(rt.read(quo).unwrap());
    let got_root = floats(rt.read(root).unwrap());
    let mut bad = Vec::new();
    for (i, [a, b]) in cases.iter().copied().enumerate() {
        let want = a / b;
        if !same(got_quo[i], want) {
            bad.push(format!(
                "{a:e} [{:08x}] / {b:e} [{:08x}] = {:e} [{:08x}], want {want:e} [{:08x}]",
                a.to_bits(),
                b.to_bits(),
                got_quo[i],
                got_quo[i].to_bits(),
                want.to_bits()
            ));
        }
        let want = a.sqrt();
        if !same(got_root[i], want) {
            bad.push(format!(
                "sqrtf({a:e} [{:08x}]) = {:e} [{:08x}], want {want:e} [{:08x}]",
                a.to_bits(),
                got_root[i],
                got_root[i].to_bits(),
                want.to_bits()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} results differ, the first:\n{}",
        bad.len(),
        cases.len() * 2,
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
