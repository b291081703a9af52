//! Generators: Kubernetes / NKE manifests (typed with `k8s-openapi`) and AHV
//! v3 VM payloads for a [`Plan`].
//!
//! Kubernetes: one Deployment (or Job) per pool of replicas sharing a
//! backend, GPU vendor and CPU architecture, each with a HorizontalPodAutoscaler
//! (Deployments only), plus one ConfigMap with the kernels (or an OCI image
//! volume when `--kernels-image` is given). GPU pools request
//! `nvidia.com/gpu`, `amd.com/gpu` or `gpu.intel.com/i915`, require the
//! vendor's node label (`nvidia.com/gpu.present`, the AMD GPU operator's
//! `feature.node.kubernetes.io/amd-gpu`, Intel's
//! `intel.feature.node.kubernetes.io/gpu`) and tolerate the matching
//! `NoSchedule` taint. Every pool requires `kubernetes.io/arch`.
//!
//! AHV: one v3 `POST /api/nutanix/v3/vms` payload per placed replica, with
//! the replica's GPU (passthrough or vGPU profile) by `device_id`.

use std::collections::BTreeMap;

use base64::Engine as _;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    Affinity, Capabilities, ConfigMap, ConfigMapVolumeSource, Container, EmptyDirVolumeSource,
    EnvVar, ImageVolumeSource, NodeAffinity, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, PodSecurityContext, PodSpec, PodTemplateSpec, ResourceRequirements,
    SeccompProfile, SecurityContext, Toleration, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::ByteString;
use serde::Serialize;
use serde_json::{json, Value};

use crate::artifacts::ArtifactKind;
use crate::error::{DeployError, ErrorKind};
use crate::model::GpuVendor;
use crate::placement::{Backend, Plan, PoolKey, Workload};

/// Where the pods find the kernels.
pub const KERNEL_DIR: &str = "/opt/cwcc/kernels";
/// ConfigMaps are limited to 1 MiB; kernels above this need an image.
pub const CONFIGMAP_LIMIT_BYTES: u64 = 1024 * 1024;

/// Deployment (long-running service) or Job (run to completion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    /// `apps/v1` Deployment with a HorizontalPodAutoscaler.
    Deployment,
    /// `batch/v1` Job, one completion per replica.
    Job,
}

/// How kernels reach the pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelSource {
    /// A ConfigMap built from the artifact files.
    ConfigMap,
    /// An OCI image holding the kernels, mounted as an image volume.
    Image(String),
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Kubernetes / NKE manifests.
    Kubernetes,
    /// AHV VM payloads.
    Ahv,
    /// Both.
    All,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// YAML (multi-document on stdout).
    Yaml,
    /// JSON.
    Json,
}

/// Generator settings.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Kubernetes namespace.
    pub namespace: String,
    /// The cwcc runner container image.
    pub image: String,
    /// Deployment or Job.
    pub kind: WorkloadKind,
    /// ConfigMap or image volume.
    pub kernels: KernelSource,
    /// CPU request per pod, e.g. `500m`.
    pub cpu_request: String,
    /// HPA maximum as a multiple of a pool's replicas (at least replicas + 1).
    pub hpa_max_factor: u32,
    /// HPA target CPU utilization, percent.
    pub hpa_cpu_utilization: i32,
    /// vCPUs of each AHV VM.
    pub vm_vcpus: u32,
    /// AHV disk image uuid to boot from.
    pub vm_image_uuid: Option<String>,
    /// AHV subnet uuid for the VM's NIC.
    pub vm_subnet_uuid: Option<String>,
}

impl GenerateOptions {
    /// Defaults: namespace `default`, Deployment, ConfigMap kernels, `500m` CPU,
    /// HPA up to 2x at 80 % CPU, 4-vCPU VMs.
    pub fn new(image: &str) -> Self {
        GenerateOptions {
            namespace: "default".to_string(),
            image: image.to_string(),
            kind: WorkloadKind::Deployment,
            kernels: KernelSource::ConfigMap,
            cpu_request: "500m".to_string(),
            hpa_max_factor: 2,
            hpa_cpu_utilization: 80,
            vm_vcpus: 4,
            vm_image_uuid: None,
            vm_subnet_uuid: None,
        }
    }
}

/// One generated object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    /// `Deployment`, `Job`, `ConfigMap`, `HorizontalPodAutoscaler` or `AhvVm`.
    pub kind: String,
    /// Object name.
    pub name: String,
    /// The object as JSON (for AHV: the v3 `vms` POST body).
    pub body: Value,
}

impl Generated {
    /// Whether this is a Kubernetes object (not an AHV payload).
    pub fn is_kubernetes(&self) -> bool {
        self.kind != "AhvVm"
    }

    /// The file name used with `--out-dir`.
    pub fn file_name(&self, format: Format) -> String {
        let ext = match format {
            Format::Yaml => "yaml",
            Format::Json => "json",
        };
        if self.is_kubernetes() {
            format!("{}-{}.{ext}", self.kind.to_ascii_lowercase(), self.name)
        } else {
            format!("ahv-vm-{}.{ext}", self.name)
        }
    }
}

/// Generates the objects for `target`.
pub fn generate(
    plan: &Plan,
    workload: &Workload,
    options: &GenerateOptions,
    target: Target,
) -> Result<Vec<Generated>, DeployError> {
    if plan.placements.is_empty() {
        return Err(DeployError::input(format!(
            "nothing to generate: none of the {} replicas fits",
            plan.unplaced.len()
        ))
        .with_hint("run `cw-deploy plan` to see why, then lower --memory-mib / --gpu-memory-mib or add kernels"));
    }
    if options.image.trim().is_empty() {
        return Err(DeployError::input(
            "--image must name the cwcc runner container image",
        ));
    }
    let mut out = Vec::new();
    if matches!(target, Target::Kubernetes | Target::All) {
        out.extend(kubernetes(plan, workload, options)?);
    }
    if matches!(target, Target::Ahv | Target::All) {
        out.extend(ahv_vms(plan, workload, options));
    }
    Ok(out)
}

fn to_value<T: Serialize>(object: &T, what: &str) -> Result<Value, DeployError> {
    serde_json::to_value(object)
        .map_err(|e| DeployError::new(ErrorKind::Io, format!("cannot serialize {what}: {e}")))
}

/// The extended resource a GPU pool requests.
pub fn gpu_resource(vendor: GpuVendor) -> &'static str {
    match vendor {
        GpuVendor::Nvidia => "nvidia.com/gpu",
        GpuVendor::Amd => "amd.com/gpu",
        GpuVendor::Intel => "gpu.intel.com/i915",
    }
}

/// The node label (value `true`) that marks nodes with the vendor's GPUs.
pub fn gpu_node_label(vendor: GpuVendor) -> &'static str {
    match vendor {
        GpuVendor::Nvidia => "nvidia.com/gpu.present",
        GpuVendor::Amd => "feature.node.kubernetes.io/amd-gpu",
        GpuVendor::Intel => "intel.feature.node.kubernetes.io/gpu",
    }
}

fn labels(workload: &str, component: &str, backend: Option<Backend>) -> BTreeMap<String, String> {
    let mut l = BTreeMap::new();
    l.insert("app.kubernetes.io/name".to_string(), workload.to_string());
    l.insert(
        "app.kubernetes.io/component".to_string(),
        component.to_string(),
    );
    l.insert(
        "app.kubernetes.io/managed-by".to_string(),
        "cw-deploy".to_string(),
    );
    if let Some(b) = backend {
        l.insert("cwcc.dev/backend".to_string(), b.name().to_string());
    }
    l
}

fn kernel_config_map(workload: &Workload, namespace: &str) -> Result<ConfigMap, DeployError> {
    let mut data = BTreeMap::new();
    let mut binary = BTreeMap::new();
    let mut total: u64 = 0;
    for file in &workload.artifacts.files {
        let bytes = std::fs::read(&file.path)
            .map_err(|e| DeployError::io("cannot read kernel", &file.path, &e))?;
        total += bytes.len() as u64;
        let text_kind = file.kind == ArtifactKind::Wgsl;
        match (text_kind, String::from_utf8(bytes)) {
            (true, Ok(text)) => {
                data.insert(file.name.clone(), text);
            }
            (_, Ok(text)) => {
                binary.insert(file.name.clone(), ByteString(text.into_bytes()));
            }
            (_, Err(e)) => {
                binary.insert(file.name.clone(), ByteString(e.into_bytes()));
            }
        }
    }
    // binaryData is stored base64-encoded: 4 bytes for every 3.
    if total.saturating_mul(4) / 3 > CONFIGMAP_LIMIT_BYTES {
        return Err(DeployError::input(format!(
            "the kernels take {total} bytes, too much for a ConfigMap (1 MiB once base64-encoded)"
        ))
        .with_hint("package them in an OCI image and pass --kernels-image REF"));
    }
    Ok(ConfigMap {
        metadata: ObjectMeta {
            name: Some(format!("{}-kernels", workload.name)),
            namespace: Some(namespace.to_string()),
            labels: Some(labels(&workload.name, "kernels", None)),
            ..ObjectMeta::default()
        },
        data: (!data.is_empty()).then_some(data),
        binary_data: (!binary.is_empty()).then_some(binary),
        immutable: Some(true),
    })
}

fn pod_template(
    workload: &Workload,
    options: &GenerateOptions,
    pool: &PoolKey,
    pool_labels: &BTreeMap<String, String>,
) -> PodTemplateSpec {
    let memory = Quantity(format!("{}Mi", workload.memory_mib));
    let mut requests = BTreeMap::new();
    requests.insert("cpu".to_string(), Quantity(options.cpu_request.clone()));
    requests.insert("memory".to_string(), memory.clone());
    let mut limits = BTreeMap::new();
    limits.insert("memory".to_string(), memory);
    let mut env = vec![
        EnvVar {
            name: "CWCC_BACKEND".to_string(),
            value: Some(pool.backend.name().to_string()),
            ..EnvVar::default()
        },
        EnvVar {
            name: "CWCC_KERNEL_DIR".to_string(),
            value: Some(KERNEL_DIR.to_string()),
            ..EnvVar::default()
        },
    ];
    let mut match_expressions = Vec::new();
    if let Some(arch) = pool.arch.k8s_name() {
        match_expressions.push(NodeSelectorRequirement {
            key: "kubernetes.io/arch".to_string(),
            operator: "In".to_string(),
            values: Some(vec![arch.to_string()]),
        });
    }
    let mut tolerations = Vec::new();
    if let Some(vendor) = pool.vendor {
        let resource = gpu_resource(vendor);
        requests.insert(resource.to_string(), Quantity("1".to_string()));
        limits.insert(resource.to_string(), Quantity("1".to_string()));
        env.push(EnvVar {
            name: "CWCC_GPU_VENDOR".to_string(),
            value: Some(vendor.short_name().to_string()),
            ..EnvVar::default()
        });
        match_expressions.push(NodeSelectorRequirement {
            key: gpu_node_label(vendor).to_string(),
            operator: "In".to_string(),
            values: Some(vec!["true".to_string()]),
        });
        tolerations.push(Toleration {
            key: Some(resource.to_string()),
            operator: Some("Exists".to_string()),
            effect: Some("NoSchedule".to_string()),
            ..Toleration::default()
        });
    }
    let kernels_volume = match &options.kernels {
        KernelSource::ConfigMap => Volume {
            name: "kernels".to_string(),
            config_map: Some(ConfigMapVolumeSource {
                name: format!("{}-kernels", workload.name),
                default_mode: Some(0o444),
                ..ConfigMapVolumeSource::default()
            }),
            ..Volume::default()
        },
        KernelSource::Image(reference) => Volume {
            name: "kernels".to_string(),
            image: Some(ImageVolumeSource {
                reference: Some(reference.clone()),
                pull_policy: Some("IfNotPresent".to_string()),
            }),
            ..Volume::default()
        },
    };
    let tmp_volume = Volume {
        name: "tmp".to_string(),
        empty_dir: Some(EmptyDirVolumeSource {
            size_limit: Some(Quantity("64Mi".to_string())),
            ..EmptyDirVolumeSource::default()
        }),
        ..Volume::default()
    };
    let seccomp = SeccompProfile {
        type_: "RuntimeDefault".to_string(),
        localhost_profile: None,
    };
    let container = Container {
        name: "runner".to_string(),
        image: Some(options.image.clone()),
        image_pull_policy: Some("IfNotPresent".to_string()),
        env: Some(env),
        resources: Some(ResourceRequirements {
            requests: Some(requests),
            limits: Some(limits),
            ..ResourceRequirements::default()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".to_string()]),
                add: None,
            }),
            seccomp_profile: Some(seccomp.clone()),
            ..SecurityContext::default()
        }),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "kernels".to_string(),
                mount_path: KERNEL_DIR.to_string(),
                read_only: Some(true),
                ..VolumeMount::default()
            },
            VolumeMount {
                name: "tmp".to_string(),
                mount_path: "/tmp".to_string(),
                ..VolumeMount::default()
            },
        ]),
        ..Container::default()
    };
    let affinity = (!match_expressions.is_empty()).then(|| Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Some(match_expressions),
                    match_fields: None,
                }],
            }),
            ..NodeAffinity::default()
        }),
        ..Affinity::default()
    });
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(pool_labels.clone()),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            automount_service_account_token: Some(false),
            restart_policy: Some(
                match options.kind {
                    WorkloadKind::Deployment => "Always",
                    WorkloadKind::Job => "Never",
                }
                .to_string(),
            ),
            security_context: Some(PodSecurityContext {
                run_as_non_root: Some(true),
                run_as_user: Some(65532),
                run_as_group: Some(65532),
                seccomp_profile: Some(seccomp),
                ..PodSecurityContext::default()
            }),
            affinity,
            tolerations: (!tolerations.is_empty()).then_some(tolerations),
            containers: vec![container],
            volumes: Some(vec![kernels_volume, tmp_volume]),
            ..PodSpec::default()
        }),
    }
}

fn kubernetes(
    plan: &Plan,
    workload: &Workload,
    options: &GenerateOptions,
) -> Result<Vec<Generated>, DeployError> {
    let mut out = Vec::new();
    if options.kernels == KernelSource::ConfigMap {
        let cm = kernel_config_map(workload, &options.namespace)?;
        out.push(Generated {
            kind: "ConfigMap".to_string(),
            name: format!("{}-kernels", workload.name),
            body: to_value(&cm, "ConfigMap")?,
        });
    }
    for (pool, members) in plan.pools() {
        let name = format!("{}-{}", workload.name, pool.suffix());
        let replicas = i32::try_from(members.len()).unwrap_or(i32::MAX);
        let component = pool.suffix();
        let pool_labels = labels(&workload.name, &component, Some(pool.backend));
        let template = pod_template(workload, options, &pool, &pool_labels);
        let hosts: Vec<String> = members
            .iter()
            .map(|p| match &p.cluster_name {
                Some(c) => format!("{c}/{}", p.host_name),
                None => p.host_name.clone(),
            })
            .collect();
        let mut annotations = BTreeMap::new();
        annotations.insert("cwcc.dev/placement".to_string(), hosts.join(","));
        if let Some(first) = members.first() {
            annotations.insert("cwcc.dev/reason".to_string(), first.reason.clone());
        }
        let metadata = ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(options.namespace.clone()),
            labels: Some(pool_labels.clone()),
            annotations: Some(annotations),
            ..ObjectMeta::default()
        };
        let selector = LabelSelector {
            match_labels: Some(pool_labels.clone()),
            match_expressions: None,
        };
        match options.kind {
            WorkloadKind::Deployment => {
                let deployment = Deployment {
                    metadata,
                    spec: Some(DeploymentSpec {
                        replicas: Some(replicas),
                        selector,
                        template,
                        revision_history_limit: Some(3),
                        ..DeploymentSpec::default()
                    }),
                    status: None,
                };
                out.push(Generated {
                    kind: "Deployment".to_string(),
                    name: name.clone(),
                    body: to_value(&deployment, "Deployment")?,
                });
                let max = replicas
                    .saturating_mul(i32::try_from(options.hpa_max_factor).unwrap_or(i32::MAX))
                    .max(replicas.saturating_add(1));
                let hpa = HorizontalPodAutoscaler {
                    metadata: ObjectMeta {
                        name: Some(name.clone()),
                        namespace: Some(options.namespace.clone()),
                        labels: Some(pool_labels.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(HorizontalPodAutoscalerSpec {
                        scale_target_ref: CrossVersionObjectReference {
                            api_version: Some("apps/v1".to_string()),
                            kind: "Deployment".to_string(),
                            name: name.clone(),
                        },
                        min_replicas: Some(replicas),
                        max_replicas: max,
                        metrics: Some(vec![MetricSpec {
                            type_: "Resource".to_string(),
                            resource: Some(ResourceMetricSource {
                                name: "cpu".to_string(),
                                target: MetricTarget {
                                    type_: "Utilization".to_string(),
                                    average_utilization: Some(options.hpa_cpu_utilization),
                                    ..MetricTarget::default()
                                },
                            }),
                            ..MetricSpec::default()
                        }]),
                        behavior: None,
                    }),
                    status: None,
                };
                out.push(Generated {
                    kind: "HorizontalPodAutoscaler".to_string(),
                    name,
                    body: to_value(&hpa, "HorizontalPodAutoscaler")?,
                });
            }
            WorkloadKind::Job => {
                let job = Job {
                    metadata,
                    spec: Some(JobSpec {
                        completions: Some(replicas),
                        parallelism: Some(replicas),
                        backoff_limit: Some(2),
                        ttl_seconds_after_finished: Some(3600),
                        template,
                        ..JobSpec::default()
                    }),
                    status: None,
                };
                out.push(Generated {
                    kind: "Job".to_string(),
                    name,
                    body: to_value(&job, "Job")?,
                });
            }
        }
    }
    Ok(out)
}

fn ahv_vms(plan: &Plan, workload: &Workload, options: &GenerateOptions) -> Vec<Generated> {
    let engine = base64::engine::general_purpose::STANDARD;
    plan.placements
        .iter()
        .map(|p| {
            let name = format!("{}-{}", workload.name, p.replica);
            let cloud_init = format!(
                "#cloud-config\nwrite_files:\n  - path: /etc/cwcc/runner.env\n    permissions: '0644'\n    content: |\n      CWCC_BACKEND={}\n      CWCC_KERNEL_DIR={KERNEL_DIR}\n      CWCC_WORKLOAD={}\n",
                p.backend.name(),
                workload.name
            );
            let mut resources = json!({
                "num_sockets": 1,
                "num_vcpus_per_socket": options.vm_vcpus.max(1),
                "memory_size_mib": workload.memory_mib,
                "power_state": "ON",
                "guest_customization": {"cloud_init": {"user_data": engine.encode(cloud_init)}}
            });
            if let Some(gpu) = &p.gpu {
                let mut entry = json!({"vendor": gpu.vendor.api_name(), "mode": gpu.mode.api_name()});
                if let Some(id) = gpu.device_id {
                    entry["device_id"] = json!(id);
                }
                resources["gpu_list"] = json!([entry]);
            }
            if let Some(image) = &options.vm_image_uuid {
                resources["disk_list"] = json!([{
                    "data_source_reference": {"kind": "image", "uuid": image},
                    "device_properties": {"device_type": "DISK",
                                          "disk_address": {"adapter_type": "SCSI", "device_index": 0}}
                }]);
            }
            if let Some(subnet) = &options.vm_subnet_uuid {
                resources["nic_list"] = json!([{"subnet_reference": {"kind": "subnet", "uuid": subnet}}]);
            }
            let mut cluster = json!({"kind": "cluster"});
            if let Some(uuid) = &p.cluster_uuid {
                cluster["uuid"] = json!(uuid);
            }
            if let Some(cluster_name) = &p.cluster_name {
                cluster["name"] = json!(cluster_name);
            }
            let body = json!({
                "api_version": "3.1.0",
                "metadata": {"kind": "vm"},
                "spec": {
                    "name": name,
                    "description": format!(
                        "cwcc workload {} replica {}: {} backend; planned for host {} ({})",
                        workload.name, p.replica, p.backend, p.host_name, p.reason
                    ),
                    "cluster_reference": cluster,
                    "resources": resources
                }
            });
            Generated {
                kind: "AhvVm".to_string(),
                name,
                body,
            }
        })
        .collect()
}

/// Renders objects for stdout: YAML documents separated by `---`; JSON as a
/// Kubernetes `v1/List` (Kubernetes only), an array (AHV only), or an object
/// with both.
pub fn render(objects: &[Generated], format: Format) -> Result<String, DeployError> {
    match format {
        Format::Yaml => {
            let mut out = String::new();
            for object in objects {
                out.push_str("---\n");
                out.push_str(&to_yaml(&object.body)?);
            }
            Ok(out)
        }
        Format::Json => {
            let k8s: Vec<&Value> = objects
                .iter()
                .filter(|o| o.is_kubernetes())
                .map(|o| &o.body)
                .collect();
            let ahv: Vec<&Value> = objects
                .iter()
                .filter(|o| !o.is_kubernetes())
                .map(|o| &o.body)
                .collect();
            let list = json!({"apiVersion": "v1", "kind": "List", "items": k8s});
            let value = match (k8s.is_empty(), ahv.is_empty()) {
                (false, true) => list,
                (true, _) => json!(ahv),
                (false, false) => json!({"kubernetes": list, "ahv": ahv}),
            };
            to_json(&value)
        }
    }
}

/// One object as YAML.
pub fn to_yaml(value: &Value) -> Result<String, DeployError> {
    serde_norway::to_string(value)
        .map_err(|e| DeployError::new(ErrorKind::Io, format!("cannot write YAML: {e}")))
}

/// One object as pretty JSON with a final newline.
pub fn to_json(value: &Value) -> Result<String, DeployError> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| DeployError::new(ErrorKind::Io, format!("cannot write JSON: {e}")))
}

/// Writes each object to its own file in `dir`; returns the paths written.
pub fn write_dir(
    objects: &[Generated],
    format: Format,
    dir: &std::path::Path,
) -> Result<Vec<std::path::PathBuf>, DeployError> {
    std::fs::create_dir_all(dir).map_err(|e| DeployError::io("cannot create", dir, &e))?;
    let mut written = Vec::new();
    for object in objects {
        let path = dir.join(object.file_name(format));
        let text = match format {
            Format::Yaml => to_yaml(&object.body)?,
            Format::Json => to_json(&object.body)?,
        };
        std::fs::write(&path, text).map_err(|e| DeployError::io("cannot write", &path, &e))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifacts::ArtifactSet;
    use crate::model::CpuArch;
    use crate::placement::plan;

    fn setup(dir_name: &str) -> (Workload, Plan) {
        let dir =
            std::env::temp_dir().join(format!("cw-deploy-gen-{dir_name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("saxpy.spv"), [3u8, 2, 0x23, 7, 0, 0xff]).unwrap();
        std::fs::write(
            dir.join("saxpy.wgsl"),
            "@compute @workgroup_size(64) fn main() {}\n",
        )
        .unwrap();
        std::fs::write(dir.join("saxpy.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(
            dir.join("saxpy-arm64.o"),
            crate::artifacts::fake_elf_header(CpuArch::Arm64),
        )
        .unwrap();
        let workload = Workload {
            name: "saxpy".into(),
            artifacts: ArtifactSet::scan(&dir).unwrap(),
            replicas: 8,
            memory_mib: 2048,
            gpu_memory_mib: 0,
            preferred_vendor: Some(GpuVendor::Nvidia),
            require_gpu: false,
            cpu_only: false,
        };
        let inv = crate::sim::fixture_inventory("sim").unwrap();
        let p = plan(&inv, &workload).unwrap();
        (workload, p)
    }

    #[test]
    fn kubernetes_objects_have_gpu_resources_and_security() {
        let (w, p) = setup("k8s");
        let objects = generate(
            &p,
            &w,
            &GenerateOptions::new("ghcr.io/cwcc/runner:0.1"),
            Target::Kubernetes,
        )
        .unwrap();
        let kinds: Vec<&str> = objects.iter().map(|o| o.kind.as_str()).collect();
        assert_eq!(kinds[0], "ConfigMap");
        let nvidia = objects
            .iter()
            .find(|o| o.name == "saxpy-vulkan-nvidia" && o.kind == "Deployment")
            .unwrap();
        let b = &nvidia.body;
        assert_eq!(b["apiVersion"], "apps/v1");
        assert_eq!(b["spec"]["replicas"], 4);
        let c = &b["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["resources"]["limits"]["nvidia.com/gpu"], "1");
        assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
        assert_eq!(c["securityContext"]["capabilities"]["drop"][0], "ALL");
        assert_eq!(c["env"][0]["value"], "vulkan");
        let terms = &b["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]
            ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
            ["matchExpressions"];
        assert_eq!(terms[0]["key"], "kubernetes.io/arch");
        assert_eq!(terms[1]["key"], "nvidia.com/gpu.present");
        let cm = &objects[0].body;
        assert!(cm["binaryData"]["saxpy.spv"].is_string());
        assert!(cm["data"]["saxpy.wgsl"]
            .as_str()
            .unwrap()
            .contains("@compute"));
        assert!(objects
            .iter()
            .any(|o| o.kind == "HorizontalPodAutoscaler" && o.name == "saxpy-vulkan-amd"));
    }

    #[test]
    fn jobs_image_kernels_and_ahv() {
        let (w, p) = setup("job");
        let mut o = GenerateOptions::new("runner:1");
        o.kind = WorkloadKind::Job;
        o.kernels = KernelSource::Image("registry.local/saxpy-kernels:1".into());
        let objects = generate(&p, &w, &o, Target::All).unwrap();
        assert!(objects
            .iter()
            .all(|o| o.kind != "ConfigMap" && o.kind != "HorizontalPodAutoscaler"));
        let job = objects.iter().find(|o| o.kind == "Job").unwrap();
        assert_eq!(
            job.body["spec"]["template"]["spec"]["restartPolicy"],
            "Never"
        );
        assert_eq!(
            job.body["spec"]["template"]["spec"]["volumes"][0]["image"]["reference"],
            "registry.local/saxpy-kernels:1"
        );
        let vms: Vec<&Generated> = objects.iter().filter(|o| o.kind == "AhvVm").collect();
        assert_eq!(vms.len(), 8);
        assert_eq!(
            vms[0].body["spec"]["resources"]["gpu_list"][0]["mode"],
            "PASSTHROUGH_COMPUTE"
        );
        assert_eq!(
            vms[1].body["spec"]["resources"]["gpu_list"][0]["mode"],
            "VIRTUAL"
        );
        assert_eq!(
            vms[1].body["spec"]["resources"]["gpu_list"][0]["device_id"],
            1153
        );
        assert!(vms[7].body["spec"]["resources"].get("gpu_list").is_none());
        let rendered = render(&objects, Format::Json).unwrap();
        let back: Value = serde_json::from_str(&rendered).unwrap();
        assert_eq!(back["kubernetes"]["kind"], "List");
        assert_eq!(back["ahv"].as_array().unwrap().len(), 8);
    }

    #[test]
    fn oversized_kernels_need_an_image() {
        let (mut w, p) = setup("big");
        let big =
            std::env::temp_dir().join(format!("cw-deploy-gen-bigfile-{}.spv", std::process::id()));
        std::fs::write(&big, vec![0u8; 900 * 1024]).unwrap();
        w.artifacts.files[0].path = big.clone();
        let e = generate(&p, &w, &GenerateOptions::new("r"), Target::Kubernetes).unwrap_err();
        assert!(
            e.message.contains("too much for a ConfigMap"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("--kernels-image"));
        let _ = std::fs::remove_file(big);
    }
}
