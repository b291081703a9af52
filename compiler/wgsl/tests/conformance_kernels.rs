//! Every conformance kernel through the WGSL backend: each module that compiles is parsed
//! again from its WGSL text by naga's front end and validated (so the text itself is valid
//! WGSL, not only the naga module it came from); kernels the backend rejects must be rejected
//! with an `Unsupported` error (never a panic or an invalid module). Also insta snapshots of
//! the WGSL of a few small kernels.

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_wgsl::{compile, Atomics64, WgslError, WgslOptions};
use std::path::{Path, PathBuf};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testsuite/conformance")
}

/// The kernel name from a case's `run.args`.
fn kernel_name(dir: &Path) -> String {
    let args = std::fs::read_to_string(dir.join("run.args")).unwrap();
    let mut words = args.split_whitespace();
    let mut name = String::new();
    while let Some(w) = words.next() {
        if w == "--kernel" {
            name = words.next().unwrap().to_string();
        }
    }
    name
}

/// The case's module as `cwcc run --backend webgpu` compiles it (device library linked).
fn simt(dir: &Path) -> cwcc_simt::Module {
    let path = dir.join("kernel.cu");
    let text = std::fs::read_to_string(&path).unwrap();
    let out = run_front_end(
        &path.display().to_string(),
        text,
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    assert!(
        !out.diags.has_errors(),
        "{} does not compile",
        path.display()
    );
    let mut module = to_simt(&out, &[], false).unwrap().0;
    cwcc::devlib::link_device_library(&mut module, &cwcc::devlib::is_always_native).unwrap();
    module
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(conformance_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("run.args").is_file())
        .collect();
    cases.sort();
    cases
}

/// Parses `source` back and validates it with the capabilities of `atomics64` (the level the
/// kernel says it needs).
fn reparse(source: &str, atomics64: Atomics64) -> Result<(), String> {
    let module = naga::front::wgsl::parse_str(source).map_err(|e| e.emit_to_string(source))?;
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        atomics64.capabilities(),
    )
    .validate(&module)
    .map_err(|e| e.emit_to_string(source))?;
    Ok(())
}

/// The default options with native 64-bit atomics at `atomics64`.
fn options(atomics64: Atomics64) -> WgslOptions {
    WgslOptions {
        atomics64,
        ..WgslOptions::default()
    }
}

/// Every case at one level of native 64-bit atomics: the names of the valid modules.
fn compile_every_case(atomics64: Atomics64) -> Vec<String> {
    let mut valid = Vec::new();
    let mut unsupported = Vec::new();
    let mut failures = Vec::new();
    for dir in cases() {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let module = simt(&dir);
        match compile(&module, &kernel_name(&dir), &options(atomics64)) {
            Ok(k) if k.atomics64 > atomics64 => {
                failures.push(format!("{case}: needs {:?}", k.atomics64))
            }
            Ok(k) => match reparse(&k.source, k.atomics64) {
                Ok(()) => valid.push(case),
                Err(e) => failures.push(format!("{case}: the WGSL does not parse back: {e}")),
            },
            Err(e @ WgslError::Unsupported { .. }) => unsupported.push(format!("{case}: {e}")),
            Err(e) => failures.push(format!("{case}: {e}")),
        }
    }
    eprintln!(
        "{atomics64:?}: {} modules valid; unsupported:\n{}",
        valid.len(),
        unsupported.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    valid
}

#[test]
fn every_conformance_kernel_compiles_to_valid_wgsl_or_is_unsupported() {
    let portable = compile_every_case(Atomics64::None);
    assert!(
        portable.len() >= 50,
        "only {} valid modules",
        portable.len()
    );
    // Native 64-bit atomics only add kernels, among them the 64-bit min / max case.
    let native = compile_every_case(Atomics64::AllOps);
    assert!(portable.iter().all(|case| native.contains(case)));
    assert!(native.iter().any(|case| case == "atomic_min_max"));
    assert!(!portable.iter().any(|case| case == "atomic_min_max"));
}

#[test]
fn atomic_min_max_needs_only_min_max_and_says_so_without_it() {
    let dir = conformance_dir().join("atomic_min_max");
    let module = simt(&dir);
    let k = compile(&module, &kernel_name(&dir), &options(Atomics64::MinMax)).unwrap();
    assert_eq!(k.atomics64, Atomics64::MinMax);
    let err = compile(&module, &kernel_name(&dir), &options(Atomics64::None)).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("kernel.cu:") && text.contains("SHADER_INT64_ATOMIC_MIN_MAX"),
        "{text}"
    );
}

#[test]
fn f64_is_refused_with_the_kernel_and_the_location() {
    let dir = conformance_dir().join("vec_add_f64");
    let err = compile(&simt(&dir), &kernel_name(&dir), &WgslOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("f64"), "{text}");
    assert!(text.contains("kernel.cu:"), "{text}");
    assert!(text.contains(&kernel_name(&dir)), "{text}");
}

fn wgsl(case: &str) -> String {
    let dir = conformance_dir().join(case);
    compile(&simt(&dir), &kernel_name(&dir), &WgslOptions::default())
        .unwrap()
        .source
}

#[test]
fn snapshot_saxpy_f32() {
    insta::assert_snapshot!(wgsl("saxpy_f32"));
}

#[test]
fn snapshot_dynamic_shared_reverse() {
    insta::assert_snapshot!(wgsl("dynamic_shared_reverse"));
}

#[test]
fn snapshot_histogram_shared_atomics() {
    insta::assert_snapshot!(wgsl("histogram_shared_atomics"));
}

#[test]
fn snapshot_grid_stride_i64() {
    insta::assert_snapshot!(wgsl("grid_stride_i64"));
}
