//! The conformance suite on Vulkan: every case in `testsuite/conformance` is compiled to
//! SPIR-V (`cwcc-spirv`) and run through the Vulkan runtime backend on the machine's best
//! Vulkan device (lavapipe in CI); its buffers must match the outputs that real CUDA
//! produced on an H100, with the same tolerance rules as `conformance.rs`.
//!
//! Cases that do not pass yet are listed with their reason in
//! `testsuite/conformance/known_failures_vulkan.txt`; the test fails when a case outside the
//! list fails and when a listed case passes. Without a Vulkan device the test says why and
//! passes. `VK_LAYER_KHRONOS_validation` is enabled when it is installed.

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_runtime::npy::{read_npy, DType, NpyArray};
use cwcc_runtime::vulkan::VulkanDevice;
use cwcc_simt::ir::{FloatWidth, IntWidth, ParamKind, Type};
use cwcc_spirv::SpirvOptions;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testsuite/conformance")
}

/// How float outputs are compared.
#[derive(Clone, Copy, Debug)]
enum Tolerance {
    Exact,
    Ulp(u64),
    Rel(f64),
}

fn parse_tolerance(text: &str) -> Result<Tolerance, String> {
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (Some("exact"), _) => Ok(Tolerance::Exact),
        (Some("ulp"), Some(n)) => n.parse().map(Tolerance::Ulp).map_err(|e| format!("{e}")),
        (Some("rel"), Some(x)) => x.parse().map(Tolerance::Rel).map_err(|e| format!("{e}")),
        _ => Err(format!("bad tolerance `{}`", text.trim())),
    }
}

fn ordered(bits: u64, sign_bit: u64) -> i128 {
    if bits & sign_bit != 0 {
        -((bits & !sign_bit) as i128)
    } else {
        bits as i128
    }
}

fn float_close(got: f64, exp: f64, got_ord: i128, exp_ord: i128, tol: Tolerance) -> bool {
    if got.is_nan() || exp.is_nan() {
        return got.is_nan() && exp.is_nan();
    }
    match tol {
        Tolerance::Exact => got_ord == exp_ord,
        Tolerance::Ulp(n) => (got_ord - exp_ord).unsigned_abs() <= n as u128,
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
    match exp.dtype {
        DType::F32 => got
            .chunks_exact(4)
            .zip(exp.data.chunks_exact(4))
            .enumerate()
            .find_map(|(i, (g, e))| {
                let gb = u32::from_le_bytes([g[0], g[1], g[2], g[3]]);
                let eb = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                let (gf, ef) = (f32::from_bits(gb) as f64, f32::from_bits(eb) as f64);
                let (go, eo) = (ordered(gb as u64, 1 << 31), ordered(eb as u64, 1 << 31));
                (!float_close(gf, ef, go, eo, tol))
                    .then(|| format!("element {i}: got {gf:e}, expected {ef:e}"))
            }),
        DType::F64 => got
            .chunks_exact(8)
            .zip(exp.data.chunks_exact(8))
            .enumerate()
            .find_map(|(i, (g, e))| {
                let gb = u64::from_le_bytes(g.try_into().unwrap_or([0; 8]));
                let eb = u64::from_le_bytes(e.try_into().unwrap_or([0; 8]));
                let (gf, ef) = (f64::from_bits(gb), f64::from_bits(eb));
                (!float_close(gf, ef, ordered(gb, 1 << 63), ordered(eb, 1 << 63), tol))
                    .then(|| format!("element {i}: got {gf:e}, expected {ef:e}"))
            }),
        dtype => {
            let size = dtype.size();
            got.chunks_exact(size)
                .zip(exp.data.chunks_exact(size))
                .position(|(g, e)| g != e)
                .map(|i| format!("element {i} differs ({})", dtype.name()))
        }
    }
}

/// One `--arg` of `run.args`.
enum Arg {
    Scalar { kind: String, text: String },
    Buffer(NpyArray),
}

struct RunArgs {
    kernel: String,
    grid: [u32; 3],
    block: [u32; 3],
    shared_bytes: u64,
    args: Vec<Arg>,
}

fn dims(text: &str) -> Result<[u32; 3], String> {
    let mut d = [1u32; 3];
    for (slot, part) in d.iter_mut().zip(text.split(',')) {
        *slot = part
            .trim()
            .parse()
            .map_err(|_| format!("bad dims `{text}`"))?;
    }
    Ok(d)
}

fn parse_run_args(dir: &Path) -> Result<RunArgs, String> {
    let line = std::fs::read_to_string(dir.join("run.args")).map_err(|e| e.to_string())?;
    let mut words = line.split_whitespace();
    let mut r = RunArgs {
        kernel: String::new(),
        grid: [1; 3],
        block: [1; 3],
        shared_bytes: 0,
        args: Vec::new(),
    };
    while let Some(w) = words.next() {
        let mut value = || words.next().ok_or_else(|| format!("`{w}` without a value"));
        match w {
            "--kernel" => r.kernel = value()?.to_string(),
            "--grid" => r.grid = dims(value()?)?,
            "--block" => r.block = dims(value()?)?,
            "--shared-bytes" => {
                r.shared_bytes = value()?.parse().map_err(|_| "bad --shared-bytes")?
            }
            "--arg" => {
                let spec = value()?;
                if let Some(path) = spec.strip_prefix('@') {
                    let bytes =
                        std::fs::read(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
                    r.args.push(Arg::Buffer(
                        read_npy(&bytes).map_err(|e| format!("{path}: {e}"))?,
                    ));
                } else if let Some(rest) = spec.strip_prefix("zeros:") {
                    let (dtype, len) = rest.split_once(':').ok_or("bad zeros spec")?;
                    let dtype = DType::from_name(dtype).ok_or("bad dtype")?;
                    let len: usize = len.parse().map_err(|_| "bad length")?;
                    r.args.push(Arg::Buffer(NpyArray {
                        dtype,
                        shape: vec![len],
                        data: vec![0; len * dtype.size()],
                    }));
                } else {
                    let (kind, text) = spec.split_once(':').ok_or("bad scalar spec")?;
                    r.args.push(Arg::Scalar {
                        kind: kind.to_string(),
                        text: text.to_string(),
                    });
                }
            }
            other => return Err(format!("unknown run.args word `{other}`")),
        }
    }
    Ok(r)
}

/// The bytes of a scalar argument for a parameter of type `ty`.
fn scalar_bytes(kind: &str, text: &str, ty: Option<&Type>) -> Result<Vec<u8>, String> {
    let bad = || format!("bad scalar `{kind}:{text}`");
    let bytes = match kind {
        "i32" => text
            .parse::<i32>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        "u32" => text
            .parse::<u32>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        "i64" => text
            .parse::<i64>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        "u64" => text
            .parse::<u64>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        "f32" => text
            .parse::<f32>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        "f64" => text
            .parse::<f64>()
            .map_err(|_| bad())?
            .to_le_bytes()
            .to_vec(),
        _ => return Err(bad()),
    };
    let size = match ty {
        Some(Type::Bool) | Some(Type::Int(IntWidth::W8)) => 1,
        Some(Type::Int(IntWidth::W16)) => 2,
        Some(Type::Int(IntWidth::W32)) | Some(Type::Float(FloatWidth::F32)) => 4,
        _ => 8,
    };
    if bytes.len() < size {
        return Err(format!("`{kind}:{text}` is too small for its parameter"));
    }
    Ok(bytes[..size].to_vec())
}

fn run_case(dev: &mut VulkanDevice, dir: &Path) -> Result<(), String> {
    let run = parse_run_args(dir)?;
    let tolerance = parse_tolerance(
        &std::fs::read_to_string(dir.join("tolerance")).unwrap_or_else(|_| "exact".into()),
    )?;
    let path = dir.join("kernel.cu");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let out = run_front_end(
        &path.display().to_string(),
        text,
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    if out.diags.has_errors() {
        return Err("does not compile".into());
    }
    let (module, _) = to_simt(&out, &[], false)?;
    let options = SpirvOptions {
        subgroup_size: dev.subgroup_size(),
        ..SpirvOptions::default()
    };
    let kernel = cwcc_spirv::compile(&module, &run.kernel, &options).map_err(|e| e.to_string())?;
    let mut param_bytes = Vec::new();
    let mut buffers = Vec::new();
    for (i, (arg, slot)) in run.args.iter().zip(&kernel.params).enumerate() {
        match arg {
            Arg::Buffer(array) => {
                let b = dev.alloc(array.data.len())?;
                dev.write(b, &array.data)?;
                param_bytes.push(dev.device_address(b)?.to_le_bytes().to_vec());
                buffers.push((i, b));
            }
            Arg::Scalar { kind, text } => {
                let ty = match &slot.kind {
                    ParamKind::Scalar(t) => module.type_of(*t),
                    _ => None,
                };
                param_bytes.push(scalar_bytes(kind, text, ty)?);
            }
        }
    }
    let params = kernel.param_buffer(&param_bytes)?;
    let launched = dev.launch(&kernel, run.grid, run.block, run.shared_bytes, &params);
    let mut outputs = BTreeMap::new();
    for (i, b) in &buffers {
        outputs.insert(format!("arg{i}.npy"), dev.read(*b));
        dev.free(*b);
    }
    launched?;
    let expected_dir = dir.join("expected");
    let mut expected: Vec<PathBuf> = std::fs::read_dir(&expected_dir)
        .map_err(|e| format!("{}: {e}", expected_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    expected.sort();
    for exp_path in expected {
        let name = exp_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&exp_path).map_err(|e| e.to_string())?;
        let exp = read_npy(&bytes).map_err(|e| e.to_string())?;
        let got = outputs
            .remove(&name)
            .ok_or_else(|| format!("{name}: no such output"))??;
        if let Some(diff) = compare(&got, &exp, tolerance) {
            return Err(format!("{name}: {diff}"));
        }
    }
    Ok(())
}

fn known_failures() -> BTreeMap<String, String> {
    std::fs::read_to_string(conformance_dir().join("known_failures_vulkan.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

#[test]
fn conformance_cases_match_cuda_on_vulkan() {
    let mut dev = match VulkanDevice::with_validation(true) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("skipped: no Vulkan device: {e}");
            return;
        }
    };
    eprintln!(
        "Vulkan device: {} (subgroup size {})",
        dev.name(),
        dev.subgroup_size()
    );
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("testsuite/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("run.args").is_file())
        .collect();
    cases.sort();
    let only = std::env::var("CWCC_CONFORMANCE_CASE").ok();
    let known = known_failures();
    let (mut passed, mut total) = (0, 0);
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for dir in &cases {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.as_ref().is_some_and(|o| *o != name) {
            continue;
        }
        total += 1;
        let result = run_case(&mut dev, dir);
        match (&result, known.contains_key(&name)) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => fixed.push(name.clone()),
            (Err(why), false) => unexpected.push(format!("{name}: {why}")),
            (Err(why), true) => eprintln!("known failure {name}: {why}"),
        }
    }
    eprintln!(
        "conformance on Vulkan ({}): {passed} of {total} cases match CUDA, {} known failures",
        dev.name(),
        known.len()
    );
    assert!(
        unexpected.is_empty(),
        "conformance cases failing on Vulkan:\n{}",
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "these cases pass now: remove them from known_failures_vulkan.txt: {fixed:?}"
    );
}
