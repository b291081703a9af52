//! Every conformance kernel through the SPIR-V backend: each module that compiles must pass
//! `spirv-val --target-env vulkan1.2`; kernels the backend rejects must be rejected with an
//! `Unsupported` error (never a panic or an invalid module). Also insta snapshots of the
//! disassembly of a few small kernels.

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_spirv::{compile, validate_with_spirv_val, SpirvError, SpirvOptions};
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
    to_simt(&out, &[], false).unwrap().0
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

fn spirv_val_available() -> bool {
    std::process::Command::new("spirv-val")
        .arg("--version")
        .output()
        .is_ok()
}

#[test]
fn every_conformance_kernel_compiles_to_valid_spirv_or_is_unsupported() {
    let validate = spirv_val_available();
    if !validate {
        eprintln!("spirv-val is not installed: modules are built but not validated");
    }
    let mut valid = 0;
    let mut unsupported = Vec::new();
    let mut failures = Vec::new();
    // The third pass also emulates f32 subnormals (as for NVIDIA's driver), the fourth
    // picks the emulation's exact results with selects instead of branches.
    for (subgroup_size, soft_denormals, exact_by_select) in [
        (8, false, false),
        (32, false, false),
        (32, true, false),
        (32, true, true),
    ] {
        let options = SpirvOptions {
            subgroup_size,
            float64: soft_denormals,
            soft_denormals_f32: soft_denormals,
            exact_by_select,
            ..SpirvOptions::default()
        };
        for dir in cases() {
            let case = dir.file_name().unwrap().to_string_lossy().into_owned();
            let module = simt(&dir);
            match compile(&module, &kernel_name(&dir), &options) {
                Ok(k) => {
                    if validate {
                        match validate_with_spirv_val(&k.words) {
                            Ok(None) => valid += 1,
                            Ok(Some(msg)) => failures.push(format!("{case}: {msg}")),
                            Err(e) => failures.push(format!("{case}: {e}")),
                        }
                    } else {
                        valid += 1;
                    }
                }
                Err(e @ SpirvError::Unsupported { .. }) => {
                    unsupported.push(format!("{case} (subgroup {subgroup_size}): {e}"))
                }
                Err(e) => failures.push(format!("{case}: {e}")),
            }
        }
    }
    eprintln!(
        "{valid} modules valid; unsupported:\n{}",
        unsupported.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(valid >= 150, "only {valid} valid modules");
}

fn disassemble(case: &str) -> String {
    use rspirv::binary::Disassemble;
    let dir = conformance_dir().join(case);
    let k = compile(&simt(&dir), &kernel_name(&dir), &SpirvOptions::default()).unwrap();
    let module = rspirv::dr::load_words(&k.words).unwrap();
    module.disassemble()
}

#[test]
fn snapshot_saxpy() {
    insta::assert_snapshot!(disassemble("saxpy_f32"));
}

#[test]
fn snapshot_dynamic_shared_reverse() {
    insta::assert_snapshot!(disassemble("dynamic_shared_reverse"));
}

#[test]
fn snapshot_histogram_shared_atomics() {
    insta::assert_snapshot!(disassemble("histogram_shared_atomics"));
}

#[test]
fn snapshot_grid_stride_i64() {
    insta::assert_snapshot!(disassemble("grid_stride_i64"));
}
