//! Helpers shared by the SPIR-V integration tests.

use cwcc::{run_front_end, to_simt, FsLoader, Stage};
use cwcc_frontend::pp::PpConfig;
use cwcc_spirv::{compile, validate_with_spirv_val, SpirvOptions};

/// Kernel `k` of the CUDA `source`, compiled for 32-wide subgroups with the `f32` subnormal
/// emulation (as for NVIDIA's driver), checked by spirv-val where it is installed.
pub fn soft_denormals_module(source: &str) -> rspirv::dr::Module {
    let out = run_front_end(
        "k.cu",
        source.to_string(),
        &PpConfig::nvcc(),
        &FsLoader,
        Stage::Hir,
    );
    assert!(!out.diags.has_errors(), "the test kernel does not compile");
    let module = to_simt(&out, &[], false).unwrap().0;
    let options = SpirvOptions {
        subgroup_size: 32,
        float64: true,
        soft_denormals_f32: true,
        ..SpirvOptions::default()
    };
    let k = compile(&module, "k", &options).unwrap();
    if let Ok(Some(msg)) = validate_with_spirv_val(&k.words) {
        panic!("invalid module: {msg}");
    }
    rspirv::dr::load_words(&k.words).unwrap()
}
