//! `-o FILE.spv`: the options SPIR-V files are compiled with, and the JSON launch manifest
//! written beside each module (SPIR-V has no place for it inside the module that every
//! loader keeps).

use cwcc_simt::ir::{AddrSpace, Module, ParamKind};
use cwcc_spirv::{SpirvKernel, SpirvOptions, SPEC_BLOCK_SIZE};
use serde_json::json;

/// Version of the manifest format; bumped when a field changes meaning.
pub const SPIRV_MANIFEST_VERSION: &str = "cwcc-spirv/2";

/// Options for a SPIR-V file that runs on any Vulkan 1.2 device with `bufferDeviceAddress`,
/// `shaderInt64` and `shaderFloat64`: warp collectives through the workgroup-memory emulation
/// (any subgroup size), exact `f32` division, square root and `fma` through `f64`, no
/// execution modes a device must advertise (`DenormPreserve`, `SignedZeroInfNanPreserve`),
/// no float atomic-add extension (compare-exchange loops instead).
pub fn portable_spirv_options() -> SpirvOptions {
    SpirvOptions {
        subgroup_size: 0,
        atomic_float_add: false,
        float64: true,
        denorm_preserve_f32: false,
        denorm_preserve_f64: false,
        // Some drivers flush f32 subnormals and cannot be told not to (NVIDIA's).
        soft_denormals_f32: true,
        simulate_flush_f32: false,
        preserve_inf_nan: 0,
        exact_by_select: false,
    }
}

/// The launch manifest of one compiled kernel as pretty-printed JSON: everything a Vulkan
/// host needs besides the module (the ABI itself is documented in the `cwcc_spirv` crate
/// docs and in docs/ARCHITECTURE.md).
pub fn spirv_manifest(module: &Module, kernel: &SpirvKernel, options: &SpirvOptions) -> String {
    let info = module.kernel(&kernel.name);
    let params: Vec<serde_json::Value> = kernel
        .params
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let name = info
                .and_then(|k| k.params.get(i))
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let kind = match &slot.kind {
                ParamKind::Scalar(t) => {
                    format!("scalar {}", cwcc_simt::print::type_name(module, *t))
                }
                ParamKind::Pointer(space) => format!("pointer {}", space_name(*space)),
                ParamKind::ByValue(_) => "by-value".to_string(),
            };
            json!({ "name": name, "kind": kind, "offset": slot.offset, "size": slot.size })
        })
        .collect();
    let globals: Vec<serde_json::Value> = kernel
        .globals
        .iter()
        .map(|g| {
            json!({
                "name": g.name,
                "space": space_name(g.space),
                "offset": g.offset,
                "size": g.size,
            })
        })
        .collect();
    let hex: String = kernel
        .globals_init
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = json!({
        "format": SPIRV_MANIFEST_VERSION,
        "kernel": kernel.name,
        "entry_point": "main",
        "push_constant_bytes": kernel.push_constant_size(),
        "params_in_push_constants": kernel.params_in_push_constants,
        "spec_constants": {
            "block_size_xyz": SPEC_BLOCK_SIZE,
            "dynamic_shared_words": cwcc_spirv::SPEC_DYNAMIC_SHARED_WORDS,
        },
        "param_buffer_size": kernel.param_buffer_size,
        "params": params,
        "globals_size": kernel.globals_size,
        "globals": globals,
        "globals_init_hex": hex,
        "static_shared_bytes": kernel.static_shared_bytes,
        "dynamic_shared_offset": kernel.dynamic_shared_offset,
        "uses_dynamic_shared": kernel.uses_dynamic_shared,
        "requires": {
            "subgroup_size_32": kernel.uses_subgroups,
            "shader_clock": kernel.uses_clock,
            "float64": options.float64,
        },
    });
    // Serializing a `Value` cannot fail; fall back to the compact form all the same.
    serde_json::to_string_pretty(&manifest).unwrap_or_else(|_| manifest.to_string()) + "\n"
}

fn space_name(space: AddrSpace) -> &'static str {
    match space {
        AddrSpace::Global => "global",
        AddrSpace::Shared => "shared",
        AddrSpace::Constant => "constant",
        AddrSpace::Local => "local",
        AddrSpace::Param => "param",
        AddrSpace::Generic => "generic",
    }
}
