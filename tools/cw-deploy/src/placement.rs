//! Placement: which host and runtime backend each replica of a workload gets.
//!
//! Rules, in order of preference for every replica:
//! 1. GPU hosts, if the workload has GPU kernels (SPIR-V or WGSL): the
//!    `vulkan` backend on a free passthrough GPU, then on a free vGPU slot.
//!    GPUs of the preferred vendor come first; other vendors (all three are
//!    Vulkan-capable) come next.
//! 2. CPU placement on any host (CPU-only and Arm hosts included): the
//!    `native` backend when a native object for the host's architecture
//!    exists, else the portable `wasm` backend when a `.wasm` kernel exists.
//!
//! Within the GPU ranks, the host with the fewest replicas so far wins
//! (spreading), then the name (determinism). Among CPU placements, spreading
//! comes first and `native` beats `wasm` on hosts with equal replica counts. Every placement carries its reason; replicas
//! that fit nowhere are listed with the reasons each host was rejected.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::artifacts::{ArtifactKind, ArtifactSet};
use crate::error::DeployError;
use crate::model::{CpuArch, GpuMode, GpuVendor, Inventory};

/// The cwcc runtime backend a replica uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// SPIR-V / WGSL kernels on a GPU through Vulkan.
    Vulkan,
    /// Native SIMD object code for the host CPU.
    Native,
    /// Portable WebAssembly on the host CPU.
    Wasm,
}

impl Backend {
    /// The value of `CWCC_BACKEND`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Vulkan => "vulkan",
            Backend::Native => "native",
            Backend::Wasm => "wasm",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is to be deployed.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    /// Name (DNS-1123 label: lowercase letters, digits, `-`).
    pub name: String,
    /// The kernels.
    pub artifacts: ArtifactSet,
    /// How many replicas.
    pub replicas: u32,
    /// Host memory per replica, MiB.
    pub memory_mib: u64,
    /// GPU memory each GPU replica needs, MiB (0: any).
    pub gpu_memory_mib: u64,
    /// Preferred GPU vendor.
    pub preferred_vendor: Option<GpuVendor>,
    /// Never fall back to CPU placement.
    pub require_gpu: bool,
    /// Never use GPUs.
    pub cpu_only: bool,
}

impl Workload {
    /// Checks the name and numbers.
    pub fn validate(&self) -> Result<(), DeployError> {
        if !is_dns_label(&self.name) {
            return Err(DeployError::input(format!(
                "workload name `{}` is not a valid Kubernetes name",
                self.name
            ))
            .with_hint("use 1 to 40 lowercase letters, digits or `-`, starting with a letter"));
        }
        if self.replicas == 0 || self.replicas > 1000 {
            return Err(DeployError::input(format!(
                "--replicas {} is out of range (1 to 1000)",
                self.replicas
            )));
        }
        if self.memory_mib == 0 {
            return Err(DeployError::input("--memory-mib must be at least 1"));
        }
        if self.require_gpu && self.cpu_only {
            return Err(DeployError::input(
                "--require-gpu and --cpu-only exclude each other",
            ));
        }
        Ok(())
    }
}

/// Whether `name` is a DNS-1123 label of at most 40 characters starting with a letter
/// (40 leaves room for the suffixes cw-deploy appends).
pub fn is_dns_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 40
        && bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes
            .last()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// The GPU a replica gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GpuAssignment {
    /// Vendor.
    pub vendor: GpuVendor,
    /// Model or vGPU profile name.
    pub name: String,
    /// Passthrough or virtual.
    pub mode: GpuMode,
    /// `device_id` (PCI id or vGPU profile id), for AHV VM specs.
    pub device_id: Option<i64>,
    /// The physical GPU's uuid.
    pub uuid: Option<String>,
    /// Frame buffer, MiB.
    pub frame_buffer_mib: Option<u64>,
}

/// Where one replica runs and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// Replica number, from 0.
    pub replica: u32,
    /// Cluster uuid.
    pub cluster_uuid: Option<String>,
    /// Cluster name.
    pub cluster_name: Option<String>,
    /// Host uuid.
    pub host_uuid: String,
    /// Host name.
    pub host_name: String,
    /// Host CPU architecture.
    pub arch: CpuArch,
    /// Backend.
    pub backend: Backend,
    /// The GPU, for the `vulkan` backend.
    pub gpu: Option<GpuAssignment>,
    /// Why this host and backend.
    pub reason: String,
}

/// A replica that fits nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    /// Replica number, from 0.
    pub replica: u32,
    /// Why.
    pub reason: String,
}

/// The placement of a whole workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Workload name.
    pub workload: String,
    /// Summary of the kernels found.
    pub artifacts: String,
    /// Placed replicas.
    pub placements: Vec<Placement>,
    /// Replicas that do not fit.
    pub unplaced: Vec<Unplaced>,
    /// Remarks on the inventory (skipped clusters, unknown architectures).
    pub notes: Vec<String>,
}

impl Plan {
    /// Placed replicas grouped by (backend, GPU vendor, arch): one Kubernetes
    /// workload per group.
    pub fn pools(&self) -> BTreeMap<PoolKey, Vec<&Placement>> {
        let mut pools: BTreeMap<PoolKey, Vec<&Placement>> = BTreeMap::new();
        for p in &self.placements {
            let key = PoolKey {
                backend: p.backend,
                vendor: p.gpu.as_ref().map(|g| g.vendor),
                arch: p.arch,
            };
            pools.entry(key).or_default().push(p);
        }
        pools
    }
}

/// A group of replicas that share a backend, GPU vendor and architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PoolKey {
    /// Backend.
    pub backend: Backend,
    /// GPU vendor (GPU pools only).
    pub vendor: Option<GpuVendor>,
    /// CPU architecture.
    pub arch: CpuArch,
}

impl PoolKey {
    /// A name suffix such as `vulkan-nvidia`, `native-arm64` or `wasm`.
    pub fn suffix(&self) -> String {
        match (self.backend, self.vendor) {
            (Backend::Vulkan, Some(v)) => format!("vulkan-{}", v.short_name()),
            (Backend::Vulkan, None) => "vulkan".to_string(),
            (backend, _) => match self.arch.k8s_name() {
                Some(arch) => format!("{}-{arch}", backend.name()),
                None => backend.name().to_string(),
            },
        }
    }
}

/// Remaining capacity of one host while planning.
struct HostState {
    index: usize,
    free_passthrough: Vec<usize>,
    vgpu_slots: Vec<(usize, u32)>,
    memory_free_mib: Option<u64>,
    replicas: u32,
}

/// Computes the plan.
pub fn plan(inventory: &Inventory, workload: &Workload) -> Result<Plan, DeployError> {
    workload.validate()?;
    let mut notes = Vec::new();
    let skipped: Vec<&str> = inventory
        .clusters
        .iter()
        .filter(|c| c.is_prism_central)
        .map(|c| c.name.as_str())
        .collect();
    if !skipped.is_empty() {
        notes.push(format!(
            "skipped Prism Central's own cluster entity: {}",
            skipped.join(", ")
        ));
    }
    let pc_uuids: Vec<&str> = inventory
        .clusters
        .iter()
        .filter(|c| c.is_prism_central)
        .map(|c| c.uuid.as_str())
        .collect();
    let mut states: Vec<HostState> = Vec::new();
    for (index, host) in inventory.hosts.iter().enumerate() {
        if host
            .cluster_uuid
            .as_deref()
            .is_some_and(|c| pc_uuids.contains(&c))
        {
            continue;
        }
        if host.arch == CpuArch::Unknown {
            notes.push(format!(
                "host {}: CPU model `{}` does not tell the architecture; no native placement there",
                host.label(),
                host.cpu_model.as_deref().unwrap_or("(none)")
            ));
        }
        if host.memory_capacity_mib.is_none() {
            notes.push(format!(
                "host {}: memory capacity unknown; memory is not checked there",
                host.label()
            ));
        }
        states.push(HostState {
            index,
            free_passthrough: host
                .gpus
                .iter()
                .enumerate()
                .filter(|(_, g)| g.is_free_passthrough())
                .map(|(i, _)| i)
                .collect(),
            vgpu_slots: host
                .gpus
                .iter()
                .enumerate()
                .filter(|(_, g)| g.free_vgpu_slots() > 0)
                .map(|(i, g)| (i, g.free_vgpu_slots()))
                .collect(),
            memory_free_mib: host.memory_free_mib(),
            replicas: 0,
        });
    }
    if states.is_empty() {
        return Err(DeployError::input("the inventory has no hosts to place on")
            .with_hint("check that the user can see the clusters' hosts in Prism Central"));
    }
    let gpu_kernels = workload.artifacts.has_gpu_kernels();
    if !gpu_kernels && !workload.cpu_only {
        notes.push(
            "no SPIR-V or WGSL kernels: GPU hosts are used for CPU backends only".to_string(),
        );
    }
    let mut placements = Vec::new();
    let mut unplaced = Vec::new();
    for replica in 0..workload.replicas {
        match place_one(inventory, workload, &mut states, gpu_kernels) {
            Ok(mut p) => {
                p.replica = replica;
                placements.push(p);
            }
            Err(reason) => unplaced.push(Unplaced { replica, reason }),
        }
    }
    Ok(Plan {
        workload: workload.name.clone(),
        artifacts: workload.artifacts.summary(),
        placements,
        unplaced,
        notes,
    })
}

/// Candidate order, smallest first: (vendor/CPU tier, passthrough-vs-vGPU,
/// spreading count, host label).
type Rank = (u8, u8, u32, String);

/// What a candidate host would give a replica.
#[derive(Clone, Copy)]
enum Choice {
    Passthrough(usize),
    Vgpu(usize),
    Cpu(Backend),
}

fn place_one(
    inventory: &Inventory,
    workload: &Workload,
    states: &mut [HostState],
    gpu_kernels: bool,
) -> Result<Placement, String> {
    let mut best: Option<(Rank, usize, Choice)> = None;
    let mut rejections: BTreeMap<String, u32> = BTreeMap::new();
    let mut reject = |why: String| *rejections.entry(why).or_insert(0) += 1;
    for (state_index, state) in states.iter().enumerate() {
        let Some(host) = inventory.hosts.get(state.index) else {
            continue;
        };
        let label = host.label();
        if state
            .memory_free_mib
            .is_some_and(|free| free < workload.memory_mib)
        {
            reject(format!(
                "less than {} MiB host memory free",
                workload.memory_mib
            ));
            continue;
        }
        let mut candidates: Vec<(Rank, Choice)> = Vec::new();
        if gpu_kernels && !workload.cpu_only {
            let vendor_rank = |v: GpuVendor| match workload.preferred_vendor {
                Some(p) if p != v => 1,
                _ => 0,
            };
            let fits = |gpu_index: usize| {
                host.gpus.get(gpu_index).is_some_and(|g| {
                    workload.gpu_memory_mib == 0
                        || g.frame_buffer_mib
                            .is_some_and(|fb| fb >= workload.gpu_memory_mib)
                })
            };
            let mut too_small = false;
            for &gpu_index in &state.free_passthrough {
                if let Some(g) = host.gpus.get(gpu_index) {
                    if fits(gpu_index) {
                        candidates.push((
                            (vendor_rank(g.vendor), 0, state.replicas, label.clone()),
                            Choice::Passthrough(gpu_index),
                        ));
                        break;
                    }
                    too_small = true;
                }
            }
            for &(gpu_index, slots) in &state.vgpu_slots {
                if slots == 0 {
                    continue;
                }
                if let Some(g) = host.gpus.get(gpu_index) {
                    if fits(gpu_index) {
                        candidates.push((
                            (vendor_rank(g.vendor), 1, state.replicas, label.clone()),
                            Choice::Vgpu(gpu_index),
                        ));
                        break;
                    }
                    too_small = true;
                }
            }
            if candidates.is_empty() {
                if too_small {
                    reject(format!(
                        "free GPUs have less than {} MiB frame buffer",
                        workload.gpu_memory_mib
                    ));
                } else if host.gpus.is_empty() {
                    reject("no GPU".to_string());
                } else {
                    reject("no free GPU or vGPU slot".to_string());
                }
            }
        }
        if !workload.require_gpu {
            if workload.artifacts.has_native_for(host.arch) {
                candidates.push((
                    (2, 0, state.replicas.saturating_mul(2), label.clone()),
                    Choice::Cpu(Backend::Native),
                ));
            } else if workload.artifacts.has(ArtifactKind::Wasm) {
                candidates.push((
                    (
                        2,
                        0,
                        state.replicas.saturating_mul(2).saturating_add(1),
                        label.clone(),
                    ),
                    Choice::Cpu(Backend::Wasm),
                ));
            } else {
                reject(format!(
                    "no wasm kernel and no native object for {}",
                    host.arch
                ));
            }
        }
        for (rank, choice) in candidates {
            if best.as_ref().is_none_or(|(b, _, _)| rank < *b) {
                best = Some((rank, state_index, choice));
            }
        }
    }
    let Some((_, state_index, choice)) = best else {
        let mut parts: Vec<String> = rejections
            .iter()
            .map(|(why, n)| format!("{n} host{}: {why}", if *n == 1 { "" } else { "s" }))
            .collect();
        if workload.require_gpu {
            parts.push("--require-gpu forbids CPU placement".to_string());
        }
        return Err(format!("fits on no host ({})", parts.join("; ")));
    };
    let Some(state) = states.get_mut(state_index) else {
        return Err("internal: host state vanished".to_string());
    };
    let Some(host) = inventory.hosts.get(state.index) else {
        return Err("internal: host vanished".to_string());
    };
    state.replicas += 1;
    if let Some(free) = state.memory_free_mib.as_mut() {
        *free = free.saturating_sub(workload.memory_mib);
    }
    let kernel_kind = if workload.artifacts.has(ArtifactKind::Spirv) {
        "SPIR-V"
    } else {
        "WGSL"
    };
    let preferred_note = |vendor: GpuVendor| match workload.preferred_vendor {
        Some(p) if p == vendor => format!("preferred vendor {vendor}"),
        Some(p) => format!("no free {p} GPU left, {vendor} is Vulkan-capable too"),
        None => "no vendor preference".to_string(),
    };
    let (backend, gpu, reason) = match choice {
        Choice::Passthrough(gpu_index) | Choice::Vgpu(gpu_index) => {
            let Some(g) = host.gpus.get(gpu_index) else {
                return Err("internal: GPU vanished".to_string());
            };
            let fb = g
                .frame_buffer_mib
                .map_or_else(String::new, |m| format!(", {} GiB", m / 1024));
            let what = if let Choice::Vgpu(_) = choice {
                let left = state
                    .vgpu_slots
                    .iter_mut()
                    .find(|(i, _)| *i == gpu_index)
                    .map_or(0, |(_, s)| {
                        *s = s.saturating_sub(1);
                        *s
                    });
                format!("vGPU slot of {}{fb} ({left} left after this)", g.name)
            } else {
                state.free_passthrough.retain(|&i| i != gpu_index);
                format!("free passthrough GPU {}{fb}", g.name)
            };
            let reason = format!(
                "{what}; {}; {kernel_kind} kernels run on the vulkan backend",
                preferred_note(g.vendor)
            );
            let gpu = GpuAssignment {
                vendor: g.vendor,
                name: g.name.clone(),
                mode: g.mode,
                device_id: g.device_id,
                uuid: g.uuid.clone(),
                frame_buffer_mib: g.frame_buffer_mib,
            };
            (Backend::Vulkan, Some(gpu), reason)
        }
        Choice::Cpu(backend) => {
            let why_cpu = if workload.cpu_only {
                "--cpu-only".to_string()
            } else if !workload.artifacts.has_gpu_kernels() {
                "no GPU kernels".to_string()
            } else if workload.preferred_vendor.is_some() || !host.gpus.is_empty() {
                "every usable GPU is taken".to_string()
            } else {
                "no free GPU left".to_string()
            };
            let host_kind = if host.gpus.is_empty() {
                "CPU-only"
            } else {
                "GPU"
            };
            let how = match backend {
                Backend::Native => {
                    format!("native object for {} found: native SIMD backend", host.arch)
                }
                _ => format!("no native object for {}: portable wasm backend", host.arch),
            };
            (
                backend,
                None,
                format!("{host_kind} {} host ({why_cpu}); {how}", host.arch),
            )
        }
    };
    Ok(Placement {
        replica: 0,
        cluster_uuid: host.cluster_uuid.clone(),
        cluster_name: host.cluster_name.clone(),
        host_uuid: host.uuid.clone(),
        host_name: host.name.clone(),
        arch: host.arch,
        backend,
        gpu,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifacts::Artifact;
    use std::path::PathBuf;

    fn artifacts(kinds: &[(ArtifactKind, Option<CpuArch>)]) -> ArtifactSet {
        ArtifactSet {
            files: kinds
                .iter()
                .enumerate()
                .map(|(i, (kind, arch))| Artifact {
                    name: format!("k{i}"),
                    path: PathBuf::from(format!("k{i}")),
                    kind: *kind,
                    size: 4,
                    arch: *arch,
                })
                .collect(),
        }
    }

    fn workload(art: ArtifactSet, replicas: u32, vendor: Option<GpuVendor>) -> Workload {
        Workload {
            name: "saxpy".into(),
            artifacts: art,
            replicas,
            memory_mib: 2048,
            gpu_memory_mib: 0,
            preferred_vendor: vendor,
            require_gpu: false,
            cpu_only: false,
        }
    }

    fn inventory() -> Inventory {
        crate::sim::fixture_inventory("sim").unwrap()
    }

    #[test]
    fn nvidia_first_then_other_vendors_then_cpu() {
        let art = artifacts(&[(ArtifactKind::Spirv, None), (ArtifactKind::Wasm, None)]);
        let p = plan(&inventory(), &workload(art, 8, Some(GpuVendor::Nvidia))).unwrap();
        let got: Vec<(String, Backend, Option<GpuMode>)> = p
            .placements
            .iter()
            .map(|p| {
                (
                    p.host_name.clone(),
                    p.backend,
                    p.gpu.as_ref().map(|g| g.mode),
                )
            })
            .collect();
        // 1 free A100 passthrough, then 3 L40S vGPU slots, then 2 AMD MI210, then CPU.
        assert_eq!(
            got[0],
            (
                "east-gpu-01".into(),
                Backend::Vulkan,
                Some(GpuMode::PassthroughCompute)
            )
        );
        assert_eq!(got[1].0, "east-gpu-02");
        assert_eq!(got[1].2, Some(GpuMode::Virtual));
        assert_eq!(got[3].0, "east-gpu-02");
        assert_eq!(got[4].0, "west-amd-01");
        assert_eq!(got[5].0, "west-amd-01");
        assert_eq!(got[6].1, Backend::Wasm);
        assert_eq!(got[7].1, Backend::Wasm);
        assert_ne!(got[6].0, got[7].0, "CPU replicas are spread");
        assert!(p.unplaced.is_empty());
        assert!(
            p.placements[4].reason.contains("no free NVIDIA GPU left"),
            "{}",
            p.placements[4].reason
        );
        assert!(p.notes.iter().any(|n| n.contains("prism-central")));
    }

    #[test]
    fn native_on_matching_arch_and_wasm_elsewhere() {
        let art = artifacts(&[
            (ArtifactKind::Wasm, None),
            (ArtifactKind::Native, Some(CpuArch::Arm64)),
        ]);
        let p = plan(&inventory(), &workload(art, 7, None)).unwrap();
        for placement in &p.placements {
            let expected = if placement.arch == CpuArch::Arm64 {
                Backend::Native
            } else {
                Backend::Wasm
            };
            assert_eq!(placement.backend, expected, "{placement:?}");
        }
        let hosts: std::collections::BTreeSet<&str> =
            p.placements.iter().map(|p| p.host_name.as_str()).collect();
        assert_eq!(hosts.len(), 7, "one replica per host first");
        assert!(p.placements.iter().all(|p| p.gpu.is_none()));
    }

    #[test]
    fn what_does_not_fit_says_why() {
        let art = artifacts(&[(ArtifactKind::Spirv, None)]);
        let mut w = workload(art, 9, Some(GpuVendor::Amd));
        w.require_gpu = true;
        let p = plan(&inventory(), &w).unwrap();
        assert_eq!(p.placements.len(), 6); // 2 AMD + 1 A100 + 3 vGPU
        assert_eq!(p.placements[0].gpu.as_ref().unwrap().vendor, GpuVendor::Amd);
        assert_eq!(p.unplaced.len(), 3);
        let reason = &p.unplaced[0].reason;
        assert!(reason.contains("no free GPU or vGPU slot"), "{reason}");
        assert!(reason.contains("no GPU"), "{reason}");
        assert!(reason.contains("--require-gpu"), "{reason}");
    }

    #[test]
    fn memory_and_frame_buffer_limits() {
        let art = artifacts(&[(ArtifactKind::Spirv, None)]);
        let mut w = workload(art, 1, None);
        w.gpu_memory_mib = 40 * 1024;
        w.require_gpu = true;
        let p = plan(&inventory(), &w).unwrap();
        // The 12 GiB vGPU is too small; the A100 (80 GiB) or MI210 (64 GiB) fit.
        assert!(
            p.placements[0]
                .gpu
                .as_ref()
                .unwrap()
                .frame_buffer_mib
                .unwrap()
                >= 40 * 1024
        );
        let mut w = workload(artifacts(&[(ArtifactKind::Wasm, None)]), 1, None);
        w.memory_mib = 10 * 1024 * 1024;
        let p = plan(&inventory(), &w).unwrap();
        assert!(p.placements.is_empty());
        assert!(
            p.unplaced[0]
                .reason
                .contains("7 hosts: less than 10485760 MiB host memory free"),
            "{}",
            p.unplaced[0].reason
        );
    }

    #[test]
    fn workload_validation() {
        let mut w = workload(artifacts(&[(ArtifactKind::Wasm, None)]), 1, None);
        w.name = "Bad_Name".into();
        assert!(plan(&inventory(), &w).is_err());
        let mut w = workload(artifacts(&[(ArtifactKind::Wasm, None)]), 0, None);
        assert!(plan(&inventory(), &w).is_err());
        w.replicas = 1;
        w.cpu_only = true;
        w.require_gpu = true;
        assert!(plan(&inventory(), &w).is_err());
        assert!(is_dns_label("saxpy-2"));
        assert!(!is_dns_label("2saxpy"));
        assert!(!is_dns_label("saxpy-"));
    }

    #[test]
    fn pools_group_by_backend_vendor_arch() {
        let art = artifacts(&[(ArtifactKind::Spirv, None), (ArtifactKind::Wasm, None)]);
        let p = plan(&inventory(), &workload(art, 8, Some(GpuVendor::Nvidia))).unwrap();
        let names: Vec<String> = p.pools().keys().map(PoolKey::suffix).collect();
        assert_eq!(names, vec!["vulkan-nvidia", "vulkan-amd", "wasm-arm64"]);
    }
}
