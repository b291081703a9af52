//! The inventory: typed clusters, hosts (with their GPUs) and VMs, built from
//! Prism Central v3 `list` entities.
//!
//! Field names follow the v3 API schemas (as also documented by the Nutanix
//! Terraform provider's `nutanix_host` / `nutanix_virtual_machine` data
//! sources): a host's GPUs are `status.resources.gpu_list[]` with `vendor`,
//! `name`, `mode`, `assignable`, `frame_buffer_size_bytes` (older releases and
//! the Terraform provider expose `frame_buffer_size_mib`; both are read),
//! `num_vgpus_allocated`, `fraction`, `device_id`, `uuid`, `numa_node`,
//! `pci_address`, `guest_driver_version`, `num_virtual_display_heads`,
//! `max_instances_per_vm` and `consumer_reference`; a VM's GPUs are
//! `spec.resources.gpu_list[]` (`vendor`, `mode`, `device_id`) and, once
//! placed, `status.resources.gpu_list[]` with the physical GPU's `uuid`.
//!
//! Missing required fields and unexpected types are errors that name the
//! entity and the field path; unknown extra fields are ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::DeployError;

/// GPU vendor as reported in `gpu_list[].vendor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GpuVendor {
    /// `NVIDIA`.
    Nvidia,
    /// `AMD`.
    Amd,
    /// `INTEL`.
    Intel,
}

impl GpuVendor {
    /// Parses the v3 spelling (`NVIDIA`, `AMD`, `INTEL`) or the lowercase CLI one.
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "NVIDIA" => Some(GpuVendor::Nvidia),
            "AMD" => Some(GpuVendor::Amd),
            "INTEL" => Some(GpuVendor::Intel),
            _ => None,
        }
    }

    /// The v3 API spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "NVIDIA",
            GpuVendor::Amd => "AMD",
            GpuVendor::Intel => "INTEL",
        }
    }

    /// The lowercase name used in labels and CLI flags.
    pub fn short_name(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia",
            GpuVendor::Amd => "amd",
            GpuVendor::Intel => "intel",
        }
    }
}

impl fmt::Display for GpuVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// GPU mode as reported in `gpu_list[].mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GpuMode {
    /// Whole GPU passed through for compute (`PASSTHROUGH_COMPUTE`).
    PassthroughCompute,
    /// Whole GPU passed through for graphics (`PASSTHROUGH_GRAPHICS`).
    PassthroughGraphics,
    /// A vGPU profile on a shared physical GPU (`VIRTUAL`).
    Virtual,
}

impl GpuMode {
    /// Parses the v3 spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "PASSTHROUGH_COMPUTE" => Some(GpuMode::PassthroughCompute),
            "PASSTHROUGH_GRAPHICS" => Some(GpuMode::PassthroughGraphics),
            "VIRTUAL" => Some(GpuMode::Virtual),
            _ => None,
        }
    }

    /// The v3 spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            GpuMode::PassthroughCompute => "PASSTHROUGH_COMPUTE",
            GpuMode::PassthroughGraphics => "PASSTHROUGH_GRAPHICS",
            GpuMode::Virtual => "VIRTUAL",
        }
    }

    /// Whether the mode gives a VM a whole physical GPU.
    pub fn is_passthrough(self) -> bool {
        !matches!(self, GpuMode::Virtual)
    }

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            GpuMode::PassthroughCompute => "passthrough (compute)",
            GpuMode::PassthroughGraphics => "passthrough (graphics)",
            GpuMode::Virtual => "vGPU",
        }
    }
}

/// Host CPU architecture, derived from `status.resources.cpu_model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuArch {
    /// x86-64 (`kubernetes.io/arch=amd64`).
    Amd64,
    /// 64-bit Arm (`kubernetes.io/arch=arm64`).
    Arm64,
    /// The CPU model did not tell.
    Unknown,
}

impl CpuArch {
    /// The v3 host schema has no architecture field, so it is derived from the
    /// `cpu_model` string: a model naming an Arm design (`aarch64`, `arm`,
    /// `ampere`, `altra`, `neoverse`, `graviton`, `kunpeng`, `thunderx`,
    /// `grace`) is `arm64`; one naming an x86 vendor or line (`intel`, `xeon`,
    /// `amd`, `epyc`, `x86`) is `amd64`; anything else, or no model, is
    /// `unknown` and gets no architecture-specific (native) placement.
    pub fn from_cpu_model(model: Option<&str>) -> Self {
        let Some(model) = model else {
            return CpuArch::Unknown;
        };
        let lower = model.to_ascii_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let has_word = |names: &[&str]| words.iter().any(|w| names.contains(w));
        let arm = [
            "aarch64",
            "arm",
            "arm64",
            "ampere",
            "altra",
            "neoverse",
            "graviton",
            "kunpeng",
            "thunderx",
            "thunderx2",
            "grace",
        ];
        let x86 = ["intel", "xeon", "amd", "epyc", "x86", "x86_64", "core"];
        if has_word(&arm) || lower.contains("aarch64") {
            CpuArch::Arm64
        } else if has_word(&x86) || lower.contains("x86") {
            CpuArch::Amd64
        } else {
            CpuArch::Unknown
        }
    }

    /// The `kubernetes.io/arch` label value, if known.
    pub fn k8s_name(self) -> Option<&'static str> {
        match self {
            CpuArch::Amd64 => Some("amd64"),
            CpuArch::Arm64 => Some("arm64"),
            CpuArch::Unknown => None,
        }
    }
}

impl fmt::Display for CpuArch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.k8s_name().unwrap_or("unknown"))
    }
}

/// A reference to another entity (`{kind, uuid, name}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    /// `kind`, e.g. `vm`.
    pub kind: Option<String>,
    /// `uuid`.
    pub uuid: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// A Prism Element cluster registered to Prism Central.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// `metadata.uuid`.
    pub uuid: String,
    /// `status.name` (or `spec.name`).
    pub name: String,
    /// True for the Prism Central entity itself (its `service_list` holds
    /// `PRISM_CENTRAL`); it runs no workloads and is skipped by placement.
    pub is_prism_central: bool,
}

/// One entry of a host's `gpu_list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostGpu {
    /// `uuid` of the physical GPU (or vGPU profile entry).
    pub uuid: Option<String>,
    /// `vendor`.
    pub vendor: GpuVendor,
    /// `name`, e.g. `NVIDIA A100` or a vGPU profile such as `NVIDIA L40S-12Q`.
    pub name: String,
    /// `mode`.
    pub mode: GpuMode,
    /// `assignable`: whether the GPU (or one more vGPU of this profile) can be
    /// given to a VM now.
    pub assignable: bool,
    /// Frame buffer in MiB, from `frame_buffer_size_bytes` or `frame_buffer_size_mib`.
    pub frame_buffer_mib: Option<u64>,
    /// `device_id`: the PCI device id (passthrough) or vGPU profile id (virtual).
    pub device_id: Option<i64>,
    /// `num_vgpus_allocated`.
    pub num_vgpus_allocated: u32,
    /// `fraction`: for `VIRTUAL` entries, how many vGPUs of this profile fit
    /// on the physical GPU.
    pub fraction: Option<u32>,
    /// `numa_node`.
    pub numa_node: Option<i64>,
    /// `pci_address`.
    pub pci_address: Option<String>,
    /// `guest_driver_version`.
    pub guest_driver_version: Option<String>,
    /// `num_virtual_display_heads`.
    pub num_virtual_display_heads: Option<i64>,
    /// `consumer_reference`: the VM holding a passthrough GPU.
    pub consumer: Option<EntityRef>,
    /// Names of VMs whose `status.resources.gpu_list` names this GPU's uuid.
    pub used_by: Vec<String>,
}

impl HostGpu {
    /// Whether a passthrough GPU is free: assignable, no consumer, no VM using it.
    pub fn is_free_passthrough(&self) -> bool {
        self.mode.is_passthrough()
            && self.assignable
            && self.consumer.is_none()
            && self.used_by.is_empty()
    }

    /// Free vGPU slots of a `VIRTUAL` entry: `fraction` (instances that fit)
    /// minus the allocated ones (the larger of `num_vgpus_allocated` and the
    /// VMs seen using it); 1 when `fraction` is absent and nothing is
    /// allocated; 0 when not assignable or not virtual.
    pub fn free_vgpu_slots(&self) -> u32 {
        if self.mode != GpuMode::Virtual || !self.assignable {
            return 0;
        }
        let allocated = self
            .num_vgpus_allocated
            .max(u32::try_from(self.used_by.len()).unwrap_or(u32::MAX));
        self.fraction.unwrap_or(1).saturating_sub(allocated)
    }

    /// A short state for tables: `free`, `3/4 free`, `in use by X`, `not assignable`.
    pub fn state_label(&self) -> String {
        if self.mode == GpuMode::Virtual {
            let total = self.fraction.unwrap_or(1);
            return format!("{}/{} vGPU free", self.free_vgpu_slots(), total);
        }
        if self.is_free_passthrough() {
            return "free".to_string();
        }
        let user = self
            .consumer
            .as_ref()
            .and_then(|c| c.name.clone().or_else(|| c.uuid.clone()))
            .or_else(|| self.used_by.first().cloned());
        match user {
            Some(u) => format!("in use by {u}"),
            None => "not assignable".to_string(),
        }
    }
}

/// A hypervisor host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// `metadata.uuid`.
    pub uuid: String,
    /// `status.name`.
    pub name: String,
    /// `status.cluster_reference.uuid`.
    pub cluster_uuid: Option<String>,
    /// The cluster's name (from the reference, or looked up by uuid).
    pub cluster_name: Option<String>,
    /// `status.resources.cpu_model`.
    pub cpu_model: Option<String>,
    /// Derived by [`CpuArch::from_cpu_model`].
    pub arch: CpuArch,
    /// `status.resources.num_cpu_cores`.
    pub num_cpu_cores: Option<u32>,
    /// `status.resources.memory_capacity_mib`.
    pub memory_capacity_mib: Option<u64>,
    /// Memory of the powered-on VMs on this host, in MiB.
    pub memory_used_mib: u64,
    /// `status.resources.gpu_list`.
    pub gpus: Vec<HostGpu>,
}

impl Host {
    /// Memory not taken by powered-on VMs, in MiB (None when capacity is unknown).
    pub fn memory_free_mib(&self) -> Option<u64> {
        self.memory_capacity_mib
            .map(|cap| cap.saturating_sub(self.memory_used_mib))
    }

    /// A label `cluster/host`.
    pub fn label(&self) -> String {
        match &self.cluster_name {
            Some(c) => format!("{c}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A GPU given to a VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmGpu {
    /// `vendor`.
    pub vendor: GpuVendor,
    /// `mode`.
    pub mode: GpuMode,
    /// `device_id`.
    pub device_id: Option<i64>,
    /// `uuid` of the physical GPU (status only).
    pub uuid: Option<String>,
    /// `name` (status only).
    pub name: Option<String>,
}

/// A virtual machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vm {
    /// `metadata.uuid`.
    pub uuid: String,
    /// `status.name` (or `spec.name`).
    pub name: String,
    /// `status.cluster_reference.uuid` (or spec's).
    pub cluster_uuid: Option<String>,
    /// `status.resources.host_reference.uuid`.
    pub host_uuid: Option<String>,
    /// `spec.resources.memory_size_mib`.
    pub memory_size_mib: Option<u64>,
    /// `status.resources.power_state` (or spec's), e.g. `ON`.
    pub power_state: Option<String>,
    /// GPUs: `status.resources.gpu_list`, else `spec.resources.gpu_list`.
    pub gpus: Vec<VmGpu>,
}

/// Everything discovered from one Prism Central.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// The endpoint it came from.
    pub endpoint: String,
    /// Clusters, Prism Central's own entity included (flagged).
    pub clusters: Vec<Cluster>,
    /// Hosts, sorted by cluster and name.
    pub hosts: Vec<Host>,
    /// VMs, in server order.
    pub vms: Vec<Vm>,
}

/// Free GPU capacity per vendor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GpuCapacity {
    /// Physical GPUs in passthrough mode.
    pub passthrough_total: u32,
    /// Of those, free.
    pub passthrough_free: u32,
    /// Free vGPU slots.
    pub vgpu_free: u32,
}

impl Inventory {
    /// Builds an inventory from the raw `entities` of the three list calls,
    /// then links VM GPU assignments and VM memory to hosts.
    pub fn from_entities(
        endpoint: &str,
        clusters: &[Value],
        hosts: &[Value],
        vms: &[Value],
    ) -> Result<Self, DeployError> {
        let clusters = clusters
            .iter()
            .enumerate()
            .map(|(i, v)| parse_cluster(v, i))
            .collect::<Result<Vec<_>, _>>()?;
        let mut hosts = hosts
            .iter()
            .enumerate()
            .map(|(i, v)| parse_host(v, i))
            .collect::<Result<Vec<_>, _>>()?;
        let vms = vms
            .iter()
            .enumerate()
            .map(|(i, v)| parse_vm(v, i))
            .collect::<Result<Vec<_>, _>>()?;
        let cluster_names: BTreeMap<&str, &str> = clusters
            .iter()
            .map(|c| (c.uuid.as_str(), c.name.as_str()))
            .collect();
        for host in &mut hosts {
            if host.cluster_name.is_none() {
                if let Some(uuid) = &host.cluster_uuid {
                    host.cluster_name = cluster_names.get(uuid.as_str()).map(|n| n.to_string());
                }
            }
        }
        link_vms(&mut hosts, &vms);
        hosts.sort_by(|a, b| (&a.cluster_name, &a.name).cmp(&(&b.cluster_name, &b.name)));
        Ok(Inventory {
            endpoint: endpoint.to_string(),
            clusters,
            hosts,
            vms,
        })
    }

    /// Free GPU capacity per vendor over all hosts.
    pub fn gpu_capacity(&self) -> BTreeMap<GpuVendor, GpuCapacity> {
        let mut out: BTreeMap<GpuVendor, GpuCapacity> = BTreeMap::new();
        for gpu in self.hosts.iter().flat_map(|h| &h.gpus) {
            let entry = out.entry(gpu.vendor).or_default();
            if gpu.mode.is_passthrough() {
                entry.passthrough_total += 1;
                if gpu.is_free_passthrough() {
                    entry.passthrough_free += 1;
                }
            } else {
                entry.vgpu_free += gpu.free_vgpu_slots();
            }
        }
        out
    }

    /// The clusters that run workloads (Prism Central's own entity excluded).
    pub fn workload_clusters(&self) -> impl Iterator<Item = &Cluster> {
        self.clusters.iter().filter(|c| !c.is_prism_central)
    }
}

/// Marks host GPUs used by VMs and adds powered-on VM memory to hosts.
fn link_vms(hosts: &mut [Host], vms: &[Vm]) {
    for vm in vms {
        let Some(host_uuid) = &vm.host_uuid else {
            continue;
        };
        let Some(host) = hosts.iter_mut().find(|h| &h.uuid == host_uuid) else {
            continue;
        };
        if vm.power_state.as_deref() != Some("OFF") {
            host.memory_used_mib = host
                .memory_used_mib
                .saturating_add(vm.memory_size_mib.unwrap_or(0));
        }
        for vm_gpu in &vm.gpus {
            let Some(gpu_uuid) = &vm_gpu.uuid else {
                continue;
            };
            if let Some(gpu) = host
                .gpus
                .iter_mut()
                .find(|g| g.uuid.as_deref() == Some(gpu_uuid.as_str()))
            {
                if !gpu.used_by.contains(&vm.name) {
                    gpu.used_by.push(vm.name.clone());
                }
            }
        }
    }
}

/// Where in the server's answer a value sits, for error messages.
struct Ctx<'a> {
    what: &'a str,
    index: usize,
    name: Option<String>,
}

impl Ctx<'_> {
    fn err(&self, path: &str, problem: &str) -> DeployError {
        let entity = match &self.name {
            Some(n) => format!("{} #{} (`{n}`)", self.what, self.index),
            None => format!("{} #{}", self.what, self.index),
        };
        DeployError::bad_response(format!(
            "Prism Central answer: {entity}: field `{path}` {problem}"
        ))
        .with_hint("the server does not follow the v3 schema; check the Prism Central version (pc.2022.6 or later expected)")
    }
}

/// Follows a dotted path; `None` when any step is missing or null.
fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = value;
    for step in path.split('.') {
        current = current.get(step)?;
    }
    (!current.is_null()).then_some(current)
}

fn opt_str(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<String>, DeployError> {
    match lookup(value, path) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ctx.err(
            path,
            &format!("should be a string, found {}", type_name(other)),
        )),
    }
}

fn req_str(value: &Value, path: &str, ctx: &Ctx) -> Result<String, DeployError> {
    opt_str(value, path, ctx)?.ok_or_else(|| ctx.err(path, "is missing"))
}

fn opt_i64(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<i64>, DeployError> {
    match lookup(value, path) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| ctx.err(path, "should be an integer")),
        Some(other) => Err(ctx.err(
            path,
            &format!("should be an integer, found {}", type_name(other)),
        )),
    }
}

fn opt_u64(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<u64>, DeployError> {
    match opt_i64(value, path, ctx)? {
        None => Ok(None),
        Some(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| ctx.err(path, "should not be negative")),
    }
}

fn opt_u32(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<u32>, DeployError> {
    match opt_u64(value, path, ctx)? {
        None => Ok(None),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| ctx.err(path, "is too large")),
    }
}

fn opt_bool(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<bool>, DeployError> {
    match lookup(value, path) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ctx.err(
            path,
            &format!("should be a boolean, found {}", type_name(other)),
        )),
    }
}

fn opt_array<'v>(value: &'v Value, path: &str, ctx: &Ctx) -> Result<&'v [Value], DeployError> {
    match lookup(value, path) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(ctx.err(
            path,
            &format!("should be a list, found {}", type_name(other)),
        )),
    }
}

fn opt_ref(value: &Value, path: &str, ctx: &Ctx) -> Result<Option<EntityRef>, DeployError> {
    match lookup(value, path) {
        None => Ok(None),
        Some(r @ Value::Object(_)) => {
            let reference = EntityRef {
                kind: opt_str(r, "kind", ctx)?,
                uuid: opt_str(r, "uuid", ctx)?,
                name: opt_str(r, "name", ctx)?,
            };
            let empty = reference.uuid.is_none() && reference.name.is_none();
            Ok((!empty).then_some(reference))
        }
        Some(other) => Err(ctx.err(
            path,
            &format!("should be an object, found {}", type_name(other)),
        )),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn entity_name(value: &Value) -> Option<String> {
    lookup(value, "status.name")
        .or_else(|| lookup(value, "spec.name"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn parse_cluster(value: &Value, index: usize) -> Result<Cluster, DeployError> {
    let ctx = Ctx {
        what: "cluster",
        index,
        name: entity_name(value),
    };
    let uuid = req_str(value, "metadata.uuid", &ctx)?;
    let name = ctx
        .name
        .clone()
        .ok_or_else(|| ctx.err("status.name", "is missing"))?;
    let services = opt_array(value, "status.resources.config.service_list", &ctx)?;
    let is_prism_central = services.iter().any(|s| s.as_str() == Some("PRISM_CENTRAL"));
    Ok(Cluster {
        uuid,
        name,
        is_prism_central,
    })
}

fn parse_vendor(value: &Value, path: &str, ctx: &Ctx) -> Result<GpuVendor, DeployError> {
    let text = req_str(value, path, ctx)?;
    GpuVendor::parse(&text).ok_or_else(|| {
        ctx.err(
            path,
            &format!("has unknown vendor `{text}` (expected NVIDIA, AMD or INTEL)"),
        )
    })
}

fn parse_mode(value: &Value, path: &str, ctx: &Ctx) -> Result<GpuMode, DeployError> {
    let text = req_str(value, path, ctx)?;
    GpuMode::parse(&text).ok_or_else(|| {
        ctx.err(
            path,
            &format!("has unknown mode `{text}` (expected PASSTHROUGH_COMPUTE, PASSTHROUGH_GRAPHICS or VIRTUAL)"),
        )
    })
}

fn parse_host_gpu(gpu: &Value, i: usize, ctx: &Ctx) -> Result<HostGpu, DeployError> {
    let p = |field: &str| format!("status.resources.gpu_list[{i}].{field}");
    // Field lookups are relative to the GPU object; errors name the full path.
    let sub = Ctx {
        what: ctx.what,
        index: ctx.index,
        name: ctx.name.clone(),
    };
    let wrap = |e: DeployError| -> DeployError {
        let message = e
            .message
            .replacen("field `", &format!("field `{}", p("")), 1);
        DeployError { message, ..e }
    };
    let frame_buffer_mib = match opt_u64(gpu, "frame_buffer_size_bytes", &sub).map_err(wrap)? {
        Some(bytes) => Some(bytes / (1024 * 1024)),
        None => opt_u64(gpu, "frame_buffer_size_mib", &sub).map_err(wrap)?,
    };
    Ok(HostGpu {
        uuid: opt_str(gpu, "uuid", &sub).map_err(wrap)?,
        vendor: parse_vendor(gpu, "vendor", &sub).map_err(wrap)?,
        name: opt_str(gpu, "name", &sub)
            .map_err(wrap)?
            .unwrap_or_else(|| "unnamed GPU".to_string()),
        mode: parse_mode(gpu, "mode", &sub).map_err(wrap)?,
        assignable: opt_bool(gpu, "assignable", &sub)
            .map_err(wrap)?
            .unwrap_or(false),
        frame_buffer_mib,
        device_id: opt_i64(gpu, "device_id", &sub).map_err(wrap)?,
        num_vgpus_allocated: opt_u32(gpu, "num_vgpus_allocated", &sub)
            .map_err(wrap)?
            .unwrap_or(0),
        fraction: opt_u32(gpu, "fraction", &sub).map_err(wrap)?,
        numa_node: opt_i64(gpu, "numa_node", &sub).map_err(wrap)?,
        pci_address: opt_str(gpu, "pci_address", &sub).map_err(wrap)?,
        guest_driver_version: opt_str(gpu, "guest_driver_version", &sub).map_err(wrap)?,
        num_virtual_display_heads: opt_i64(gpu, "num_virtual_display_heads", &sub).map_err(wrap)?,
        consumer: opt_ref(gpu, "consumer_reference", &sub).map_err(wrap)?,
        used_by: Vec::new(),
    })
}

fn parse_host(value: &Value, index: usize) -> Result<Host, DeployError> {
    let ctx = Ctx {
        what: "host",
        index,
        name: entity_name(value),
    };
    let uuid = req_str(value, "metadata.uuid", &ctx)?;
    let name = ctx
        .name
        .clone()
        .ok_or_else(|| ctx.err("status.name", "is missing"))?;
    let cluster = opt_ref(value, "status.cluster_reference", &ctx)?;
    let cpu_model = opt_str(value, "status.resources.cpu_model", &ctx)?;
    let gpus = opt_array(value, "status.resources.gpu_list", &ctx)?
        .iter()
        .enumerate()
        .map(|(i, g)| parse_host_gpu(g, i, &ctx))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Host {
        uuid,
        name,
        cluster_uuid: cluster.as_ref().and_then(|c| c.uuid.clone()),
        cluster_name: cluster.and_then(|c| c.name),
        arch: CpuArch::from_cpu_model(cpu_model.as_deref()),
        cpu_model,
        num_cpu_cores: opt_u32(value, "status.resources.num_cpu_cores", &ctx)?,
        memory_capacity_mib: opt_u64(value, "status.resources.memory_capacity_mib", &ctx)?,
        memory_used_mib: 0,
        gpus,
    })
}

fn parse_vm_gpus(value: &Value, base: &str, ctx: &Ctx) -> Result<Vec<VmGpu>, DeployError> {
    let list = opt_array(value, &format!("{base}.gpu_list"), ctx)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, gpu) in list.iter().enumerate() {
        let path = |f: &str| format!("{base}.gpu_list[{i}].{f}");
        let fix = |e: DeployError| -> DeployError {
            let message = e
                .message
                .replacen("field `", &format!("field `{}", path("")), 1);
            DeployError { message, ..e }
        };
        out.push(VmGpu {
            vendor: parse_vendor(gpu, "vendor", ctx).map_err(fix)?,
            mode: parse_mode(gpu, "mode", ctx).map_err(fix)?,
            device_id: opt_i64(gpu, "device_id", ctx).map_err(fix)?,
            uuid: opt_str(gpu, "uuid", ctx).map_err(fix)?,
            name: opt_str(gpu, "name", ctx).map_err(fix)?,
        });
    }
    Ok(out)
}

fn parse_vm(value: &Value, index: usize) -> Result<Vm, DeployError> {
    let ctx = Ctx {
        what: "vm",
        index,
        name: entity_name(value),
    };
    let uuid = req_str(value, "metadata.uuid", &ctx)?;
    let name = ctx
        .name
        .clone()
        .ok_or_else(|| ctx.err("status.name", "is missing"))?;
    let cluster = match opt_ref(value, "status.cluster_reference", &ctx)? {
        Some(c) => Some(c),
        None => opt_ref(value, "spec.cluster_reference", &ctx)?,
    };
    let host = opt_ref(value, "status.resources.host_reference", &ctx)?;
    let status_gpus = parse_vm_gpus(value, "status.resources", &ctx)?;
    let gpus = if status_gpus.is_empty() {
        parse_vm_gpus(value, "spec.resources", &ctx)?
    } else {
        status_gpus
    };
    let power_state = match opt_str(value, "status.resources.power_state", &ctx)? {
        Some(s) => Some(s),
        None => opt_str(value, "spec.resources.power_state", &ctx)?,
    };
    let memory = match opt_u64(value, "spec.resources.memory_size_mib", &ctx)? {
        Some(m) => Some(m),
        None => opt_u64(value, "status.resources.memory_size_mib", &ctx)?,
    };
    Ok(Vm {
        uuid,
        name,
        cluster_uuid: cluster.and_then(|c| c.uuid),
        host_uuid: host.and_then(|h| h.uuid),
        memory_size_mib: memory,
        power_state,
        gpus,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cpu_arch_rule() {
        assert_eq!(
            CpuArch::from_cpu_model(Some("Intel(R) Xeon(R) Gold 6448Y")),
            CpuArch::Amd64
        );
        assert_eq!(
            CpuArch::from_cpu_model(Some("AMD EPYC 9354 32-Core Processor")),
            CpuArch::Amd64
        );
        assert_eq!(
            CpuArch::from_cpu_model(Some("Ampere(R) Altra(R) Q80-30")),
            CpuArch::Arm64
        );
        assert_eq!(
            CpuArch::from_cpu_model(Some("ARM Neoverse-N1")),
            CpuArch::Arm64
        );
        assert_eq!(
            CpuArch::from_cpu_model(Some("NVIDIA Grace CPU")),
            CpuArch::Arm64
        );
        assert_eq!(
            CpuArch::from_cpu_model(Some("Mystery 9000")),
            CpuArch::Unknown
        );
        assert_eq!(CpuArch::from_cpu_model(None), CpuArch::Unknown);
        // "pharmacy" contains "arm" but is not the word arm.
        assert_eq!(
            CpuArch::from_cpu_model(Some("pharmacy chip")),
            CpuArch::Unknown
        );
    }

    fn host(gpus: Value) -> Value {
        json!({
            "metadata": {"uuid": "h-1", "kind": "host"},
            "status": {
                "name": "h1",
                "cluster_reference": {"kind": "cluster", "uuid": "c-1"},
                "resources": {"cpu_model": "Intel Xeon", "memory_capacity_mib": 1000, "gpu_list": gpus}
            }
        })
    }

    #[test]
    fn host_gpus_and_vm_links() {
        let clusters = [json!({"metadata": {"uuid": "c-1"}, "status": {"name": "east"}})];
        let hosts = [host(json!([
            {"vendor": "NVIDIA", "name": "A100", "mode": "PASSTHROUGH_COMPUTE", "assignable": true,
             "uuid": "g-1", "frame_buffer_size_bytes": 85899345920u64},
            {"vendor": "NVIDIA", "name": "A100", "mode": "PASSTHROUGH_COMPUTE", "assignable": true, "uuid": "g-2"},
            {"vendor": "NVIDIA", "name": "L40S-12Q", "mode": "VIRTUAL", "assignable": true,
             "uuid": "g-3", "fraction": 4, "num_vgpus_allocated": 1, "frame_buffer_size_mib": 12288}
        ]))];
        let vms = [json!({
            "metadata": {"uuid": "v-1"},
            "spec": {"name": "train", "resources": {"memory_size_mib": 300}},
            "status": {"name": "train", "resources": {"power_state": "ON",
                "host_reference": {"kind": "host", "uuid": "h-1"},
                "gpu_list": [{"vendor": "NVIDIA", "mode": "PASSTHROUGH_COMPUTE", "uuid": "g-2"}]}}
        })];
        let inv = Inventory::from_entities("e", &clusters, &hosts, &vms).unwrap();
        let h = &inv.hosts[0];
        assert_eq!(h.cluster_name.as_deref(), Some("east"));
        assert_eq!(h.memory_free_mib(), Some(700));
        assert_eq!(h.gpus[0].frame_buffer_mib, Some(81920));
        assert!(h.gpus[0].is_free_passthrough());
        assert!(!h.gpus[1].is_free_passthrough());
        assert_eq!(h.gpus[1].state_label(), "in use by train");
        assert_eq!(h.gpus[2].free_vgpu_slots(), 3);
        assert_eq!(h.gpus[2].frame_buffer_mib, Some(12288));
        let cap = inv.gpu_capacity();
        let nv = &cap[&GpuVendor::Nvidia];
        assert_eq!(
            (nv.passthrough_total, nv.passthrough_free, nv.vgpu_free),
            (2, 1, 3)
        );
    }

    #[test]
    fn missing_and_mistyped_fields_are_named() {
        let no_uuid = json!({"metadata": {}, "status": {"name": "h9"}});
        let e = Inventory::from_entities("e", &[], &[no_uuid], &[]).unwrap_err();
        assert!(e.message.contains("host #0 (`h9`)"), "{}", e.message);
        assert!(
            e.message.contains("`metadata.uuid` is missing"),
            "{}",
            e.message
        );

        let bad_mode = host(json!([{"vendor": "NVIDIA", "mode": "SHARED"}]));
        let e = Inventory::from_entities("e", &[], &[bad_mode], &[]).unwrap_err();
        assert!(
            e.message.contains("status.resources.gpu_list[0].mode"),
            "{}",
            e.message
        );
        assert!(e.message.contains("SHARED"), "{}", e.message);

        let bad_vendor = host(json!([{"mode": "VIRTUAL"}]));
        let e = Inventory::from_entities("e", &[], &[bad_vendor], &[]).unwrap_err();
        assert!(
            e.message.contains("gpu_list[0].vendor` is missing"),
            "{}",
            e.message
        );

        let mistyped = json!({"metadata": {"uuid": 5}, "status": {"name": "x"}});
        let e = Inventory::from_entities("e", &[mistyped], &[], &[]).unwrap_err();
        assert!(
            e.message.contains("should be a string, found a number"),
            "{}",
            e.message
        );

        let bad_list = host(json!({"not": "a list"}));
        let e = Inventory::from_entities("e", &[], &[bad_list], &[]).unwrap_err();
        assert!(
            e.message
                .contains("`status.resources.gpu_list` should be a list"),
            "{}",
            e.message
        );
    }

    #[test]
    fn prism_central_entity_is_flagged() {
        let pc = json!({"metadata": {"uuid": "pc"}, "status": {"name": "pc",
            "resources": {"config": {"service_list": ["PRISM_CENTRAL"]}}}});
        let inv = Inventory::from_entities("e", &[pc], &[], &[]).unwrap();
        assert!(inv.clusters[0].is_prism_central);
        assert_eq!(inv.workload_clusters().count(), 0);
    }
}
