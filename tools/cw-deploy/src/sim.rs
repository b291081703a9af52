//! A Prism Central v3 simulator: a real HTTP or HTTPS server on 127.0.0.1
//! answering `POST /api/nutanix/v3/{clusters,hosts,vms}/list` with realistic
//! v3 JSON, with basic auth and injectable faults (error statuses, slow
//! answers, malformed JSON). Used by the tests and by `cw-deploy simulate`.
//!
//! The built-in inventory ([`fixture`]) has four clusters (one is the Prism
//! Central entity itself), hosts with NVIDIA passthrough GPUs, an NVIDIA vGPU
//! host, an AMD host, an Intel GPU host, an x86 CPU-only host and two Arm
//! hosts, and 130 VMs (more than two pages at the simulator's page cap).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

use crate::credentials::Credentials;
use crate::error::{DeployError, ErrorKind};

/// A fault to inject into the simulator's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Answer the first `count` requests with HTTP `status` (e.g. 500 or 429).
    Status {
        /// The HTTP status to send.
        status: u16,
        /// How many requests get it before answers turn normal.
        count: u32,
    },
    /// Wait this long before each answer.
    Slow(Duration),
    /// Answer 200 with a body that is not JSON.
    MalformedJson,
    /// Answer hosts whose first entity lacks `metadata.uuid`.
    MissingHostUuid,
    /// Answer every request with HTTP 403 (authenticated, not authorized).
    Forbidden,
}

/// Simulator settings.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The credentials the simulator accepts.
    pub credentials: Credentials,
    /// Serve HTTPS with a freshly made self-signed certificate.
    pub tls: bool,
    /// Port to bind on 127.0.0.1 (0 for an ephemeral one).
    pub port: u16,
    /// The largest page the simulator returns, whatever `length` asks for.
    pub max_page_length: u32,
    /// The fault to inject.
    pub fault: Fault,
}

impl SimConfig {
    /// Plain HTTP on an ephemeral port, pages of at most 50, no fault.
    pub fn new(credentials: Credentials) -> Self {
        SimConfig {
            credentials,
            tls: false,
            port: 0,
            max_page_length: 50,
            fault: Fault::None,
        }
    }
}

/// A running simulator; stops when dropped.
pub struct Simulator {
    address: SocketAddr,
    tls: bool,
    ca_pem: Option<String>,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicU32>,
    log: Arc<Mutex<Vec<String>>>,
    accept_thread: Option<JoinHandle<()>>,
}

struct Shared {
    expected_auth: String,
    max_page_length: u32,
    fault: Fault,
    faults_left: AtomicU32,
    requests: Arc<AtomicU32>,
    log: Arc<Mutex<Vec<String>>>,
    data: Fixture,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Simulator {
    /// Binds 127.0.0.1 and starts serving in background threads.
    pub fn start(config: SimConfig) -> Result<Self, DeployError> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).map_err(|e| {
            DeployError::new(
                ErrorKind::Io,
                format!("cannot listen on 127.0.0.1:{}: {e}", config.port),
            )
        })?;
        let address = listener
            .local_addr()
            .map_err(|e| DeployError::new(ErrorKind::Io, format!("no local address: {e}")))?;
        let (tls_config, ca_pem) = if config.tls {
            let (server, pem) = make_tls_config()?;
            (Some(server), Some(pem))
        } else {
            (None, None)
        };
        let requests = Arc::new(AtomicU32::new(0));
        let log = Arc::new(Mutex::new(Vec::new()));
        let faults_left = match config.fault {
            Fault::Status { count, .. } => count,
            _ => 0,
        };
        let shared = Arc::new(Shared {
            expected_auth: config.credentials.authorization_header(),
            max_page_length: config.max_page_length.max(1),
            fault: config.fault,
            faults_left: AtomicU32::new(faults_left),
            requests: requests.clone(),
            log: log.clone(),
            data: fixture(),
            tls: tls_config,
        });
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let accept_thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || serve_connection(stream, &shared));
            }
        });
        Ok(Simulator {
            address,
            tls: config.tls,
            ca_pem,
            stop,
            requests,
            log,
            accept_thread: Some(accept_thread),
        })
    }

    /// The base URL, e.g. `https://127.0.0.1:43123`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.address)
    }

    /// The base URL with `localhost` as the host (the certificate names both).
    pub fn localhost_url(&self) -> String {
        self.url().replace("127.0.0.1", "localhost")
    }

    /// The self-signed certificate as PEM (HTTPS only): use it as CA bundle.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// Requests answered so far (including rejected ones).
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }

    /// One line per request: `POST /path kind offset length -> status`.
    pub fn request_log(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_millis(200));
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
    }
}

fn make_tls_config() -> Result<(Arc<rustls::ServerConfig>, String), DeployError> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        DeployError::new(ErrorKind::Io, format!("simulator TLS setup: {what}: {e}"))
    };
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified =
        rcgen::generate_simple_self_signed(names).map_err(|e| fail("certificate", &e))?;
    let cert_der = certified.cert.der().clone();
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(
        rustls::pki_types::PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()),
    );
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail("protocol versions", &e))?
        .with_no_client_auth()
        .with_single_cert(vec![cert_der], key_der)
        .map_err(|e| fail("certificate", &e))?;
    Ok((Arc::new(config), certified.cert.pem()))
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    match &shared.tls {
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            serve_requests(&mut tls, shared);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
        None => {
            let mut plain = stream;
            serve_requests(&mut plain, shared);
        }
    }
}

/// A parsed HTTP request.
struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Vec<u8>,
    keep_alive: bool,
}

fn read_request(stream: &mut impl Read) -> Option<Request> {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(chunk.get(..n)?);
    };
    let head = String::from_utf8_lossy(buffer.get(..header_end)?).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split_whitespace();
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let mut content_length = 0usize;
    let mut authorization = None;
    let mut keep_alive = true;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => content_length = value.parse().ok()?,
            "authorization" => authorization = Some(value.to_string()),
            "connection" => keep_alive = !value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    if content_length > 1024 * 1024 {
        return None;
    }
    let mut body = buffer.get(header_end + 4..)?.to_vec();
    while body.len() < content_length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(chunk.get(..n)?);
    }
    body.truncate(content_length);
    Some(Request {
        method,
        path,
        authorization,
        body,
        keep_alive,
    })
}

fn serve_requests<S: Read + Write>(stream: &mut S, shared: &Shared) {
    // Bounded keep-alive: at most 100 requests per connection.
    for _ in 0..100 {
        let Some(request) = read_request(stream) else {
            return;
        };
        let (status, body, description) = answer(&request, shared);
        shared.requests.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut log) = shared.log.lock() {
            log.push(format!(
                "{} {} {description} -> {status}",
                request.method, request.path
            ));
        }
        if let Fault::Slow(delay) = shared.fault {
            std::thread::sleep(delay);
        }
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Error",
        };
        let mut head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if status == 429 {
            head.push_str("Retry-After: 0\r\n");
        }
        head.push_str(if request.keep_alive {
            "\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err()
        {
            return;
        }
        let _ = stream.flush();
        if !request.keep_alive {
            return;
        }
    }
}

fn error_body(code: u16, reason: &str, message: &str) -> String {
    json!({
        "api_version": "3.1",
        "code": code,
        "state": "ERROR",
        "message_list": [{"reason": reason, "message": message}]
    })
    .to_string()
}

fn answer(request: &Request, shared: &Shared) -> (u16, String, String) {
    if request.authorization.as_deref() != Some(shared.expected_auth.as_str()) {
        return (
            401,
            error_body(401, "AUTHENTICATION_REQUIRED", "Authentication required."),
            "bad credentials".to_string(),
        );
    }
    if shared.fault == Fault::Forbidden {
        return (
            403,
            error_body(403, "ACCESS_DENIED", "User does not have permission."),
            "forbidden".to_string(),
        );
    }
    if let Fault::Status { status, .. } = shared.fault {
        let left = shared.faults_left.load(Ordering::SeqCst);
        if left > 0 {
            shared.faults_left.store(left - 1, Ordering::SeqCst);
            return (
                status,
                error_body(
                    status,
                    "INTERNAL_ERROR",
                    "Transient failure injected by the simulator.",
                ),
                "injected fault".to_string(),
            );
        }
    }
    let (kind, entities) = match request.path.as_str() {
        "/api/nutanix/v3/clusters/list" => ("cluster", &shared.data.clusters),
        "/api/nutanix/v3/hosts/list" => ("host", &shared.data.hosts),
        "/api/nutanix/v3/vms/list" => ("vm", &shared.data.vms),
        other => {
            return (
                404,
                error_body(404, "ENTITY_NOT_FOUND", &format!("No API at {other}.")),
                "unknown path".to_string(),
            )
        }
    };
    if request.method != "POST" {
        return (
            405,
            error_body(405, "METHOD_NOT_ALLOWED", "Use POST for list calls."),
            "bad method".to_string(),
        );
    }
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return (
            400,
            error_body(400, "INVALID_REQUEST", "Request body is not JSON."),
            "bad body".to_string(),
        );
    };
    if body.get("kind").and_then(Value::as_str) != Some(kind) {
        return (
            422,
            error_body(422, "INVALID_REQUEST", &format!("kind must be `{kind}`.")),
            "bad kind".to_string(),
        );
    }
    if shared.fault == Fault::MalformedJson {
        return (
            200,
            "{\"metadata\": {\"total_matches\": ".to_string(),
            "malformed".to_string(),
        );
    }
    let total = entities.len();
    let offset = body
        .get("offset")
        .and_then(Value::as_u64)
        .map_or(0, |o| usize::try_from(o).unwrap_or(usize::MAX));
    let asked = body.get("length").and_then(Value::as_u64).unwrap_or(20);
    let length = usize::try_from(asked.min(u64::from(shared.max_page_length))).unwrap_or(20);
    let page: Vec<Value> = entities.iter().skip(offset).take(length).cloned().collect();
    let mut page = page;
    if shared.fault == Fault::MissingHostUuid && kind == "host" {
        if let Some(meta) = page
            .first_mut()
            .and_then(|h| h.get_mut("metadata"))
            .and_then(Value::as_object_mut)
        {
            meta.remove("uuid");
        }
    }
    let description = format!(
        "kind={kind} offset={offset} length={length} returned={}",
        page.len()
    );
    let answer = json!({
        "api_version": "3.1",
        "metadata": {
            "kind": kind,
            "total_matches": total,
            "length": page.len(),
            "offset": offset
        },
        "entities": page
    });
    (200, answer.to_string(), description)
}

/// The simulator's inventory as raw v3 entities.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// `clusters/list` entities.
    pub clusters: Vec<Value>,
    /// `hosts/list` entities.
    pub hosts: Vec<Value>,
    /// `vms/list` entities.
    pub vms: Vec<Value>,
}

fn uuid(kind: u32, index: u32) -> String {
    format!("{kind:08x}-0000-4000-8000-{index:012x}")
}

/// (name, cluster index, cpu model, cores, memory GiB, GPUs) of a fixture host.
type HostDef = (&'static str, u32, &'static str, u32, u64, Vec<GpuSpec>);

struct GpuSpec {
    vendor: &'static str,
    name: &'static str,
    mode: &'static str,
    frame_buffer_gib: u64,
    device_id: i64,
    fraction: Option<u32>,
    allocated: u32,
    assignable: bool,
    consumer: Option<(u32, &'static str)>,
}

fn gpu_json(host_index: u32, gpu_index: u32, spec: &GpuSpec) -> Value {
    let mut gpu = json!({
        "uuid": uuid(0x6000 + host_index, gpu_index),
        "vendor": spec.vendor,
        "name": spec.name,
        "mode": spec.mode,
        "assignable": spec.assignable,
        "status": "ACTIVE",
        "index": gpu_index,
        "device_id": spec.device_id,
        "frame_buffer_size_bytes": spec.frame_buffer_gib * 1024 * 1024 * 1024,
        "num_virtual_display_heads": if spec.mode == "VIRTUAL" { 4 } else { 0 },
        "num_vgpus_allocated": spec.allocated,
        "numa_node": i64::from(gpu_index % 2),
        "pci_address": format!("0000:{:02x}:00.0", 0x41 + gpu_index),
        "guest_driver_version": if spec.vendor == "NVIDIA" { "550.90.07" } else { "" },
        "license_list": if spec.mode == "VIRTUAL" { json!(["NVIDIA-vCS"]) } else { json!([]) },
        "max_resolution": if spec.mode == "VIRTUAL" { "4096x2160" } else { "" },
    });
    if let Some(fraction) = spec.fraction {
        gpu["fraction"] = json!(fraction);
        gpu["max_instances_per_vm"] = json!(1);
    }
    if let (Some((vm_index, vm_name)), Some(map)) = (spec.consumer, gpu.as_object_mut()) {
        map.insert(
            "consumer_reference".to_string(),
            json!({"kind": "vm", "uuid": uuid(0x3000, vm_index), "name": vm_name}),
        );
    }
    gpu
}

/// The built-in inventory (deterministic uuids).
pub fn fixture() -> Fixture {
    let cluster_defs: [(&str, bool); 4] = [
        ("prism-central", true),
        ("gpu-east", false),
        ("gpu-west", false),
        ("edge-arm", false),
    ];
    let clusters: Vec<Value> = cluster_defs
        .iter()
        .enumerate()
        .map(|(i, (name, is_pc))| {
            let services = if *is_pc {
                json!(["PRISM_CENTRAL"])
            } else {
                json!(["AOS"])
            };
            let i = u32::try_from(i).unwrap_or(0);
            json!({
                "api_version": "3.1",
                "metadata": {"kind": "cluster", "uuid": uuid(0x1000, i), "spec_version": 0},
                "spec": {"name": name, "resources": {}},
                "status": {
                    "name": name,
                    "state": "COMPLETE",
                    "resources": {
                        "config": {
                            "service_list": services,
                            "software_map": {"NOS": {"software_type": "NOS", "version": "7.0"}},
                            "build": {"version": "7.0"}
                        },
                        "nodes": {"hypervisor_server_list": []}
                    }
                }
            })
        })
        .collect();
    let nvidia_a100 = |consumer: Option<(u32, &'static str)>| GpuSpec {
        vendor: "NVIDIA",
        name: "NVIDIA A100 80GB PCIe",
        mode: "PASSTHROUGH_COMPUTE",
        frame_buffer_gib: 80,
        device_id: 0x20b5,
        fraction: None,
        allocated: 0,
        assignable: consumer.is_none(),
        consumer,
    };
    // (name, cluster index, cpu model, cores, memory GiB, gpus)
    let host_defs: Vec<HostDef> = vec![
        (
            "east-gpu-01",
            1,
            "Intel(R) Xeon(R) Gold 6448Y",
            64,
            1024,
            vec![nvidia_a100(None), nvidia_a100(Some((200, "train-01")))],
        ),
        (
            "east-gpu-02",
            1,
            "AMD EPYC 9354 32-Core Processor",
            64,
            1024,
            vec![GpuSpec {
                vendor: "NVIDIA",
                name: "NVIDIA L40S-12Q",
                mode: "VIRTUAL",
                frame_buffer_gib: 12,
                device_id: 1153,
                fraction: Some(4),
                allocated: 1,
                assignable: true,
                consumer: None,
            }],
        ),
        (
            "east-cpu-01",
            1,
            "Intel(R) Xeon(R) Silver 4410Y",
            24,
            512,
            vec![],
        ),
        (
            "west-amd-01",
            2,
            "AMD EPYC 7763 64-Core Processor",
            128,
            2048,
            vec![
                GpuSpec {
                    vendor: "AMD",
                    name: "AMD Instinct MI210",
                    mode: "PASSTHROUGH_COMPUTE",
                    frame_buffer_gib: 64,
                    device_id: 0x740f,
                    fraction: None,
                    allocated: 0,
                    assignable: true,
                    consumer: None,
                },
                GpuSpec {
                    vendor: "AMD",
                    name: "AMD Instinct MI210",
                    mode: "PASSTHROUGH_COMPUTE",
                    frame_buffer_gib: 64,
                    device_id: 0x740f,
                    fraction: None,
                    allocated: 0,
                    assignable: true,
                    consumer: None,
                },
            ],
        ),
        (
            "west-intel-01",
            2,
            "Intel(R) Xeon(R) Platinum 8480+",
            112,
            1024,
            vec![GpuSpec {
                vendor: "INTEL",
                name: "Intel Data Center GPU Flex 170",
                mode: "PASSTHROUGH_COMPUTE",
                frame_buffer_gib: 16,
                device_id: 0x56c0,
                fraction: None,
                allocated: 0,
                assignable: false,
                consumer: Some((201, "media-01")),
            }],
        ),
        ("arm-01", 3, "Ampere(R) Altra(R) Q80-30", 80, 256, vec![]),
        ("arm-02", 3, "Ampere(R) Altra(R) Q80-30", 80, 256, vec![]),
    ];
    let hosts: Vec<Value> = host_defs
        .iter()
        .enumerate()
        .map(|(i, (name, cluster, cpu, cores, mem_gib, gpus))| {
            let i = u32::try_from(i).unwrap_or(0);
            let gpu_list: Vec<Value> = gpus
                .iter()
                .enumerate()
                .map(|(g, spec)| gpu_json(i, u32::try_from(g).unwrap_or(0), spec))
                .collect();
            let cluster_name = cluster_defs.get(*cluster as usize).map_or("", |c| c.0);
            json!({
                "api_version": "3.1",
                "metadata": {"kind": "host", "uuid": uuid(0x2000, i)},
                "status": {
                    "name": name,
                    "state": "COMPLETE",
                    "cluster_reference": {"kind": "cluster", "uuid": uuid(0x1000, *cluster), "name": cluster_name},
                    "resources": {
                        "host_type": "HYPER_CONVERGED",
                        "cpu_model": cpu,
                        "num_cpu_cores": cores,
                        "num_cpu_sockets": 2,
                        "cpu_capacity_hz": 2_100_000_000u64 * u64::from(*cores),
                        "memory_capacity_mib": mem_gib * 1024,
                        "gpu_driver_version": if gpus.iter().any(|g| g.vendor == "NVIDIA") { "550.90.07" } else { "" },
                        "hypervisor": {"hypervisor_full_name": "AHV 10.0", "num_vms": 0, "ip": format!("10.20.0.{}", 11 + i)},
                        "gpu_list": gpu_list
                    }
                }
            })
        })
        .collect();
    let host_count = u32::try_from(host_defs.len()).unwrap_or(1);
    let mut vms: Vec<Value> = (0..128u32)
        .map(|i| {
            let host = i % host_count;
            let cluster = host_defs.get(host as usize).map_or(1, |h| h.1);
            let name = format!("app-{i:03}");
            json!({
                "api_version": "3.1",
                "metadata": {"kind": "vm", "uuid": uuid(0x3000, i)},
                "spec": {
                    "name": name,
                    "cluster_reference": {"kind": "cluster", "uuid": uuid(0x1000, cluster)},
                    "resources": {"num_sockets": 1, "num_vcpus_per_socket": 2, "memory_size_mib": 4096,
                                  "power_state": if i % 10 == 9 { "OFF" } else { "ON" }}
                },
                "status": {
                    "name": name,
                    "state": "COMPLETE",
                    "cluster_reference": {"kind": "cluster", "uuid": uuid(0x1000, cluster)},
                    "resources": {
                        "power_state": if i % 10 == 9 { "OFF" } else { "ON" },
                        "host_reference": {"kind": "host", "uuid": uuid(0x2000, host)},
                        "memory_size_mib": 4096,
                        "gpu_list": []
                    }
                }
            })
        })
        .collect();
    // GPU VMs: a passthrough A100 on east-gpu-01, and the Intel Flex on west-intel-01.
    let gpu_vms = [
        (
            200u32,
            "train-01",
            0u32,
            1u32,
            "NVIDIA",
            "PASSTHROUGH_COMPUTE",
            0x20b5i64,
            1u32,
        ),
        (
            201,
            "media-01",
            4,
            2,
            "INTEL",
            "PASSTHROUGH_COMPUTE",
            0x56c0,
            0,
        ),
    ];
    for (vm_index, name, host, cluster, vendor, mode, device_id, gpu_index) in gpu_vms {
        vms.push(json!({
            "api_version": "3.1",
            "metadata": {"kind": "vm", "uuid": uuid(0x3000, vm_index)},
            "spec": {
                "name": name,
                "cluster_reference": {"kind": "cluster", "uuid": uuid(0x1000, cluster)},
                "resources": {"num_sockets": 2, "num_vcpus_per_socket": 8, "memory_size_mib": 65536,
                              "power_state": "ON",
                              "gpu_list": [{"vendor": vendor, "mode": mode, "device_id": device_id}]}
            },
            "status": {
                "name": name,
                "state": "COMPLETE",
                "cluster_reference": {"kind": "cluster", "uuid": uuid(0x1000, cluster)},
                "resources": {
                    "power_state": "ON",
                    "host_reference": {"kind": "host", "uuid": uuid(0x2000, host)},
                    "memory_size_mib": 65536,
                    "gpu_list": [{"vendor": vendor, "mode": mode, "device_id": device_id,
                                  "uuid": uuid(0x6000 + host, gpu_index), "name": "gpu"}]
                }
            }
        }));
    }
    // A vGPU VM on east-gpu-02 (one of four L40S-12Q slots).
    vms.push(json!({
        "api_version": "3.1",
        "metadata": {"kind": "vm", "uuid": uuid(0x3000, 202)},
        "spec": {"name": "vdi-01", "resources": {"memory_size_mib": 16384, "power_state": "ON",
                 "gpu_list": [{"vendor": "NVIDIA", "mode": "VIRTUAL", "device_id": 1153}]}},
        "status": {"name": "vdi-01", "resources": {"power_state": "ON",
                   "host_reference": {"kind": "host", "uuid": uuid(0x2000, 1)},
                   "gpu_list": [{"vendor": "NVIDIA", "mode": "VIRTUAL", "device_id": 1153,
                                 "uuid": uuid(0x6001, 0), "name": "NVIDIA L40S-12Q"}]}}
    }));
    Fixture {
        clusters,
        hosts,
        vms,
    }
}

/// The fixture as a typed inventory (what `discover` returns from a simulator).
pub fn fixture_inventory(endpoint: &str) -> Result<crate::model::Inventory, DeployError> {
    let data = fixture();
    crate::model::Inventory::from_entities(endpoint, &data.clusters, &data.hosts, &data.vms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_is_consistent() {
        let inv = fixture_inventory("sim").unwrap();
        assert_eq!(inv.clusters.len(), 4);
        assert_eq!(inv.hosts.len(), 7);
        assert_eq!(inv.vms.len(), 131);
        let cap = inv.gpu_capacity();
        let nvidia = &cap[&crate::model::GpuVendor::Nvidia];
        assert_eq!(
            (
                nvidia.passthrough_total,
                nvidia.passthrough_free,
                nvidia.vgpu_free
            ),
            (2, 1, 3)
        );
        assert_eq!(cap[&crate::model::GpuVendor::Amd].passthrough_free, 2);
        assert_eq!(cap[&crate::model::GpuVendor::Intel].passthrough_free, 0);
        let arm = inv
            .hosts
            .iter()
            .filter(|h| h.arch == crate::model::CpuArch::Arm64)
            .count();
        assert_eq!(arm, 2);
    }

    #[test]
    fn http_parse_and_auth() {
        let sim = Simulator::start(SimConfig::new(Credentials::new("admin", "pw"))).unwrap();
        let mut s = TcpStream::connect(sim.address).unwrap();
        s.write_all(b"POST /api/nutanix/v3/clusters/list HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        assert!(out.starts_with("HTTP/1.1 401"), "{out}");
        assert!(out.contains("AUTHENTICATION_REQUIRED"));
        assert_eq!(sim.requests(), 1);
    }
}
