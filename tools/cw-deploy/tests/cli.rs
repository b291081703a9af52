//! The `cw-deploy` binary run against the simulator on 127.0.0.1.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use cw_deploy::credentials::Credentials;
use cw_deploy::sim::{SimConfig, Simulator};

const USER: &str = "ops";
const PASSWORD: &str = "Pc-Secret-42";

fn start(tls: bool) -> Simulator {
    let mut config = SimConfig::new(Credentials::new(USER, PASSWORD));
    config.tls = tls;
    Simulator::start(config).unwrap()
}

fn cw_deploy(args: &[&str], password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cw-deploy"))
        .args(args)
        .env("NUTANIX_USERNAME", USER)
        .env("NUTANIX_PASSWORD", password)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

#[test]
fn discover_prints_tables_and_json() {
    let sim = start(false);
    let out = cw_deploy(
        &["discover", "--endpoint", &sim.url(), "--timeout", "5"],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("3 clusters, 7 hosts, 131 VMs"), "{stdout}");
    assert!(stdout.contains("NVIDIA L40S-12Q"), "{stdout}");
    assert!(stdout.contains("3/4 vGPU free"), "{stdout}");
    assert!(stdout.contains("arm64"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("AMD") && l.contains("2/2")),
        "{stdout}"
    );

    let out = cw_deploy(&["discover", "--endpoint", &sim.url(), "--json"], PASSWORD);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["hosts"].as_array().unwrap().len(), 7);
    assert_eq!(json["vms"].as_array().unwrap().len(), 131);
}

#[test]
fn errors_are_one_line_plus_hint_and_never_show_the_password() {
    let sim = start(false);
    let out = cw_deploy(
        &["discover", "--endpoint", &sim.url()],
        "wrong-password-123",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("401"),
        "{stderr}"
    );
    assert!(lines[1].starts_with("hint: "), "{stderr}");
    assert!(
        !stderr.contains("wrong-password-123") && !text(&out.stdout).contains("wrong-password")
    );

    // Nothing listens on a closed port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = cw_deploy(
        &[
            "discover",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
        ],
        PASSWORD,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: connection refused")
            || stderr.starts_with("error: cannot connect"),
        "{stderr}"
    );

    // Missing credentials.
    let out = Command::new(env!("CARGO_BIN_EXE_cw-deploy"))
        .args(["discover", "--endpoint", &sim.url()])
        .env_remove("NUTANIX_USERNAME")
        .env_remove("NUTANIX_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("NUTANIX_USERNAME and NUTANIX_PASSWORD not set"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn credentials_file_is_accepted() {
    let sim = start(false);
    let dir = common::temp_dir("credfile");
    let file = dir.join("creds");
    std::fs::write(&file, format!("username={USER}\npassword={PASSWORD}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = cw_deploy(
        &[
            "discover",
            "--endpoint",
            &sim.url(),
            "--credentials-file",
            file.to_str().unwrap(),
        ],
        "ignored-because-the-file-wins",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = cw_deploy(
            &[
                "discover",
                "--endpoint",
                &sim.url(),
                "--credentials-file",
                file.to_str().unwrap(),
            ],
            "x",
        );
        assert!(out.status.success());
        assert!(
            text(&out.stderr).contains("readable by other users"),
            "{}",
            text(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn tls_needs_the_ca_or_insecure() {
    let sim = start(true);
    let out = cw_deploy(&["discover", "--endpoint", &sim.url()], PASSWORD);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: TLS with"), "{stderr}");
    assert!(
        stderr.contains("hint: pass the cluster's CA with --ca-bundle"),
        "{stderr}"
    );

    let dir = common::temp_dir("cli-tls");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, sim.ca_pem().unwrap()).unwrap();
    let out = cw_deploy(
        &[
            "discover",
            "--endpoint",
            &sim.url(),
            "--ca-bundle",
            ca.to_str().unwrap(),
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).is_empty());

    let out = cw_deploy(
        &["discover", "--endpoint", &sim.url(), "--insecure"],
        PASSWORD,
    );
    assert!(out.status.success());
    assert!(
        text(&out.stderr).starts_with("warning: --insecure"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn plan_and_generate_from_live_and_saved_inventory() {
    let sim = start(false);
    let artifacts = common::artifact_dir("cli-gen");
    let art = artifacts.to_str().unwrap();
    let out = cw_deploy(
        &[
            "plan",
            "--endpoint",
            &sim.url(),
            "--artifacts",
            art,
            "--name",
            "saxpy",
            "--replicas",
            "8",
            "--vendor",
            "nvidia",
            "--memory-mib",
            "2048",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("8 of 8 replicas placed"), "{stdout}");
    assert!(stdout.contains("NVIDIA L40S-12Q (vGPU)"), "{stdout}");
    assert!(stdout.contains("native"), "{stdout}");

    // Save the inventory, then plan offline with --json.
    let out = cw_deploy(&["discover", "--endpoint", &sim.url(), "--json"], PASSWORD);
    let dir = common::temp_dir("cli-inv");
    let inventory = dir.join("inventory.json");
    std::fs::write(&inventory, &out.stdout).unwrap();
    let inv = inventory.to_str().unwrap();
    let out = cw_deploy(
        &[
            "plan",
            "--inventory",
            inv,
            "--artifacts",
            art,
            "--replicas",
            "20",
            "--require-gpu",
            "--json",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["placements"].as_array().unwrap().len(), 6);
    assert_eq!(plan["unplaced"].as_array().unwrap().len(), 14);

    // Generate into a directory.
    let manifests = dir.join("out");
    let out = cw_deploy(
        &[
            "generate",
            "--inventory",
            inv,
            "--artifacts",
            art,
            "--name",
            "saxpy",
            "--replicas",
            "8",
            "--vendor",
            "nvidia",
            "--image",
            "runner:1",
            "--target",
            "all",
            "--out-dir",
            manifests.to_str().unwrap(),
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files: Vec<String> = std::fs::read_dir(&manifests)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 7 + 8, "{files:?}");
    assert!(files.contains(&"deployment-saxpy-vulkan-nvidia.yaml".to_string()));
    assert!(files.contains(&"ahv-vm-saxpy-0.yaml".to_string()));
    let yaml =
        std::fs::read_to_string(manifests.join("deployment-saxpy-vulkan-nvidia.yaml")).unwrap();
    let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(parsed["spec"]["replicas"], 4);

    // Generate JSON to stdout from the live endpoint.
    let out = cw_deploy(
        &[
            "generate",
            "--endpoint",
            &sim.url(),
            "--artifacts",
            art,
            "--replicas",
            "2",
            "--image",
            "runner:1",
            "--format",
            "json",
            "--job",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["kind"], "List");
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == "Job"));
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(artifacts);
}

#[test]
fn bad_inputs_exit_2_with_a_hint() {
    let out = cw_deploy(
        &[
            "plan",
            "--inventory",
            "/nonexistent.json",
            "--artifacts",
            "/nonexistent",
        ],
        PASSWORD,
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(text(&out.stderr).starts_with("error: "));
    let dir = common::artifact_dir("cli-bad");
    let inventory = dir.join("inv.json");
    std::fs::write(&inventory, "{not json").unwrap();
    let out = cw_deploy(
        &[
            "plan",
            "--inventory",
            inventory.to_str().unwrap(),
            "--artifacts",
            dir.to_str().unwrap(),
        ],
        PASSWORD,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("is not valid")
            && stderr.contains("hint: write it with `cw-deploy discover --json"),
        "{stderr}"
    );
    let out = cw_deploy(
        &[
            "plan",
            "--inventory",
            "x",
            "--artifacts",
            "y",
            "--vendor",
            "matrox",
        ],
        PASSWORD,
    );
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn simulate_subcommand_serves_and_writes_its_ca() {
    let dir = common::temp_dir("cli-sim");
    let ca = dir.join("ca.pem");
    let out = cw_deploy(
        &[
            "simulate",
            "--tls",
            "--ca-out",
            ca.to_str().unwrap(),
            "--serve-seconds",
            "0",
        ],
        PASSWORD,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Prism Central v3 simulator listening on https://127.0.0.1:"),
        "{stdout}"
    );
    assert!(!stdout.contains(PASSWORD));
    assert!(std::fs::read_to_string(Path::new(&ca))
        .unwrap()
        .contains("BEGIN CERTIFICATE"));
    let _ = std::fs::remove_dir_all(dir);
}
