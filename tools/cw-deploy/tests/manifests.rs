//! Every generated Kubernetes manifest validated against the vendored
//! Kubernetes 1.33 JSON schemas (strict), and snapshot-tested with insta.

mod common;

use std::path::Path;

use cw_deploy::artifacts::ArtifactSet;
use cw_deploy::generate::{
    generate, render, Format, GenerateOptions, Generated, KernelSource, Target, WorkloadKind,
};
use cw_deploy::model::GpuVendor;
use cw_deploy::placement::{plan, Plan, Workload};
use serde_json::Value;

const SCHEMA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schemas/v1.33.0-local-strict"
);

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates `object` against the schema of its kind; returns the error messages.
fn schema_errors(object: &Value) -> Vec<String> {
    let file = match object["kind"].as_str().unwrap() {
        "Deployment" => "deployment-apps-v1.json",
        "Job" => "job-batch-v1.json",
        "ConfigMap" => "configmap-v1.json",
        "HorizontalPodAutoscaler" => "horizontalpodautoscaler-autoscaling-v2.json",
        other => panic!("no schema for kind {other}"),
    };
    let dir = Path::new(SCHEMA_DIR);
    let definitions = read_json(&dir.join("_definitions.json"));
    let registry = jsonschema::Registry::new()
        .add("https://kubernetes.io/api/_definitions.json", definitions)
        .unwrap()
        .prepare()
        .unwrap();
    let schema = read_json(&dir.join(file));
    let validator = jsonschema::options()
        .with_registry(&registry)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(object)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn setup(name: &str, replicas: u32, vendor: Option<GpuVendor>) -> (Workload, Plan) {
    let dir = common::artifact_dir(name);
    let workload = Workload {
        name: "saxpy".into(),
        artifacts: ArtifactSet::scan(&dir).unwrap(),
        replicas,
        memory_mib: 2048,
        gpu_memory_mib: 0,
        preferred_vendor: vendor,
        require_gpu: false,
        cpu_only: false,
    };
    let inventory = cw_deploy::sim::fixture_inventory("sim").unwrap();
    let p = plan(&inventory, &workload).unwrap();
    (workload, p)
}

fn assert_all_valid(objects: &[Generated]) {
    let mut checked = 0;
    for object in objects.iter().filter(|o| o.is_kubernetes()) {
        let errors = schema_errors(&object.body);
        assert!(
            errors.is_empty(),
            "{} {}: {errors:#?}",
            object.kind,
            object.name
        );
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn deployments_with_configmap_are_valid_and_stable() {
    let (workload, p) = setup("deploy", 8, Some(GpuVendor::Nvidia));
    let objects = generate(
        &p,
        &workload,
        &GenerateOptions::new("ghcr.io/example/cwcc-runner:0.1"),
        Target::Kubernetes,
    )
    .unwrap();
    let kinds: Vec<String> = objects
        .iter()
        .map(|o| format!("{}/{}", o.kind, o.name))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "ConfigMap/saxpy-kernels",
            "Deployment/saxpy-vulkan-nvidia",
            "HorizontalPodAutoscaler/saxpy-vulkan-nvidia",
            "Deployment/saxpy-vulkan-amd",
            "HorizontalPodAutoscaler/saxpy-vulkan-amd",
            "Deployment/saxpy-native-arm64",
            "HorizontalPodAutoscaler/saxpy-native-arm64",
        ]
    );
    assert_all_valid(&objects);
    insta::assert_snapshot!(
        "deployment_configmap_yaml",
        render(&objects, Format::Yaml).unwrap()
    );
}

#[test]
fn jobs_with_image_kernels_are_valid_and_stable() {
    let (workload, p) = setup("job", 3, Some(GpuVendor::Amd));
    let mut options = GenerateOptions::new("ghcr.io/example/cwcc-runner:0.1");
    options.kind = WorkloadKind::Job;
    options.namespace = "batch".into();
    options.kernels = KernelSource::Image("registry.example.com/saxpy-kernels:1.0".into());
    let objects = generate(&p, &workload, &options, Target::Kubernetes).unwrap();
    assert_all_valid(&objects);
    insta::assert_snapshot!("job_image_yaml", render(&objects, Format::Yaml).unwrap());
}

#[test]
fn cpu_only_and_wasm_pools_are_valid() {
    let (mut workload, _) = setup("cpu", 1, None);
    workload.cpu_only = true;
    workload.replicas = 7;
    let inventory = cw_deploy::sim::fixture_inventory("sim").unwrap();
    let p = plan(&inventory, &workload).unwrap();
    let objects = generate(
        &p,
        &workload,
        &GenerateOptions::new("runner:1"),
        Target::Kubernetes,
    )
    .unwrap();
    let names: Vec<&str> = objects
        .iter()
        .filter(|o| o.kind == "Deployment")
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(names, vec!["saxpy-native-arm64", "saxpy-wasm-amd64"]);
    assert_all_valid(&objects);
}

#[test]
fn ahv_vm_specs_are_stable() {
    let (workload, p) = setup("ahv", 5, Some(GpuVendor::Nvidia));
    let mut options = GenerateOptions::new("runner:1");
    options.vm_image_uuid = Some("9d7b4c9e-0000-4000-8000-0000000000aa".into());
    options.vm_subnet_uuid = Some("5b0c1f2a-0000-4000-8000-0000000000bb".into());
    let objects = generate(&p, &workload, &options, Target::Ahv).unwrap();
    assert_eq!(objects.len(), 5);
    insta::assert_snapshot!("ahv_vms_json", render(&objects, Format::Json).unwrap());
}

#[test]
fn the_validator_rejects_broken_manifests() {
    let (workload, p) = setup("neg", 2, Some(GpuVendor::Nvidia));
    let objects = generate(
        &p,
        &workload,
        &GenerateOptions::new("runner:1"),
        Target::Kubernetes,
    )
    .unwrap();
    let deployment = objects.iter().find(|o| o.kind == "Deployment").unwrap();
    // An unknown field (strict schemas reject it).
    let mut bad = deployment.body.clone();
    bad["spec"]["template"]["spec"]["containers"][0]["gpuCount"] = Value::from(1);
    assert!(!schema_errors(&bad).is_empty());
    // A wrong type.
    let mut bad = deployment.body.clone();
    bad["spec"]["replicas"] = Value::from("four");
    assert!(!schema_errors(&bad).is_empty());
    // A missing required field (containers[].name).
    let mut bad = deployment.body.clone();
    bad["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert!(!schema_errors(&bad).is_empty());
    let mut bad = objects[0].body.clone();
    bad["kind"] = Value::from("ConfigMap");
    bad["binaryData"] = Value::from(3);
    assert!(!schema_errors(&bad).is_empty());
}
