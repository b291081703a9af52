//! The kernel manifest: what a host needs to launch the kernels of a `.wasm` artifact,
//! stored as JSON in the module's `cwcc.manifest` custom section (docs/wasm-abi.md).

use serde::{Deserialize, Serialize};

/// The name of the custom section that holds the manifest.
pub const SECTION_NAME: &str = "cwcc.manifest";

/// The ABI version this backend writes; hosts refuse other versions.
pub const ABI_VERSION: &str = "cwcc-wasm/2";

/// Byte offsets of the launch record's fixed header (docs/wasm-abi.md).
pub mod record {
    /// `gridDim.x, y, z` as three `u32`.
    pub const GRID: u32 = 0;
    /// `blockDim.x, y, z` as three `u32`.
    pub const BLOCK: u32 = 12;
    /// The dynamic shared-memory size in bytes (`u32`).
    pub const DYNAMIC_SHARED: u32 = 24;
    /// Where the kernel parameters start.
    pub const PARAMS: u32 = 32;
}

/// The manifest of one module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`ABI_VERSION`].
    pub abi: String,
    /// The module's static data (device and constant variables, messages) lies in
    /// `[static_base, data_end)`; `cwcc_init` writes it.
    pub static_base: u32,
    /// The first byte after the static data: hosts allocate buffers at or above it.
    pub data_end: u32,
    /// The minimum memory size in 64 KiB pages the module imports.
    pub min_pages: u32,
    /// The kernels, in source order.
    pub kernels: Vec<KernelManifest>,
}

/// One kernel entry point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KernelManifest {
    /// The source name (what `cwcc run --kernel` names).
    pub name: String,
    /// The exported function that runs a range of blocks.
    pub export: String,
    /// The parameters in order, with their places in the launch record.
    pub params: Vec<ParamManifest>,
    /// The size of the launch record (header and parameters) in bytes.
    pub launch_record_bytes: u32,
    /// Bytes of static shared memory at the start of the block's shared buffer.
    pub static_shared_bytes: u64,
    /// Whether the kernel uses dynamic (`extern __shared__`) memory.
    pub uses_dynamic_shared: bool,
    /// Offset of the dynamic shared memory in the block's shared buffer.
    pub dynamic_shared_offset: u64,
    /// The most stack (per-thread copies of locals, call frames) one block needs, or `None`
    /// when it cannot be bounded (recursion).
    pub stack_bytes: Option<u64>,
    /// The most threads a block may have (the `__launch_bounds__` maximum, else 1024): the
    /// per-thread copies of locals have this many slots, and the kernel traps on larger blocks.
    pub max_block_threads: u32,
}

/// How a parameter is passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A scalar of `ty`.
    Scalar,
    /// A device pointer: a 64-bit address (`u64`).
    Pointer,
    /// A struct passed by value: its bytes.
    ByValue,
}

/// One kernel parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamManifest {
    /// The source name (may be empty).
    pub name: String,
    /// How it is passed.
    pub kind: ParamKind,
    /// `i1`, `i8`, `i16`, `i32`, `i64`, `f32`, `f64` for scalars, `ptr` for pointers,
    /// `bytes` for structs.
    pub ty: String,
    /// Byte offset in the launch record.
    pub offset: u32,
    /// Size in bytes.
    pub size: u32,
    /// Alignment in bytes.
    pub align: u32,
}

impl Manifest {
    /// The manifest as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a manifest from JSON, checking the ABI version.
    pub fn from_json(text: &[u8]) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_slice(text)
            .map_err(|e| format!("the `{SECTION_NAME}` section is not a valid manifest: {e}"))?;
        if manifest.abi != ABI_VERSION {
            return Err(format!(
                "the module was built for ABI `{}`, this runtime reads `{ABI_VERSION}`",
                manifest.abi
            ));
        }
        Ok(manifest)
    }

    /// Finds the manifest in a `.wasm` file's custom sections.
    pub fn from_wasm(bytes: &[u8]) -> Result<Manifest, String> {
        for payload in wasmparser::Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(|e| format!("not a valid WebAssembly module: {e}"))?;
            if let wasmparser::Payload::CustomSection(section) = payload {
                if section.name() == SECTION_NAME {
                    return Manifest::from_json(section.data());
                }
            }
        }
        Err(format!(
            "the module has no `{SECTION_NAME}` section: it was not built by cwcc"
        ))
    }

    /// The kernel named `name`, ignoring differences in white space (`k<int,4>` names
    /// `k<int, 4>`).
    pub fn kernel(&self, name: &str) -> Option<&KernelManifest> {
        let squash = |s: &str| s.split_whitespace().collect::<String>();
        self.kernels.iter().find(|k| k.name == name).or_else(|| {
            self.kernels
                .iter()
                .find(|k| squash(&k.name) == squash(name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_checks_the_abi() {
        let manifest = Manifest {
            abi: ABI_VERSION.to_string(),
            static_base: 1024,
            data_end: 2048,
            min_pages: 1,
            kernels: vec![KernelManifest {
                name: "fill<int, 4>".into(),
                export: "k0".into(),
                params: vec![ParamManifest {
                    name: "out".into(),
                    kind: ParamKind::Pointer,
                    ty: "ptr".into(),
                    offset: 32,
                    size: 8,
                    align: 8,
                }],
                launch_record_bytes: 40,
                static_shared_bytes: 0,
                uses_dynamic_shared: false,
                dynamic_shared_offset: 0,
                stack_bytes: Some(0),
                max_block_threads: 1024,
            }],
        };
        let json = manifest.to_json();
        assert_eq!(Manifest::from_json(json.as_bytes()), Ok(manifest.clone()));
        assert!(manifest.kernel("fill<int,4>").is_some());
        let other = json.replace(ABI_VERSION, "cwcc-wasm/0");
        assert!(Manifest::from_json(other.as_bytes())
            .unwrap_err()
            .contains("ABI"));
        assert!(Manifest::from_wasm(b"\0asm\x01\0\0\0")
            .unwrap_err()
            .contains("no `cwcc.manifest`"));
    }
}
