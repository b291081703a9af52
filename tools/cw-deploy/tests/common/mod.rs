//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use cw_deploy::model::CpuArch;

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cw-deploy-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An artifact directory with deterministic kernels of every kind.
pub fn artifact_dir(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    // A SPIR-V header: magic, version 1.3, generator, bound, schema.
    let spirv: Vec<u8> = [0x0723_0203u32, 0x0001_0300, 0, 16, 0]
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    std::fs::write(dir.join("saxpy.spv"), spirv).unwrap();
    std::fs::write(
        dir.join("saxpy.wgsl"),
        "@group(0) @binding(0) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(64)\nfn main(@builtin(global_invocation_id) id: vec3<u32>) { y[id.x] = 2.0 * y[id.x]; }\n",
    )
    .unwrap();
    std::fs::write(dir.join("saxpy.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(
        dir.join("saxpy-arm64.o"),
        cw_deploy::artifacts::fake_elf_header(CpuArch::Arm64),
    )
    .unwrap();
    dir
}
