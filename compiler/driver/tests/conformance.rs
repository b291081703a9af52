//! The conformance suite: every case in `testsuite/conformance` runs through `cwcc run` on the
//! reference executor (`--backend interp`), on WebAssembly (`--backend wasm`), on Vulkan
//! (`--backend vulkan`, when the machine has a Vulkan device: lavapipe in CI) and on WebGPU
//! (`--backend webgpu` through wgpu, when it finds an adapter), and its buffers
//! must match the outputs that real CUDA produced on an H100 (integers exactly, floats within
//! the case's `tolerance`).
//!
//! Cases that do not pass yet on a backend are listed, each with its reason, in
//! `testsuite/conformance/known_failures*.txt`. A test fails when a case outside its list
//! fails, and also when a listed case passes (so the lists only shrink).

use cwcc_runtime::npy::{read_npy, DType, NpyArray};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

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

/// Maps a float's bits to an integer line where adjacent floats differ by one.
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

/// The value of IEEE binary16 bits (exact in f64).
fn f16_value(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let mant = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * mant * 2f64.powi(-24),
        31 if mant == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        _ => sign * (1024.0 + mant) * 2f64.powi(exp - 25),
    }
}

/// `None` when the buffers match; otherwise the first mismatch.
fn compare(got: &NpyArray, exp: &NpyArray, tol: Tolerance) -> Option<String> {
    if got.data.len() != exp.data.len() {
        return Some(format!(
            "{} bytes, expected {}",
            got.data.len(),
            exp.data.len()
        ));
    }
    match exp.dtype {
        DType::F32 => {
            for (i, (g, e)) in got
                .data
                .chunks_exact(4)
                .zip(exp.data.chunks_exact(4))
                .enumerate()
            {
                let gb = u32::from_le_bytes([g[0], g[1], g[2], g[3]]);
                let eb = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                let (gf, ef) = (f32::from_bits(gb) as f64, f32::from_bits(eb) as f64);
                let (go, eo) = (ordered(gb as u64, 1 << 31), ordered(eb as u64, 1 << 31));
                if !float_close(gf, ef, go, eo, tol) {
                    return Some(format!("element {i}: got {gf:e}, expected {ef:e}"));
                }
            }
            None
        }
        DType::F16 => {
            for (i, (g, e)) in got
                .data
                .chunks_exact(2)
                .zip(exp.data.chunks_exact(2))
                .enumerate()
            {
                let gb = u16::from_le_bytes([g[0], g[1]]);
                let eb = u16::from_le_bytes([e[0], e[1]]);
                let (gf, ef) = (f16_value(gb), f16_value(eb));
                let (go, eo) = (ordered(gb as u64, 1 << 15), ordered(eb as u64, 1 << 15));
                if !float_close(gf, ef, go, eo, tol) {
                    return Some(format!("element {i}: got {gf:e}, expected {ef:e}"));
                }
            }
            None
        }
        DType::F64 => {
            for (i, (g, e)) in got
                .data
                .chunks_exact(8)
                .zip(exp.data.chunks_exact(8))
                .enumerate()
            {
                let gb = u64::from_le_bytes(g.try_into().unwrap_or([0; 8]));
                let eb = u64::from_le_bytes(e.try_into().unwrap_or([0; 8]));
                let (gf, ef) = (f64::from_bits(gb), f64::from_bits(eb));
                if !float_close(gf, ef, ordered(gb, 1 << 63), ordered(eb, 1 << 63), tol) {
                    return Some(format!("element {i}: got {gf:e}, expected {ef:e}"));
                }
            }
            None
        }
        dtype => {
            let size = dtype.size();
            got.data
                .chunks_exact(size)
                .zip(exp.data.chunks_exact(size))
                .position(|(g, e)| g != e)
                .map(|i| format!("element {i} differs ({})", dtype.name()))
        }
    }
}

/// Runs one case; `Err` says why it does not pass.
fn run_case(dir: &Path, out_dir: &Path, backend: &str) -> Result<(), String> {
    let args_line = std::fs::read_to_string(dir.join("run.args")).map_err(|e| e.to_string())?;
    let tolerance = parse_tolerance(
        &std::fs::read_to_string(dir.join("tolerance")).unwrap_or_else(|_| "exact".into()),
    )?;
    let _ = std::fs::remove_dir_all(out_dir);
    // `wasm-simd`: the kernel is compiled first with `-msimd128`, then the artifact runs.
    let mut input = PathBuf::from("kernel.cu");
    let mut backend = backend;
    if backend == "wasm-simd" {
        std::fs::create_dir_all(out_dir).map_err(|e| e.to_string())?;
        let artifact = out_dir.join("kernel.wasm");
        let output = Command::new(env!("CARGO_BIN_EXE_cwcc"))
            .current_dir(dir)
            .args(["kernel.cu", "-msimd128", "-o"])
            .arg(&artifact)
            .output()
            .map_err(|e| format!("cannot run cwcc: {e}"))?;
        if !output.status.success() {
            let err = String::from_utf8_lossy(&output.stderr);
            return Err(err.lines().next().unwrap_or("compile failed").to_string());
        }
        input = artifact;
        backend = "wasm";
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_cwcc"));
    // `vulkan-soft-denormals`: Vulkan with the f32 subnormal emulation that devices which
    // flush subnormals get (NVIDIA's), on a device made to flush them as NVIDIA's driver
    // does (`CWCC_VK_SIMULATE_FTZ`, lavapipe itself keeps them): the emulation must repair
    // every flushed result.
    if backend == "vulkan-soft-denormals" {
        command.env("CWCC_VK_SOFT_DENORMALS", "1");
        command.env("CWCC_VK_SIMULATE_FTZ", "1");
        backend = "vulkan";
    }
    // `webgpu-soft-denormals`: the same for WebGPU (the emulation NVIDIA's driver gets).
    if backend == "webgpu-soft-denormals" {
        command.env("CWCC_WGPU_SOFT_DENORMALS", "1");
        backend = "webgpu";
    }
    // `webgpu-simulated-subgroups`: warp collectives through the code that devices whose
    // subgroups are CUDA's warps (NVIDIA's) run, with workgroup-memory stand-ins for the
    // subgroup built-ins (lavapipe's subgroups are 8 wide).
    if backend == "webgpu-simulated-subgroups" {
        command.env("CWCC_WGPU_SIMULATE_SUBGROUPS", "1");
        backend = "webgpu";
    }
    if backend == "vulkan" {
        // The Khronos validation layer checks every launch where it is installed (CI installs
        // it); any validation error fails the launch.
        command.env("CWCC_VULKAN_VALIDATION", "1");
    }
    let output = command
        .current_dir(dir)
        .arg("run")
        .arg(&input)
        .args(args_line.split_whitespace())
        .args(["--backend", backend, "--out-dir"])
        .arg(out_dir)
        .output()
        .map_err(|e| format!("cannot run cwcc: {e}"))?;
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let first = err
            .lines()
            // libwayland prints this when wgpu's Vulkan instance probes for a display on a
            // machine without one: noise, not cwcc's error.
            .find(|l| l.starts_with("error") && !l.contains("XDG_RUNTIME_DIR"))
            .unwrap_or("cwcc run failed");
        return Err(first.to_string());
    }
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
        let read = |p: &Path| -> Result<NpyArray, String> {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            read_npy(&bytes).map_err(|e| format!("{}: {e}", p.display()))
        };
        let exp = read(&exp_path)?;
        let got = read(&out_dir.join(&name))?;
        if let Some(diff) = compare(&got, &exp, tolerance) {
            return Err(format!("{name}: {diff}"));
        }
    }
    Ok(())
}

fn known_failures(file: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(conformance_dir().join(file))
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
fn conformance_cases_match_cuda_on_interp() {
    run_suite("interp", "known_failures.txt", true);
}

#[test]
fn conformance_cases_match_cuda_on_wasm() {
    run_suite("wasm", "known_failures_wasm.txt", true);
}

#[test]
fn conformance_cases_match_cuda_on_wasm_with_simd128() {
    run_suite("wasm-simd", "known_failures_wasm.txt", true);
}

/// Runs the suite on Vulkan as `backend` (`vulkan` or `vulkan-soft-denormals`), when the
/// machine has a Vulkan device (CI installs Mesa's lavapipe; elsewhere there may be none).
fn run_vulkan_suite(backend: &str) {
    let device = match cwcc_runtime::vulkan::VulkanDevice::new() {
        Ok(device) => device.name().to_string(),
        Err(why) => {
            eprintln!("skipped: no Vulkan device ({why})");
            return;
        }
    };
    // The list was made on Debian 12's lavapipe (llvmpipe, LLVM 15); some of its math cases
    // depend on how the driver rounds, so on another device a listed case that passes is
    // reported, not an error.
    let list_device = device.contains("llvmpipe") && device.contains("LLVM 15");
    eprintln!("vulkan device: {device}");
    run_suite(backend, "known_failures_vulkan.txt", list_device);
}

#[test]
fn conformance_cases_match_cuda_on_vulkan() {
    run_vulkan_suite("vulkan");
}

#[test]
fn conformance_cases_match_cuda_on_vulkan_with_soft_denormals() {
    run_vulkan_suite("vulkan-soft-denormals");
}

/// Runs the suite on WebGPU as `backend` (`webgpu`, `webgpu-soft-denormals` or
/// `webgpu-simulated-subgroups`), when wgpu finds an adapter; only the cases that `select`
/// accepts (by kernel source).
fn run_webgpu_suite(backend: &str, select: fn(&str) -> bool) {
    // wgpu runs on the machine's Vulkan driver (lavapipe in CI); a machine may have none.
    let device = match cwcc_runtime::webgpu::WebGpuDevice::new() {
        Ok(device) => device.name().to_string(),
        Err(why) => {
            eprintln!("skipped: no WebGPU adapter ({why})");
            return;
        }
    };
    // The list was made on Debian 12's lavapipe (llvmpipe, LLVM 15) through wgpu's Vulkan
    // backend; elsewhere a listed case that passes is reported, not an error.
    let list_device = device.contains("llvmpipe") && device.contains("LLVM 15");
    eprintln!("webgpu adapter: {device}");
    run_suite_of(backend, "known_failures_webgpu.txt", list_device, select);
}

/// Every case.
fn all_cases(_source: &str) -> bool {
    true
}

/// The cases whose kernels use warp collectives (shuffles, votes, matches, warp reductions,
/// `__activemask`, cooperative groups); the others compile the same whatever the warp mode.
fn warp_cases(source: &str) -> bool {
    [
        "__shfl",
        "__ballot",
        "__any_sync",
        "__all_sync",
        "__reduce_",
        "__match",
        "__activemask",
        "cooperative_groups",
        "__syncwarp",
    ]
    .iter()
    .any(|k| source.contains(k))
}

#[test]
fn conformance_cases_match_cuda_on_webgpu() {
    run_webgpu_suite("webgpu", all_cases);
}

/// The code NVIDIA's WebGPU gets for warp collectives (subgroup built-ins) with stand-ins for
/// the built-ins: the warp cases pass.
#[test]
fn conformance_cases_match_cuda_on_webgpu_with_simulated_subgroups() {
    run_webgpu_suite("webgpu-simulated-subgroups", warp_cases);
}

/// With the f32 subnormal emulation forced on (lavapipe keeps subnormals, so the exact paths
/// run wherever the checks send them and must give CUDA's results): the same cases pass.
#[test]
fn conformance_cases_match_cuda_on_webgpu_with_soft_denormals() {
    run_webgpu_suite("webgpu-soft-denormals", all_cases);
}

/// Runs every case on `backend`; cases listed in `known_file` must fail (when
/// `listed_must_fail`), the others pass.
fn run_suite(backend: &str, known_file: &str, listed_must_fail: bool) {
    run_suite_of(backend, known_file, listed_must_fail, all_cases);
}

/// [`run_suite`] over the cases whose kernel source `select` accepts (known failures of
/// other cases are ignored).
fn run_suite_of(backend: &str, known_file: &str, listed_must_fail: bool, select: fn(&str) -> bool) {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .expect("testsuite/conformance exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("run.args").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 50, "expected at least 50 conformance cases");
    let cases: Vec<PathBuf> = cases
        .into_iter()
        .filter(|p| select(&std::fs::read_to_string(p.join("kernel.cu")).unwrap_or_default()))
        .collect();
    assert!(!cases.is_empty(), "no conformance case selected");
    let scratch =
        std::env::temp_dir().join(format!("cwcc-conformance-{backend}-{}", std::process::id()));
    let results: Vec<(String, Result<(), String>)> = std::thread::scope(|s| {
        let chunks: Vec<&[PathBuf]> = cases.chunks(cases.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .enumerate()
            .map(|(t, chunk)| {
                let scratch = scratch.join(format!("t{t}"));
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|dir| {
                            let name = dir
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default();
                            (name, run_case(dir, &scratch, backend))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    });
    let _ = std::fs::remove_dir_all(&scratch);

    let selected: Vec<&str> = results.iter().map(|(name, _)| name.as_str()).collect();
    let mut known = known_failures(known_file);
    known.retain(|name, _| selected.contains(&name.as_str()));
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut passed = 0;
    for (name, result) in &results {
        match (result, known.contains_key(name)) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => fixed.push(name.clone()),
            (Err(why), false) => unexpected.push(format!("{name}: {why}")),
            (Err(why), true) => eprintln!("known failure {name}: {why}"),
        }
    }
    eprintln!(
        "conformance on {backend}: {passed} of {} cases match CUDA, {} known failures",
        results.len(),
        known.len()
    );
    assert!(
        unexpected.is_empty(),
        "conformance cases failing on {backend}:\n{}",
        unexpected.join("\n")
    );
    if !listed_must_fail && !fixed.is_empty() {
        eprintln!("listed in {known_file} but passing on this device: {fixed:?}");
        return;
    }
    assert!(
        fixed.is_empty(),
        "these cases pass on {backend} now: remove them from {known_file}: {fixed:?}"
    );
}
