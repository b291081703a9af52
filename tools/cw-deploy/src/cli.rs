//! The `cw-deploy` command line: `discover`, `plan`, `generate`, `simulate`.
//!
//! Human tables by default, `--json` for scripts. Errors print one line
//! `error: ...` and one line `hint: ...` on stderr, with a non-zero exit code.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::artifacts::ArtifactSet;
use crate::client::{ClientOptions, PrismClient};
use crate::credentials::Credentials;
use crate::error::DeployError;
use crate::generate::{self, Format, GenerateOptions, KernelSource, Target, WorkloadKind};
use crate::model::{GpuMode, GpuVendor, Inventory};
use crate::placement::{self, Plan, Workload};
use crate::sim::{SimConfig, Simulator};
use crate::table::Table;

/// Deploy cwcc kernels on Nutanix: discover GPU capacity through Prism
/// Central, plan where each replica runs, generate NKE/Kubernetes manifests
/// or AHV VM specs.
///
/// Credentials come from NUTANIX_USERNAME / NUTANIX_PASSWORD or
/// --credentials-file, never from the command line.
#[derive(Debug, Parser)]
#[command(name = "cw-deploy", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List clusters, hosts, GPUs and free GPU capacity from Prism Central.
    Discover(DiscoverArgs),
    /// Recommend a host and backend for each replica of a workload.
    Plan(PlanArgs),
    /// Generate Kubernetes/NKE manifests or AHV VM specs for a workload.
    Generate(GenerateArgs),
    /// Run a Prism Central v3 simulator on 127.0.0.1 (for demos and tests).
    Simulate(SimulateArgs),
}

/// How to reach Prism Central.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// Prism Central URL, e.g. https://pc.example.com:9440 (a bare host gets https and port 9440).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// Do not verify the TLS certificate (lab clusters with self-signed certificates).
    #[arg(long)]
    pub insecure: bool,
    /// PEM file with the CA certificate(s) that signed Prism Central's certificate.
    #[arg(long, value_name = "PATH")]
    pub ca_bundle: Option<PathBuf>,
    /// File with `username=...` and `password=...` lines (instead of the environment).
    #[arg(long, value_name = "PATH")]
    pub credentials_file: Option<PathBuf>,
    /// Timeout of each request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Retries of a request answered with 429 or 5xx (exponential backoff).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub retries: u32,
    /// Entities per list page (Prism Central allows up to 500).
    #[arg(long, value_name = "N", default_value_t = 250)]
    pub page_size: u32,
}

/// `discover` arguments.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Connection settings.
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Print the inventory as JSON (input for `plan --inventory`).
    #[arg(long)]
    pub json: bool,
}

/// Where the inventory comes from.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Connection settings (used when --inventory is not given).
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Read the inventory from a file written by `discover --json` instead of Prism Central.
    #[arg(long, value_name = "FILE", conflicts_with = "endpoint")]
    pub inventory: Option<PathBuf>,
}

/// GPU vendor names on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VendorArg {
    /// NVIDIA.
    Nvidia,
    /// AMD.
    Amd,
    /// Intel.
    Intel,
}

impl From<VendorArg> for GpuVendor {
    fn from(v: VendorArg) -> Self {
        match v {
            VendorArg::Nvidia => GpuVendor::Nvidia,
            VendorArg::Amd => GpuVendor::Amd,
            VendorArg::Intel => GpuVendor::Intel,
        }
    }
}

/// The workload.
#[derive(Debug, Args)]
pub struct WorkloadArgs {
    /// Directory with the kernels cwcc produced (*.spv, *.wgsl, *.wasm, *.o).
    #[arg(long, value_name = "DIR")]
    pub artifacts: PathBuf,
    /// Workload name (lowercase letters, digits, `-`).
    #[arg(long, default_value = "cwcc-app")]
    pub name: String,
    /// Number of replicas.
    #[arg(long, default_value_t = 1)]
    pub replicas: u32,
    /// Host memory per replica, MiB.
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    pub memory_mib: u64,
    /// GPU memory each GPU replica needs, MiB (0: any).
    #[arg(long, value_name = "MIB", default_value_t = 0)]
    pub gpu_memory_mib: u64,
    /// Preferred GPU vendor.
    #[arg(long, value_enum)]
    pub vendor: Option<VendorArg>,
    /// Place only on GPUs; replicas without a GPU are reported as not fitting.
    #[arg(long)]
    pub require_gpu: bool,
    /// Place only on CPUs (wasm / native backends).
    #[arg(long)]
    pub cpu_only: bool,
}

/// `plan` arguments.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Inventory source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Workload.
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `generate` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TargetArg {
    /// Kubernetes / NKE manifests.
    K8s,
    /// AHV v3 VM payloads.
    Ahv,
    /// Both.
    All,
}

/// Output format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// YAML.
    Yaml,
    /// JSON.
    Json,
}

/// `generate` arguments.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Inventory source.
    #[command(flatten)]
    pub source: SourceArgs,
    /// Workload.
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// The cwcc runner container image.
    #[arg(long, value_name = "IMAGE")]
    pub image: String,
    /// Kubernetes namespace.
    #[arg(long, default_value = "default")]
    pub namespace: String,
    /// Generate a Job (run to completion) instead of a Deployment with an autoscaler.
    #[arg(long)]
    pub job: bool,
    /// OCI image holding the kernels (mounted as an image volume) instead of a ConfigMap.
    #[arg(long, value_name = "REF")]
    pub kernels_image: Option<String>,
    /// What to generate.
    #[arg(long, value_enum, default_value = "k8s")]
    pub target: TargetArg,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: FormatArg,
    /// Write one file per object into this directory instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// CPU request of each pod.
    #[arg(long, default_value = "500m")]
    pub cpu_request: String,
    /// Autoscaler maximum as a multiple of the planned replicas.
    #[arg(long, default_value_t = 2)]
    pub hpa_max_factor: u32,
    /// vCPUs of each AHV VM.
    #[arg(long, default_value_t = 4)]
    pub vm_vcpus: u32,
    /// AHV disk image uuid the VMs boot from.
    #[arg(long, value_name = "UUID")]
    pub vm_image_uuid: Option<String>,
    /// AHV subnet uuid for the VMs' NIC.
    #[arg(long, value_name = "UUID")]
    pub vm_subnet_uuid: Option<String>,
}

/// `simulate` arguments.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Port on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve HTTPS with a fresh self-signed certificate.
    #[arg(long)]
    pub tls: bool,
    /// Write the certificate (PEM) here, for --ca-bundle.
    #[arg(long, value_name = "PATH", requires = "tls")]
    pub ca_out: Option<PathBuf>,
    /// Largest page the simulator returns.
    #[arg(long, default_value_t = 50)]
    pub max_page: u32,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long, value_name = "SECONDS")]
    pub serve_seconds: Option<u64>,
}

/// Runs the command line; returns the exit code.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(stderr, "{text}")
            } else {
                write!(stdout, "{text}")
            };
            return e.exit_code();
        }
    };
    match execute(cli, stdout, stderr) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", e.message);
            if let Some(hint) = &e.hint {
                let _ = writeln!(stderr, "hint: {hint}");
            }
            e.exit_code()
        }
    }
}

fn execute(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<(), DeployError> {
    match cli.command {
        Command::Discover(args) => {
            let inventory = discover(&args.connection, stderr)?;
            let text = if args.json {
                generate::to_json(&serde_json::to_value(&inventory).map_err(|e| {
                    DeployError::input(format!("cannot serialize the inventory: {e}"))
                })?)?
            } else {
                render_inventory(&inventory)
            };
            emit(stdout, &text)
        }
        Command::Plan(args) => {
            let inventory = load_inventory(&args.source, stderr)?;
            let workload = workload(&args.workload)?;
            let plan = placement::plan(&inventory, &workload)?;
            let text =
                if args.json {
                    generate::to_json(&serde_json::to_value(&plan).map_err(|e| {
                        DeployError::input(format!("cannot serialize the plan: {e}"))
                    })?)?
                } else {
                    render_plan(&plan)
                };
            emit(stdout, &text)
        }
        Command::Generate(args) => {
            let inventory = load_inventory(&args.source, stderr)?;
            let workload = workload(&args.workload)?;
            let plan = placement::plan(&inventory, &workload)?;
            if !plan.unplaced.is_empty() {
                let _ = writeln!(
                    stderr,
                    "warning: {} of {} replicas fit nowhere and are left out (see `cw-deploy plan`)",
                    plan.unplaced.len(),
                    workload.replicas
                );
            }
            let options = GenerateOptions {
                namespace: args.namespace.clone(),
                image: args.image.clone(),
                kind: if args.job {
                    WorkloadKind::Job
                } else {
                    WorkloadKind::Deployment
                },
                kernels: match &args.kernels_image {
                    Some(r) => KernelSource::Image(r.clone()),
                    None => KernelSource::ConfigMap,
                },
                cpu_request: args.cpu_request.clone(),
                hpa_max_factor: args.hpa_max_factor.max(1),
                hpa_cpu_utilization: 80,
                vm_vcpus: args.vm_vcpus,
                vm_image_uuid: args.vm_image_uuid.clone(),
                vm_subnet_uuid: args.vm_subnet_uuid.clone(),
            };
            if !is_dns_subdomain(&options.namespace) {
                return Err(DeployError::input(format!(
                    "namespace `{}` is not a valid Kubernetes name",
                    options.namespace
                )));
            }
            let target = match args.target {
                TargetArg::K8s => Target::Kubernetes,
                TargetArg::Ahv => Target::Ahv,
                TargetArg::All => Target::All,
            };
            let format = match args.format {
                FormatArg::Yaml => Format::Yaml,
                FormatArg::Json => Format::Json,
            };
            let objects = generate::generate(&plan, &workload, &options, target)?;
            match &args.out_dir {
                Some(dir) => {
                    let written = generate::write_dir(&objects, format, dir)?;
                    let mut text = String::new();
                    for path in written {
                        text.push_str(&format!("wrote {}\n", path.display()));
                    }
                    emit(stdout, &text)
                }
                None => emit(stdout, &generate::render(&objects, format)?),
            }
        }
        Command::Simulate(args) => simulate(&args, stdout),
    }
}

fn emit(stdout: &mut dyn Write, text: &str) -> Result<(), DeployError> {
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| DeployError::new(crate::ErrorKind::Io, format!("cannot write output: {e}")))
}

fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn discover(connection: &ConnectionArgs, stderr: &mut dyn Write) -> Result<Inventory, DeployError> {
    let Some(endpoint) = &connection.endpoint else {
        return Err(
            DeployError::input("no Prism Central endpoint given").with_hint(
                "pass --endpoint https://HOST:9440 (or --inventory FILE for plan/generate)",
            ),
        );
    };
    if !(connection.timeout.is_finite() && connection.timeout > 0.0 && connection.timeout <= 3600.0)
    {
        return Err(DeployError::input(
            "--timeout must be between 0 and 3600 seconds",
        ));
    }
    if connection.page_size == 0 || connection.page_size > 500 {
        return Err(DeployError::input("--page-size must be between 1 and 500"));
    }
    let credentials = Credentials::resolve(connection.credentials_file.as_deref())?;
    if let Some(file) = &connection.credentials_file {
        if Credentials::file_readable_by_others(file) {
            let _ = writeln!(
                stderr,
                "warning: credentials file `{}` is readable by other users; run `chmod 600` on it",
                file.display()
            );
        }
    }
    let mut options = ClientOptions::new(endpoint);
    options.insecure = connection.insecure;
    options.ca_bundle = connection.ca_bundle.clone();
    options.timeout = Duration::from_secs_f64(connection.timeout);
    options.retries = connection.retries.min(10);
    options.page_size = connection.page_size;
    if connection.insecure {
        let _ = writeln!(
            stderr,
            "warning: --insecure: the TLS certificate of {} is not verified; use this only for lab clusters",
            options.endpoint
        );
    }
    PrismClient::new(options, &credentials)?.discover()
}

fn load_inventory(source: &SourceArgs, stderr: &mut dyn Write) -> Result<Inventory, DeployError> {
    match &source.inventory {
        Some(path) => read_inventory(path),
        None => discover(&source.connection, stderr),
    }
}

/// Reads an inventory saved by `discover --json`.
pub fn read_inventory(path: &Path) -> Result<Inventory, DeployError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DeployError::io("cannot read inventory", path, &e))?;
    serde_json::from_str(&text).map_err(|e| {
        DeployError::input(format!("inventory `{}` is not valid: {e}", path.display()))
            .with_hint("write it with `cw-deploy discover --json > FILE`")
    })
}

fn workload(args: &WorkloadArgs) -> Result<Workload, DeployError> {
    let workload = Workload {
        name: args.name.clone(),
        artifacts: ArtifactSet::scan(&args.artifacts)?,
        replicas: args.replicas,
        memory_mib: args.memory_mib,
        gpu_memory_mib: args.gpu_memory_mib,
        preferred_vendor: args.vendor.map(GpuVendor::from),
        require_gpu: args.require_gpu,
        cpu_only: args.cpu_only,
    };
    workload.validate()?;
    Ok(workload)
}

fn gib(mib: u64) -> String {
    format!("{} GiB", mib / 1024)
}

/// The human view of an inventory.
pub fn render_inventory(inventory: &Inventory) -> String {
    let workload_clusters = inventory.workload_clusters().count();
    let mut out = format!(
        "Prism Central {}: {} cluster{}, {} hosts, {} VMs\n",
        inventory.endpoint,
        workload_clusters,
        if workload_clusters == 1 { "" } else { "s" },
        inventory.hosts.len(),
        inventory.vms.len()
    );
    let mut hosts = Table::new(&[
        "CLUSTER",
        "HOST",
        "ARCH",
        "CPU",
        "CORES",
        "MEMORY FREE/TOTAL",
        "GPUS",
    ]);
    for h in &inventory.hosts {
        hosts.row(vec![
            h.cluster_name.clone().unwrap_or_else(|| "?".into()),
            h.name.clone(),
            h.arch.to_string(),
            h.cpu_model.clone().unwrap_or_else(|| "?".into()),
            h.num_cpu_cores
                .map_or_else(|| "?".into(), |c| c.to_string()),
            match (h.memory_free_mib(), h.memory_capacity_mib) {
                (Some(free), Some(total)) => format!("{} / {}", gib(free), gib(total)),
                _ => "?".into(),
            },
            h.gpus.len().to_string(),
        ]);
    }
    out.push_str("\nHOSTS\n");
    out.push_str(&hosts.render());
    let mut gpus = Table::new(&[
        "CLUSTER",
        "HOST",
        "GPU",
        "VENDOR",
        "MODE",
        "FRAME BUFFER",
        "STATE",
    ]);
    for h in &inventory.hosts {
        for g in &h.gpus {
            gpus.row(vec![
                h.cluster_name.clone().unwrap_or_else(|| "?".into()),
                h.name.clone(),
                g.name.clone(),
                g.vendor.to_string(),
                g.mode.label().to_string(),
                g.frame_buffer_mib.map_or_else(|| "?".into(), gib),
                g.state_label(),
            ]);
        }
    }
    out.push_str("\nGPUS\n");
    if gpus.is_empty() {
        out.push_str("(no GPUs)\n");
    } else {
        out.push_str(&gpus.render());
    }
    let mut capacity = Table::new(&["VENDOR", "PASSTHROUGH FREE/TOTAL", "VGPU SLOTS FREE"]);
    for (vendor, cap) in inventory.gpu_capacity() {
        capacity.row(vec![
            vendor.to_string(),
            format!("{}/{}", cap.passthrough_free, cap.passthrough_total),
            cap.vgpu_free.to_string(),
        ]);
    }
    out.push_str("\nFREE GPU CAPACITY\n");
    if capacity.is_empty() {
        out.push_str("(none)\n");
    } else {
        out.push_str(&capacity.render());
    }
    out
}

/// The human view of a plan.
pub fn render_plan(plan: &Plan) -> String {
    let total = plan.placements.len() + plan.unplaced.len();
    let mut out = format!(
        "Plan for `{}` (kernels: {}): {} of {} replicas placed\n\n",
        plan.workload,
        plan.artifacts,
        plan.placements.len(),
        total
    );
    let mut table = Table::new(&[
        "REPLICA", "CLUSTER", "HOST", "ARCH", "BACKEND", "GPU", "REASON",
    ]);
    for p in &plan.placements {
        let gpu = p.gpu.as_ref().map_or_else(
            || "-".to_string(),
            |g| match g.mode {
                GpuMode::Virtual => format!("{} (vGPU)", g.name),
                _ => g.name.clone(),
            },
        );
        table.row(vec![
            p.replica.to_string(),
            p.cluster_name.clone().unwrap_or_else(|| "?".into()),
            p.host_name.clone(),
            p.arch.to_string(),
            p.backend.to_string(),
            gpu,
            p.reason.clone(),
        ]);
    }
    if !table.is_empty() {
        out.push_str(&table.render());
    }
    if !plan.unplaced.is_empty() {
        out.push_str("\nNOT PLACED\n");
        let mut t = Table::new(&["REPLICA", "REASON"]);
        for u in &plan.unplaced {
            t.row(vec![u.replica.to_string(), u.reason.clone()]);
        }
        out.push_str(&t.render());
    }
    if !plan.notes.is_empty() {
        out.push_str("\nNOTES\n");
        for n in &plan.notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}

fn simulate(args: &SimulateArgs, stdout: &mut dyn Write) -> Result<(), DeployError> {
    let credentials = Credentials::from_env().map_err(|e| {
        DeployError::input(format!("simulate: {}", e.message)).with_hint(
            "export NUTANIX_USERNAME and NUTANIX_PASSWORD: the simulator accepts exactly these",
        )
    })?;
    let mut config = SimConfig::new(credentials);
    config.tls = args.tls;
    config.port = args.port;
    config.max_page_length = args.max_page.max(1);
    let sim = Simulator::start(config)?;
    if let (Some(path), Some(pem)) = (&args.ca_out, sim.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| DeployError::io("cannot write", path, &e))?;
    }
    let mut text = format!(
        "Prism Central v3 simulator listening on {} (accepting the credentials in NUTANIX_USERNAME / NUTANIX_PASSWORD)\n",
        sim.url()
    );
    if let Some(path) = &args.ca_out {
        text.push_str(&format!(
            "self-signed certificate written to {}\n",
            path.display()
        ));
    }
    emit(stdout, &text)?;
    match args.serve_seconds {
        Some(seconds) => std::thread::sleep(Duration::from_secs(seconds)),
        None => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_to_strings(args: &[&str]) -> (i32, String, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = run(args.iter().copied(), &mut out, &mut err);
        (
            code,
            String::from_utf8_lossy(&out).into(),
            String::from_utf8_lossy(&err).into(),
        )
    }

    #[test]
    fn help_on_each_subcommand() {
        for sub in ["discover", "plan", "generate", "simulate"] {
            let (code, out, _) = run_to_strings(&["cw-deploy", sub, "--help"]);
            assert_eq!(code, 0, "{sub}");
            assert!(out.contains("Usage: cw-deploy"), "{sub}: {out}");
        }
    }

    #[test]
    fn no_password_flag_exists() {
        let (code, _, err) = run_to_strings(&[
            "cw-deploy",
            "discover",
            "--endpoint",
            "x",
            "--password",
            "p",
        ]);
        assert_eq!(code, 2);
        assert!(err.contains("--password"), "{err}");
    }

    #[test]
    fn discover_without_endpoint_is_one_error_and_hint() {
        let (code, out, err) = run_to_strings(&["cw-deploy", "discover"]);
        assert_eq!(code, 2);
        assert!(out.is_empty());
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(lines[0].starts_with("error: no Prism Central endpoint"));
        assert!(lines[1].starts_with("hint: "));
    }

    #[test]
    fn inventory_round_trip_through_json() {
        let inv = crate::sim::fixture_inventory("sim").unwrap();
        let path = std::env::temp_dir().join(format!("cw-deploy-inv-{}.json", std::process::id()));
        std::fs::write(&path, serde_json::to_string(&inv).unwrap()).unwrap();
        assert_eq!(read_inventory(&path).unwrap(), inv);
        std::fs::write(&path, "{\"endpoint\": 1}").unwrap();
        let e = read_inventory(&path).unwrap_err();
        assert!(e.message.contains("is not valid"), "{}", e.message);
        let _ = std::fs::remove_file(path);
        let text = render_inventory(&inv);
        assert!(text.contains("3 clusters, 7 hosts, 131 VMs"), "{text}");
        assert!(text.contains("in use by train-01"), "{text}");
    }
}
