//! Kernel artifacts made by cwcc, found in a directory by file extension:
//! `*.spv` (SPIR-V, Vulkan), `*.wgsl` (WGSL, WebGPU), `*.wasm` (WebAssembly)
//! and `*.o` (native object; its ELF header tells the CPU architecture).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::DeployError;
use crate::model::CpuArch;

/// What kind of kernel a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtifactKind {
    /// `*.spv`.
    Spirv,
    /// `*.wgsl`.
    Wgsl,
    /// `*.wasm`.
    Wasm,
    /// `*.o`.
    Native,
}

/// One kernel file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artifact {
    /// File name, unique within the set (the ConfigMap key).
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its kind.
    pub kind: ArtifactKind,
    /// Size in bytes.
    pub size: u64,
    /// For native objects: the ELF machine (`Unknown` if not ELF or another machine).
    pub arch: Option<CpuArch>,
}

/// The kernels of one workload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArtifactSet {
    /// All kernel files, sorted by name.
    pub files: Vec<Artifact>,
}

impl ArtifactSet {
    /// Scans `dir` (and subdirectories, 4 levels deep) for kernel files.
    /// Other files are ignored; two kernel files with the same name are an error.
    pub fn scan(dir: &Path) -> Result<Self, DeployError> {
        let meta = std::fs::metadata(dir)
            .map_err(|e| DeployError::io("cannot read artifact directory", dir, &e))?;
        if !meta.is_dir() {
            return Err(
                DeployError::input(format!("`{}` is not a directory", dir.display()))
                    .with_hint("--artifacts takes the directory where cwcc wrote its kernels"),
            );
        }
        let mut files = Vec::new();
        scan_dir(dir, 0, &mut files)?;
        files.sort_by(|a, b| a.name.cmp(&b.name));
        for pair in files.windows(2) {
            if let [a, b] = pair {
                if a.name == b.name {
                    return Err(DeployError::input(format!(
                        "two kernel files are named `{}`: `{}` and `{}`",
                        a.name,
                        a.path.display(),
                        b.path.display()
                    ))
                    .with_hint("kernel file names must be unique across the artifact directory"));
                }
            }
        }
        if files.is_empty() {
            return Err(DeployError::input(format!(
                "no kernel files (*.spv, *.wgsl, *.wasm, *.o) in `{}`",
                dir.display()
            ))
            .with_hint("compile with cwcc first, e.g. `cwcc --target spirv kernel.cu -o out/`"));
        }
        Ok(ArtifactSet { files })
    }

    /// Whether any file of `kind` exists.
    pub fn has(&self, kind: ArtifactKind) -> bool {
        self.files.iter().any(|f| f.kind == kind)
    }

    /// Whether GPU kernels exist (SPIR-V or WGSL).
    pub fn has_gpu_kernels(&self) -> bool {
        self.has(ArtifactKind::Spirv) || self.has(ArtifactKind::Wgsl)
    }

    /// Whether a native object for `arch` exists.
    pub fn has_native_for(&self, arch: CpuArch) -> bool {
        arch != CpuArch::Unknown
            && self
                .files
                .iter()
                .any(|f| f.kind == ArtifactKind::Native && f.arch == Some(arch))
    }

    /// A short summary such as `spirv: 2, wasm: 1, native: 1 (amd64)`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (kind, label) in [
            (ArtifactKind::Spirv, "spirv"),
            (ArtifactKind::Wgsl, "wgsl"),
            (ArtifactKind::Wasm, "wasm"),
            (ArtifactKind::Native, "native"),
        ] {
            let of_kind: Vec<&Artifact> = self.files.iter().filter(|f| f.kind == kind).collect();
            if of_kind.is_empty() {
                continue;
            }
            if kind == ArtifactKind::Native {
                let mut arches: Vec<String> = of_kind
                    .iter()
                    .map(|f| f.arch.unwrap_or(CpuArch::Unknown).to_string())
                    .collect();
                arches.sort();
                arches.dedup();
                parts.push(format!(
                    "{label}: {} ({})",
                    of_kind.len(),
                    arches.join(", ")
                ));
            } else {
                parts.push(format!("{label}: {}", of_kind.len()));
            }
        }
        parts.join(", ")
    }
}

fn scan_dir(dir: &Path, depth: u32, out: &mut Vec<Artifact>) -> Result<(), DeployError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| DeployError::io("cannot read artifact directory", dir, &e))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| DeployError::io("cannot read artifact directory", dir, &e))?;
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|e| DeployError::io("cannot stat", &path, &e))?;
        if file_type.is_dir() {
            if depth < 4 {
                scan_dir(&path, depth + 1, out)?;
            }
            continue;
        }
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("spv") => ArtifactKind::Spirv,
            Some("wgsl") => ArtifactKind::Wgsl,
            Some("wasm") => ArtifactKind::Wasm,
            Some("o") => ArtifactKind::Native,
            _ => continue,
        };
        let name = entry.file_name().to_string_lossy().to_string();
        let size = entry
            .metadata()
            .map_err(|e| DeployError::io("cannot stat", &path, &e))?
            .len();
        let arch = if kind == ArtifactKind::Native {
            Some(elf_arch(&path)?)
        } else {
            None
        };
        out.push(Artifact {
            name,
            path,
            kind,
            size,
            arch,
        });
    }
    Ok(())
}

/// The CPU architecture in an ELF header (`e_machine` 62 = x86-64, 183 = AArch64).
fn elf_arch(path: &Path) -> Result<CpuArch, DeployError> {
    use std::io::Read;
    let mut header = [0u8; 20];
    let mut file =
        std::fs::File::open(path).map_err(|e| DeployError::io("cannot open", path, &e))?;
    let mut filled = 0;
    while filled < header.len() {
        let Some(rest) = header.get_mut(filled..) else {
            break;
        };
        let n = file
            .read(rest)
            .map_err(|e| DeployError::io("cannot read", path, &e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(elf_machine(header.get(..filled).unwrap_or(&[])))
}

/// Reads `e_machine` from the first 20 bytes of an ELF file.
pub fn elf_machine(header: &[u8]) -> CpuArch {
    if header.get(..4) != Some(b"\x7fELF".as_slice()) {
        return CpuArch::Unknown;
    }
    let little_endian = header.get(5) == Some(&1);
    let (Some(&a), Some(&b)) = (header.get(18), header.get(19)) else {
        return CpuArch::Unknown;
    };
    let machine = if little_endian {
        u16::from_le_bytes([a, b])
    } else {
        u16::from_be_bytes([a, b])
    };
    match machine {
        62 => CpuArch::Amd64,
        183 => CpuArch::Arm64,
        _ => CpuArch::Unknown,
    }
}

/// A minimal ELF header for `arch` (tests and demos).
pub fn fake_elf_header(arch: CpuArch) -> Vec<u8> {
    let machine: u16 = match arch {
        CpuArch::Amd64 => 62,
        CpuArch::Arm64 => 183,
        CpuArch::Unknown => 0,
    };
    let mut header = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0];
    header.resize(16, 0);
    header.extend_from_slice(&1u16.to_le_bytes()); // e_type: relocatable
    header.extend_from_slice(&machine.to_le_bytes());
    header.resize(64, 0);
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cw-deploy-art-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn scan_finds_kernels_by_extension() {
        let dir = temp_dir("scan");
        std::fs::write(dir.join("saxpy.spv"), [0x03, 0x02, 0x23, 0x07]).unwrap();
        std::fs::write(dir.join("saxpy.wgsl"), "@compute fn main() {}").unwrap();
        std::fs::create_dir_all(dir.join("cpu")).unwrap();
        std::fs::write(dir.join("cpu/saxpy.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(dir.join("cpu/saxpy-x86.o"), fake_elf_header(CpuArch::Amd64)).unwrap();
        std::fs::write(dir.join("README.txt"), "ignored").unwrap();
        let set = ArtifactSet::scan(&dir).unwrap();
        assert_eq!(set.files.len(), 4);
        assert!(set.has_gpu_kernels());
        assert!(set.has_native_for(CpuArch::Amd64));
        assert!(!set.has_native_for(CpuArch::Arm64));
        assert_eq!(
            set.summary(),
            "spirv: 1, wgsl: 1, wasm: 1, native: 1 (amd64)"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn empty_or_missing_dirs_are_clear_errors() {
        let dir = temp_dir("empty");
        let e = ArtifactSet::scan(&dir).unwrap_err();
        assert!(e.message.contains("no kernel files"), "{}", e.message);
        let e = ArtifactSet::scan(&dir.join("nope")).unwrap_err();
        assert!(
            e.message.contains("cannot read artifact directory"),
            "{}",
            e.message
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn elf_machines() {
        assert_eq!(
            elf_machine(&fake_elf_header(CpuArch::Arm64)),
            CpuArch::Arm64
        );
        assert_eq!(
            elf_machine(&fake_elf_header(CpuArch::Amd64)),
            CpuArch::Amd64
        );
        assert_eq!(elf_machine(b"MZ not elf"), CpuArch::Unknown);
        assert_eq!(elf_machine(b"\x7fELF"), CpuArch::Unknown);
    }
}
