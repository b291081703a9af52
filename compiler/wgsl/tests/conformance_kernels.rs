//! Every conformance kernel through the WGSL backend: each module that compiles is parsed
//! again from its WGSL text by naga's front end and validated (so the text itself is valid
//! WGSL, not only the naga module it came from); kernels the backend rejects must be rejected
//! with an `Unsupported` error (never a panic or an invalid module). Also insta snapshots of
//! the WGSL of a few small kernels.

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_wgsl::{compile, WgslError, WgslOptions};
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

fn reparse(source: &str) -> Result<(), String> {
    let module = naga::front::wgsl::parse_str(source).map_err(|e| e.emit_to_string(source))?;
    naga::valid::Validator::new(
        naga::valid::ValidationFlags::all(),
        naga::valid::Capabilities::empty(),
    )
    .validate(&module)
    .map_err(|e| e.emit_to_string(source))?;
    Ok(())
}

#[test]
fn every_conformance_kernel_compiles_to_valid_wgsl_or_is_unsupported() {
    let mut valid = 0;
    let mut unsupported = Vec::new();
    let mut failures = Vec::new();
    for dir in cases() {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let module = simt(&dir);
        match compile(&module, &kernel_name(&dir), &WgslOptions::default()) {
            Ok(k) => match reparse(&k.source) {
                Ok(()) => valid += 1,
                Err(e) => failures.push(format!("{case}: the WGSL does not parse back: {e}")),
            },
            Err(e @ WgslError::Unsupported { .. }) => unsupported.push(format!("{case}: {e}")),
            Err(e) => failures.push(format!("{case}: {e}")),
        }
    }
    eprintln!(
        "{valid} modules valid; unsupported:\n{}",
        unsupported.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(valid >= 50, "only {valid} valid modules");
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
