//! Accuracy of the math device library (`stdlib/device/math.cu`) against CUDA's documented
//! error bounds, run on the reference executor AFTER linking (so the library's own code runs,
//! not Rust's `std`), and the conformance suite's math cases with the library linked in.
//!
//! For every library function a kernel `out[i] = f(in[i])` runs over inputs covering tiny,
//! subnormal, large, negative, special (±0, ±inf, NaN) and function-specific arguments
//! (multiples of pi/2, exactly 1 for log, half-integers for sinpi, …). References: `f32`
//! functions use `f64` `std` rounded to `f32` (the executor's own math); `f64` functions use
//! `std` / the C library (itself within 1 ulp: the test allows CUDA's bound + 1). NaN, ±inf
//! and ±0 results must match exactly (including the sign of zero).
//!
//! `CWCC_ACCURACY_INPUTS=N` sets the number of random inputs per function (default 600).

use cwcc::devlib::{is_always_native, link_device_library};
use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_runtime::npy::{read_npy, DType, NpyArray};
use cwcc_simt::builtins::MATH_BUILTINS;
use cwcc_simt::interp::{launch, ArgValue, Memory};
use cwcc_simt::ir::{FloatWidth, Inst, Module, Region, StmtKind};
use std::path::{Path, PathBuf};

// ------------------------------------------------------------------------------------------
// Compiling and linking

/// Compiles CUDA source to SIMT and links the device library for a target where only the
/// always-native builtins exist.
fn compile_linked(name: &str, source: &str, include: Option<&Path>) -> Module {
    let mut config = PpConfig::nvcc();
    if let Some(dir) = include {
        config.include_dirs.push(dir.to_path_buf());
    }
    let out = run_front_end(name, source.to_string(), &config, &FsLoader, Stage::Hir);
    if out.diags.has_errors() {
        panic!(
            "{name} does not compile:\n{}",
            cwcc_frontend::diag::render_to_string(&out.sources, &out.diags)
        );
    }
    let (mut module, _) = to_simt(&out, &[], false).unwrap();
    link_device_library(&mut module, &is_always_native).unwrap();
    cwcc_simt::verify(&module).unwrap();
    let left = remaining_math(&module);
    assert!(
        left.iter().all(|n| is_always_native(n)),
        "math builtins left after linking: {left:?}"
    );
    module
}

fn remaining_math(module: &Module) -> Vec<String> {
    fn walk(region: &Region, out: &mut Vec<String>) {
        for stmt in &region.stmts {
            match &stmt.kind {
                StmtKind::Inst {
                    inst: Inst::Math { name, .. },
                    ..
                } => out.push(name.clone()),
                StmtKind::If {
                    then_region,
                    else_region,
                    ..
                } => {
                    walk(then_region, out);
                    walk(else_region, out);
                }
                StmtKind::Loop { body, continuing } => {
                    walk(body, out);
                    walk(continuing, out);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (_, f) in module.functions.iter() {
        walk(&f.body, &mut out);
    }
    out
}

/// The library functions: every math builtin that is not always native.
fn library_builtins(width: FloatWidth) -> Vec<(&'static str, usize)> {
    MATH_BUILTINS
        .iter()
        .filter(|(n, _, w)| *w == width && !is_always_native(n))
        .map(|&(n, arity, _)| (n, arity))
        .collect()
}

/// One kernel per builtin: `o[i] = name(a[i], b[i], c[i])` (as many arguments as it takes).
fn accuracy_source(width: FloatWidth) -> String {
    let ty = match width {
        FloatWidth::F32 => "float",
        FloatWidth::F64 => "double",
    };
    let mut src = String::new();
    for (name, arity) in library_builtins(width) {
        let args = match (name, arity) {
            ("ldexpf" | "scalbnf" | "ldexp" | "scalbn", _) => "a[i], (int)b[i]".to_string(),
            (_, 1) => "a[i]".to_string(),
            (_, 2) => "a[i], b[i]".to_string(),
            _ => "a[i], b[i], c[i]".to_string(),
        };
        src.push_str(&format!(
            "__global__ void k_{name}(const {ty} *a, const {ty} *b, const {ty} *c, {ty} *o, int n) {{\n  int i = blockIdx.x * blockDim.x + threadIdx.x;\n  if (i < n) o[i] = {name}({args});\n}}\n"
        ));
    }
    src
}

// ------------------------------------------------------------------------------------------
// Inputs

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Magnitude log-uniform in [lo, hi], random sign.
    fn log_sym(&mut self, lo: f64, hi: f64) -> f64 {
        let m = (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp();
        if self.next() & 1 == 0 {
            m
        } else {
            -m
        }
    }
    fn log_pos(&mut self, lo: f64, hi: f64) -> f64 {
        self.log_sym(lo, hi).abs()
    }
}

fn count() -> usize {
    std::env::var("CWCC_ACCURACY_INPUTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

fn specials(width: FloatWidth) -> Vec<f64> {
    let (max, min_sub, min_norm) = match width {
        FloatWidth::F32 => (
            f64::from(f32::MAX),
            f64::from(f32::from_bits(1)),
            f64::from(f32::MIN_POSITIVE),
        ),
        FloatWidth::F64 => (f64::MAX, f64::from_bits(1), f64::MIN_POSITIVE),
    };
    vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        min_sub,
        -min_sub,
        min_norm,
        -min_norm,
        min_norm * 0.75,
        max,
        -max,
        1e-10,
        -1e-10,
    ]
}

/// Argument tuples for one builtin (the `f` suffix and `__` prefix stripped from `base`).
fn inputs(base: &str, width: FloatWidth, n: usize, rng: &mut Rng) -> Vec<[f64; 3]> {
    let f32 = width == FloatWidth::F32;
    let big = if f32 { 3e38 } else { 1e308 };
    let sp = specials(width);
    let mut xs: Vec<f64> = sp.clone();
    let mut fill = |xs: &mut Vec<f64>, k: usize, g: &mut dyn FnMut(&mut Rng) -> f64| {
        for _ in 0..k {
            xs.push(g(rng));
        }
    };
    let (exp_lo, exp_hi) = if f32 { (-104.0, 89.0) } else { (-746.0, 710.0) };
    let q = n / 4;
    match base {
        "sin" | "cos" | "tan" => {
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-8, 10.0));
            fill(&mut xs, q, &mut |r| r.log_sym(10.0, 1e6));
            fill(&mut xs, q, &mut |r| {
                r.log_sym(1e6, if f32 { 1e30 } else { 1e300 })
            });
            for k in -60..=60 {
                xs.push(f64::from(k) * std::f64::consts::FRAC_PI_2);
            }
            // the float nearest to a multiple of pi/2 (a famous hard case for f32)
            xs.push(f64::from(f32::from_bits(0x5afb_1f8e)));
        }
        "exp" => fill(&mut xs, n, &mut |r| r.uniform(exp_lo, exp_hi)),
        "exp2" => {
            let (lo, hi) = if f32 {
                (-152.0, 129.0)
            } else {
                (-1076.0, 1025.0)
            };
            fill(&mut xs, n, &mut |r| r.uniform(lo, hi))
        }
        "exp10" => {
            let (lo, hi) = if f32 { (-46.0, 39.0) } else { (-324.0, 309.0) };
            fill(&mut xs, n, &mut |r| r.uniform(lo, hi))
        }
        "expm1" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-40.0, exp_hi));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-9, 1.0));
        }
        "log" | "log2" | "log10" => {
            fill(&mut xs, 2 * q, &mut |r| r.log_pos(1e-300, big));
            fill(&mut xs, 2 * q, &mut |r| r.uniform(0.5, 2.0));
            xs.extend([4.0, 8.0, 10.0, 100.0, 1e-3]);
        }
        "log1p" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-1.0, 3.0));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-12, big));
        }
        "asin" | "acos" => {
            fill(&mut xs, 3 * q, &mut |r| r.uniform(-1.0, 1.0));
            fill(&mut xs, q, &mut |r| r.log_sym(1e-9, 1.0));
        }
        "sinh" | "cosh" => {
            let m = if f32 { 90.0 } else { 711.0 };
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-m, m));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-9, 2.0));
        }
        "tanh" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-25.0, 25.0));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-9, 1.0));
        }
        "acosh" => fill(&mut xs, n, &mut |r| 1.0 + r.log_pos(1e-12, big)),
        "atanh" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-1.0, 1.0));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-9, 1.0));
        }
        "erf" => fill(&mut xs, n, &mut |r| r.uniform(-7.0, 7.0)),
        "erfc" => fill(&mut xs, n, &mut |r| {
            r.uniform(-7.0, if f32 { 11.0 } else { 28.0 })
        }),
        "normcdf" => fill(&mut xs, n, &mut |r| {
            r.uniform(if f32 { -15.0 } else { -39.0 }, 9.0)
        }),
        "sinpi" | "cospi" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-4.0, 4.0));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-9, 1e8));
            for k in -40..=40 {
                xs.push(f64::from(k) * 0.25);
            }
        }
        "round" => {
            fill(&mut xs, 2 * q, &mut |r| r.uniform(-10.0, 10.0));
            fill(&mut xs, 2 * q, &mut |r| r.log_sym(1e-3, 1e18));
            for k in -40..=40 {
                xs.push(f64::from(k) * 0.5);
            }
        }
        "cbrt" | "asinh" | "atan" => fill(&mut xs, n, &mut |r| {
            r.log_sym(if f32 { 1e-45 } else { 1e-320 }, big)
        }),
        _ => fill(&mut xs, n, &mut |r| r.log_sym(1e-6, 1e6)),
    }
    let one = |xs: Vec<f64>| xs.into_iter().map(|x| [x, 0.0, 0.0]).collect::<Vec<_>>();
    match base {
        "atan2" | "hypot" => {
            let mut v = Vec::new();
            for &x in &sp {
                for &y in &sp {
                    v.push([x, y, 0.0]);
                }
            }
            for _ in 0..n {
                v.push([rng.log_sym(1e-10, 1e10), rng.log_sym(1e-10, 1e10), 0.0]);
            }
            for _ in 0..n / 4 {
                let s = rng.log_pos(1e-30, if f32 { 1e30 } else { 1e300 });
                v.push([rng.log_sym(0.1, 10.0) * s, rng.log_sym(0.1, 10.0) * s, 0.0]);
            }
            v
        }
        "pow" => {
            let mut v = Vec::new();
            let ys: Vec<f64> = sp.iter().copied().chain([3.0, -3.0, 0.5, 2.5]).collect();
            for &x in &sp {
                for &y in &ys {
                    v.push([x, y, 0.0]);
                }
            }
            for _ in 0..n {
                v.push([rng.log_pos(1e-3, 1e3), rng.uniform(-12.0, 12.0), 0.0]);
            }
            for _ in 0..n / 2 {
                v.push([
                    rng.log_sym(0.1, 10.0),
                    rng.uniform(-30.0, 30.0).round(),
                    0.0,
                ]);
            }
            for _ in 0..n / 4 {
                // near 1 with large exponents, results near the overflow/underflow limits
                let x = 1.0 + rng.log_sym(1e-7, 1e-1);
                let limit = if f32 { 120.0 } else { 1000.0 };
                v.push([x, rng.uniform(-limit, limit) / x.log2(), 0.0]);
            }
            v
        }
        "ldexp" | "scalbn" => {
            let m = if f32 { 300.0 } else { 2200.0 };
            let mut v = Vec::new();
            for &x in &sp {
                v.push([x, 3.0, 0.0]);
            }
            for _ in 0..n {
                v.push([
                    rng.log_sym(if f32 { 1e-45 } else { 1e-320 }, big),
                    rng.uniform(-m, m).round(),
                    0.0,
                ]);
            }
            v
        }
        "fma" => {
            let mut v = Vec::new();
            for &x in &sp {
                v.push([x, 2.0, -1.0]);
                v.push([3.0, x, 1.0]);
                v.push([1.5, 2.0, x]);
            }
            for _ in 0..n {
                let a = rng.log_sym(1e-20, 1e20);
                let b = rng.log_sym(1e-20, 1e20);
                v.push([a, b, rng.log_sym(1e-40, 1e40)]);
                // cancellation: c close to -a*b
                v.push([a, b, -(a * b) * (1.0 + rng.log_sym(1e-17, 1e-10))]);
            }
            v
        }
        _ => one(xs),
    }
}

// ------------------------------------------------------------------------------------------
// References

// The C library's versions where Rust's `std` has none (erf) or a less accurate one
// (`f64::asinh` overflows near the top of the range, `f64::atanh` loses bits near 1).
extern "C" {
    fn erf(x: f64) -> f64;
    fn erfc(x: f64) -> f64;
    fn asinh(x: f64) -> f64;
    fn acosh(x: f64) -> f64;
    fn atanh(x: f64) -> f64;
}

fn c_erf(x: f64) -> f64 {
    // SAFETY: the C math functions are pure functions of their argument.
    unsafe { erf(x) }
}

fn c_erfc(x: f64) -> f64 {
    // SAFETY: as above.
    unsafe { erfc(x) }
}

fn c_asinh(x: f64) -> f64 {
    // SAFETY: as above.
    unsafe { asinh(x) }
}

fn c_acosh(x: f64) -> f64 {
    // SAFETY: as above.
    unsafe { acosh(x) }
}

fn c_atanh(x: f64) -> f64 {
    // SAFETY: as above.
    unsafe { atanh(x) }
}

/// sin(pi x) and cos(pi x) (`cos` when `cosine`) with the argument reduced exactly to
/// |r| <= 1/4 first, so that pi * r keeps its relative accuracy near the zeros.
fn ref_sincospi(x: f64, cosine: bool) -> f64 {
    if !x.is_finite() {
        return f64::NAN;
    }
    let ax = x.abs();
    if ax >= 4_503_599_627_370_496.0 {
        return if cosine { 1.0 } else { 0.0f64.copysign(x) };
    }
    let j = (ax + ax).round_ties_even();
    let r = ax - 0.5 * j;
    let q = (j as i64) & 3;
    let pr = std::f64::consts::PI * r;
    let (s, c) = (pr.sin(), pr.cos());
    let v = match (cosine, q) {
        (false, 0) => s,
        (false, 1) => c,
        (false, 2) => -s,
        (false, _) => -c,
        (true, 0) => c,
        (true, 1) => -s,
        (true, 2) => -c,
        (true, _) => s,
    };
    if v == 0.0 {
        return if cosine { 0.0 } else { 0.0f64.copysign(x) };
    }
    if cosine || x > 0.0 {
        v
    } else {
        -v
    }
}

/// normcdf(x) = erfc(-x / sqrt(2)) / 2 with the argument kept as a double-double (its
/// rounding would otherwise cost up to ~2x^2 ulp).
fn ref_normcdf(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x.is_infinite() {
        return if x > 0.0 { 1.0 } else { 0.0 };
    }
    let s = std::f64::consts::FRAC_1_SQRT_2;
    let s_lo = -4.833_646_656_726_457e-17;
    let th = -x * s;
    let tl = (-x).mul_add(s, -th) - x * s_lo;
    let deriv = -std::f64::consts::FRAC_2_SQRT_PI * (-th * th).exp();
    0.5 * (c_erfc(th) + deriv * tl)
}

/// The reference value of a double-precision builtin.
fn reference_f64(base: &str, a: f64, b: f64, c: f64) -> f64 {
    use cwcc_simt::interp::math as m;
    match base {
        "sin" => a.sin(),
        "cos" => a.cos(),
        "tan" => a.tan(),
        "asin" => a.asin(),
        "acos" => a.acos(),
        "atan" => a.atan(),
        "atan2" => a.atan2(b),
        "sinh" => a.sinh(),
        "cosh" => a.cosh(),
        "tanh" => a.tanh(),
        "asinh" => c_asinh(a),
        "acosh" => c_acosh(a),
        "atanh" => c_atanh(a),
        "exp" => a.exp(),
        "exp2" => a.exp2(),
        "exp10" => 10f64.powf(a),
        "expm1" => a.exp_m1(),
        "log" => a.ln(),
        "log2" => a.log2(),
        "log10" => a.log10(),
        "log1p" => a.ln_1p(),
        "pow" => a.powf(b),
        "cbrt" => a.cbrt(),
        "hypot" => a.hypot(b),
        "erf" => c_erf(a),
        "erfc" => c_erfc(a),
        "fma" => a.mul_add(b, c),
        "round" => a.round(),
        "sinpi" => ref_sincospi(a, false),
        "cospi" => ref_sincospi(a, true),
        "normcdf" => ref_normcdf(a),
        "ldexp" | "scalbn" => m::scale_by_power_of_two(a, b),
        other => panic!("no reference for `{other}`"),
    }
}

/// The reference value, as raw bits of the builtin's width.
fn reference(name: &str, width: FloatWidth, args: &[f64; 3], arity: usize) -> u64 {
    match width {
        FloatWidth::F32 => {
            let bits: Vec<u64> = args[..arity]
                .iter()
                .map(|&x| u64::from((x as f32).to_bits()))
                .collect();
            // erf is odd: erf(-0) = -0 (the executor's series gives +0)
            if base_name(name, width) == "erf" && args[0] == 0.0 {
                return bits[0];
            }
            cwcc_simt::interp::math::call_math(name, &bits).unwrap()
        }
        FloatWidth::F64 => {
            reference_f64(base_name(name, width), args[0], args[1], args[2]).to_bits()
        }
    }
}

/// `sinf` -> `sin`, `__expf` -> `exp`, `sin` -> `sin`.
fn base_name(name: &str, width: FloatWidth) -> &str {
    let n = name.trim_start_matches("__");
    match width {
        FloatWidth::F32 => n.strip_suffix('f').unwrap_or(n),
        FloatWidth::F64 => n,
    }
}

/// CUDA's documented maximum ulp error (programming guide, appendix "Mathematical functions").
fn cuda_bound(base: &str, width: FloatWidth) -> u64 {
    let f32 = width == FloatWidth::F32;
    match base {
        "sin" | "cos" | "asin" | "acos" | "atan" | "cosh" | "tanh" | "exp" | "exp2" | "exp10"
        | "erf"
            if f32 =>
        {
            2
        }
        "tan" | "acosh" | "pow" | "erfc" if f32 => 4,
        "atan2" | "sinh" | "asinh" | "atanh" | "hypot" if f32 => 3,
        "expm1" | "log" | "log2" | "log1p" | "cbrt" | "sinpi" | "cospi" if f32 => 1,
        "log10" if f32 => 2,
        "normcdf" => 5,
        "round" | "ldexp" | "scalbn" | "fma" => 0,
        // double precision
        "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "atan2" | "sinh" | "cosh" | "tanh"
        | "pow" | "hypot" | "erf" | "sinpi" | "cospi" | "atanh" => 2,
        "asinh" | "acosh" => 3,
        "exp" | "exp2" | "exp10" | "expm1" | "log" | "log2" | "log10" | "log1p" | "cbrt" => 1,
        "erfc" => 5,
        other => panic!("no CUDA bound for `{other}`"),
    }
}

/// Maps a float's bits to an integer line where adjacent floats differ by one.
fn ordered(bits: u64, width: FloatWidth) -> i128 {
    let sign = match width {
        FloatWidth::F32 => 1u64 << 31,
        FloatWidth::F64 => 1u64 << 63,
    };
    if bits & sign != 0 {
        -((bits & !sign) as i128)
    } else {
        bits as i128
    }
}

fn to_f64(bits: u64, width: FloatWidth) -> f64 {
    match width {
        FloatWidth::F32 => f64::from(f32::from_bits(bits as u32)),
        FloatWidth::F64 => f64::from_bits(bits),
    }
}

/// One function's measurement.
struct Measured {
    name: &'static str,
    inputs: usize,
    max_ulp: u64,
    bound: u64,
    worst: String,
    special_mismatches: Vec<String>,
}

fn measure(
    module: &Module,
    name: &'static str,
    arity: usize,
    width: FloatWidth,
    rng: &mut Rng,
) -> Measured {
    let base = base_name(name, width);
    let cases = inputs(base, width, count(), rng);
    let size = match width {
        FloatWidth::F32 => 4,
        FloatWidth::F64 => 8,
    };
    let encode = |x: f64| -> Vec<u8> {
        match width {
            FloatWidth::F32 => (x as f32).to_le_bytes().to_vec(),
            FloatWidth::F64 => x.to_le_bytes().to_vec(),
        }
    };
    let mut memory = Memory::new();
    let mut buffers = Vec::new();
    for k in 0..3 {
        let bytes: Vec<u8> = cases.iter().flat_map(|c| encode(c[k])).collect();
        buffers.push(memory.alloc_bytes(&bytes));
    }
    let n = cases.len();
    let out = memory.alloc((n * size) as u64).unwrap();
    let args = [
        ArgValue::Ptr(buffers[0]),
        ArgValue::Ptr(buffers[1]),
        ArgValue::Ptr(buffers[2]),
        ArgValue::Ptr(out),
        ArgValue::I32(n as i32),
    ];
    let blocks = n.div_ceil(128) as u32;
    launch(
        module,
        &format!("k_{name}"),
        [blocks, 1, 1],
        [128, 1, 1],
        0,
        &args,
        &mut memory,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let got = memory.read(out, n * size).unwrap();
    let bound = cuda_bound(base, width);
    let allowed = match width {
        FloatWidth::F32 => bound,
        FloatWidth::F64 => bound + 1,
    };
    let mut m = Measured {
        name,
        inputs: n,
        max_ulp: 0,
        bound,
        worst: String::new(),
        special_mismatches: Vec::new(),
    };
    for (i, case) in cases.iter().enumerate() {
        let chunk = &got[i * size..(i + 1) * size];
        let got_bits = match width {
            FloatWidth::F32 => u64::from(u32::from_le_bytes(chunk.try_into().unwrap())),
            FloatWidth::F64 => u64::from_le_bytes(chunk.try_into().unwrap()),
        };
        // the inputs as the kernel saw them
        let args: [f64; 3] = match width {
            FloatWidth::F32 => [
                f64::from(case[0] as f32),
                f64::from(case[1] as f32),
                f64::from(case[2] as f32),
            ],
            FloatWidth::F64 => *case,
        };
        let want_bits = reference(name, width, &args, arity);
        let (g, w) = (to_f64(got_bits, width), to_f64(want_bits, width));
        let show = || {
            format!(
                "{name}({}) = {g:e}, reference {w:e}",
                args[..arity]
                    .iter()
                    .map(|a| format!("{a:e}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if w.is_nan() || g.is_nan() {
            if !(w.is_nan() && g.is_nan()) {
                m.special_mismatches.push(show());
            }
            continue;
        }
        if (w == 0.0 && g == 0.0 && got_bits != want_bits)
            || (w.is_infinite() && g != w && !g.is_finite())
        {
            m.special_mismatches.push(show());
            continue;
        }
        let ulp = (ordered(got_bits, width) - ordered(want_bits, width)).unsigned_abs() as u64;
        if ulp > m.max_ulp {
            m.max_ulp = ulp;
            m.worst = show();
        }
        if ulp > allowed && m.special_mismatches.len() < 8 && (w.is_infinite() || w == 0.0) {
            m.special_mismatches.push(show());
        }
    }
    m
}

fn run_accuracy(width: FloatWidth, seed: u64) {
    let source = accuracy_source(width);
    let module = compile_linked("devlib_accuracy.cu", &source, None);
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    eprintln!("function      inputs  max ulp  CUDA bound  worst case");
    for (name, arity) in library_builtins(width) {
        let m = measure(&module, name, arity, width, &mut rng);
        let allowed = match width {
            FloatWidth::F32 => m.bound,
            FloatWidth::F64 => m.bound + 1,
        };
        eprintln!(
            "{:<13} {:>6}  {:>7}  {:>10}  {}",
            m.name, m.inputs, m.max_ulp, m.bound, m.worst
        );
        if m.max_ulp > allowed {
            failures.push(format!(
                "{}: {} ulp > {allowed} at {}",
                m.name, m.max_ulp, m.worst
            ));
        }
        for s in &m.special_mismatches {
            failures.push(format!("{}: special value differs: {s}", m.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn f32_library_functions_meet_cuda_bounds() {
    run_accuracy(FloatWidth::F32, 0x1234_5678_9abc_def1);
}

#[test]
fn f64_library_functions_meet_cuda_bounds() {
    run_accuracy(FloatWidth::F64, 0x0fed_cba9_8765_4321);
}

// ------------------------------------------------------------------------------------------
// The conformance suite's math cases with the library linked

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testsuite/conformance")
}

#[derive(Clone, Copy, Debug)]
enum Tolerance {
    Exact,
    Ulp(u64),
    Rel(f64),
}

fn parse_tolerance(text: &str) -> Tolerance {
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (Some("ulp"), Some(n)) => Tolerance::Ulp(n.parse().unwrap()),
        (Some("rel"), Some(x)) => Tolerance::Rel(x.parse().unwrap()),
        _ => Tolerance::Exact,
    }
}

fn close(got: f64, exp: f64, go: i128, eo: i128, tol: Tolerance) -> bool {
    if got.is_nan() || exp.is_nan() {
        return got.is_nan() && exp.is_nan();
    }
    match tol {
        Tolerance::Exact => go == eo,
        Tolerance::Ulp(n) => (go - eo).unsigned_abs() <= u128::from(n),
        Tolerance::Rel(x) => {
            if got.is_infinite() || exp.is_infinite() {
                got == exp
            } else {
                (got - exp).abs() <= x * exp.abs().max(1.0)
            }
        }
    }
}

fn compare(got: &[u8], exp: &NpyArray, tol: Tolerance) -> Option<String> {
    if got.len() != exp.data.len() {
        return Some(format!("{} bytes, expected {}", got.len(), exp.data.len()));
    }
    let width = match exp.dtype {
        DType::F32 => FloatWidth::F32,
        DType::F64 => FloatWidth::F64,
        _ => {
            return (got != exp.data.as_slice()).then(|| "integer output differs".to_string());
        }
    };
    let size = exp.dtype.size();
    for (i, (g, e)) in got
        .chunks_exact(size)
        .zip(exp.data.chunks_exact(size))
        .enumerate()
    {
        let bits = |b: &[u8]| match width {
            FloatWidth::F32 => u64::from(u32::from_le_bytes(b.try_into().unwrap())),
            FloatWidth::F64 => u64::from_le_bytes(b.try_into().unwrap()),
        };
        let (gb, eb) = (bits(g), bits(e));
        let (gf, ef) = (to_f64(gb, width), to_f64(eb, width));
        if !close(gf, ef, ordered(gb, width), ordered(eb, width), tol) {
            return Some(format!("element {i}: got {gf:e}, expected {ef:e}"));
        }
    }
    None
}

fn run_conformance_case(dir: &Path) -> Result<(), String> {
    let args_line = std::fs::read_to_string(dir.join("run.args")).map_err(|e| e.to_string())?;
    let tolerance = parse_tolerance(
        &std::fs::read_to_string(dir.join("tolerance")).unwrap_or_else(|_| "exact".into()),
    );
    let source = std::fs::read_to_string(dir.join("kernel.cu")).map_err(|e| e.to_string())?;
    let name = dir.join("kernel.cu").display().to_string();
    let module = compile_linked(&name, &source, Some(dir));
    let words: Vec<&str> = args_line.split_whitespace().collect();
    let mut kernel = "";
    let mut grid = [1u32; 3];
    let mut block = [1u32; 3];
    let mut args = Vec::new();
    let mut buffers = Vec::new();
    let mut memory = Memory::new();
    let dims = |text: &str| {
        let mut d = [1u32; 3];
        for (slot, part) in d.iter_mut().zip(text.split(',')) {
            *slot = part.parse().unwrap();
        }
        d
    };
    let mut i = 0;
    while i + 1 < words.len() {
        let (flag, value) = (words[i], words[i + 1]);
        i += 2;
        match flag {
            "--kernel" => kernel = value,
            "--grid" => grid = dims(value),
            "--block" => block = dims(value),
            "--arg" => {
                let index = args.len();
                if let Some(path) = value.strip_prefix('@') {
                    let array = read_npy(&std::fs::read(dir.join(path)).unwrap()).unwrap();
                    let ptr = memory.alloc_bytes(&array.data);
                    buffers.push((index, ptr, array.data.len()));
                    args.push(ArgValue::Ptr(ptr));
                } else if let Some(rest) = value.strip_prefix("zeros:") {
                    let (dtype, len) = rest.split_once(':').unwrap();
                    let bytes =
                        DType::from_name(dtype).unwrap().size() * len.parse::<usize>().unwrap();
                    let ptr = memory.alloc(bytes as u64).unwrap();
                    buffers.push((index, ptr, bytes));
                    args.push(ArgValue::Ptr(ptr));
                } else {
                    let (kind, v) = value.split_once(':').unwrap();
                    args.push(match kind {
                        "i32" => ArgValue::I32(v.parse().unwrap()),
                        "u32" => ArgValue::U32(v.parse().unwrap()),
                        "i64" => ArgValue::I64(v.parse().unwrap()),
                        "u64" => ArgValue::U64(v.parse().unwrap()),
                        "f32" => ArgValue::F32(v.parse().unwrap()),
                        _ => ArgValue::F64(v.parse().unwrap()),
                    });
                }
            }
            other => return Err(format!("unexpected run.args word `{other}`")),
        }
    }
    launch(&module, kernel, grid, block, 0, &args, &mut memory).map_err(|e| e.to_string())?;
    let mut compared = 0;
    for (index, ptr, len) in buffers {
        let expected = dir.join("expected").join(format!("arg{index}.npy"));
        let Ok(bytes) = std::fs::read(&expected) else {
            continue;
        };
        let exp = read_npy(&bytes).map_err(|e| format!("{}: {e}", expected.display()))?;
        let got = memory.read(ptr, len).map_err(|e| e.to_string())?;
        if let Some(diff) = compare(&got, &exp, tolerance) {
            return Err(format!("arg{index}: {diff}"));
        }
        compared += 1;
    }
    if compared == 0 {
        return Err("no expected outputs".to_string());
    }
    Ok(())
}

#[test]
fn conformance_math_cases_pass_with_the_library_linked() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.join("run.args").is_file()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("math_"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "expected the math_* conformance cases");
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        match run_conformance_case(dir) {
            Ok(()) => eprintln!("conformance {name}: matches CUDA with the device library"),
            Err(why) => failures.push(format!("{name}: {why}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
